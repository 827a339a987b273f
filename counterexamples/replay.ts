/**
 * Replay a counterexample exactly, or say clearly why it cannot be replayed (unknown
 * variant or campaign, configuration mismatch, malformed file). A replay that no longer
 * breaks its property says where the new run departs from the recorded trace.
 */
import { readFileSync } from 'node:fs';
import { campaignByName } from '../explore/campaigns';
import { runScenario, type Outcome } from '../explore/check';
import { variantByName } from '../model/variants/registry';
import { traceLines } from '../reports/trace_text';
import { CounterexampleError, parseCounterexample, type CounterexampleFile } from './format';

/** The first line where a new trace differs from the recorded one. */
export interface Departure {
  /** 0-based line index into both traces. */
  readonly line: number;
  /** Recorded line (undefined: the recorded trace ended here). */
  readonly recorded?: string;
  /** New line (undefined: the new trace ended here). */
  readonly now?: string;
}

/** The result of a replay. */
export interface Replay {
  readonly file: CounterexampleFile;
  /** The variant it was replayed on (the recorded one, or --on's). */
  readonly variant: string;
  readonly outcome: Outcome;
  /** The recorded property broke again. */
  readonly reproduced: boolean;
  /** When not reproduced: the first difference between the recorded trace and this replay's (null: identical, or reproduced). */
  readonly departure: Departure | null;
}

/** Compare two traces line by line (trailing spaces ignored). */
export function firstDeparture(recorded: readonly string[], now: readonly string[]): Departure | null {
  const n = Math.max(recorded.length, now.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i]?.trimEnd();
    const b = now[i]?.trimEnd();
    if (a !== b) return { line: i, ...(a !== undefined ? { recorded: a } : {}), ...(b !== undefined ? { now: b } : {}) };
  }
  return null;
}

/** Replay a parsed counterexample (with the trace recorded), on its own variant or on `opts.on`. */
export function replayFile(ce: CounterexampleFile, name = 'counterexample', opts: { on?: string } = {}): Replay {
  let variant;
  let campaign;
  const vname = opts.on ?? ce.variant;
  try {
    variant = variantByName(vname);
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
  const reproduced = outcome.violated.has(ce.property);
  return { file: ce, variant: variant.name, outcome, reproduced, departure: reproduced ? null : firstDeparture(ce.trace, traceLines(outcome.result.world)) };
}

/** Read, validate and replay a counterexample file from disk. */
export function replayPath(path: string, opts: { on?: string } = {}): Replay {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CounterexampleError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  return replayFile(parseCounterexample(text, path), path, opts);
}
