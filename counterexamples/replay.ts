/**
 * Replay a counterexample exactly, or say clearly why it cannot be replayed (unknown
 * variant or campaign, configuration mismatch, malformed file).
 */
import { readFileSync } from 'node:fs';
import { campaignByName } from '../explore/campaigns';
import { runScenario, type Outcome } from '../explore/check';
import { variantByName } from '../model/variants/registry';
import { CounterexampleError, parseCounterexample, type CounterexampleFile } from './format';

/** The result of a replay. */
export interface Replay {
  readonly file: CounterexampleFile;
  readonly outcome: Outcome;
  /** The recorded property broke again. */
  readonly reproduced: boolean;
}

/** Replay a parsed counterexample (with the trace recorded). */
export function replayFile(ce: CounterexampleFile, name = 'counterexample'): Replay {
  let variant;
  let campaign;
  try {
    variant = variantByName(ce.variant);
    campaign = campaignByName(ce.campaign);
  } catch (e) {
    throw new CounterexampleError(`${name}: ${(e as Error).message}`);
  }
  if (campaign.layout !== ce.config.layout || campaign.cpus !== ce.config.cpus) {
    throw new CounterexampleError(
      `${name}: recorded with layout ${ce.config.layout} on ${ce.config.cpus} CPUs, but campaign ${campaign.name} is now layout ${campaign.layout} on ${campaign.cpus} CPUs; re-create it with 'vmapcheck discover --variant ${ce.variant} --campaign ${ce.campaign}'`,
    );
  }
  const outcome = runScenario(variant, campaign, ce.scenario, { trace: true });
  return { file: ce, outcome, reproduced: outcome.violated.has(ce.property) };
}

/** Read, validate and replay a counterexample file from disk. */
export function replayPath(path: string): Replay {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CounterexampleError(`${path}: cannot read (${(e as Error).message})`);
  }
  return replayFile(parseCounterexample(text, path), path);
}
