/**
 * Shared body of the per-fix tests (tests/fixes/F*.test.ts): the committed counterexamples
 * of a finding, replayed on their base and on base+fix, and a reduced fast-check survey of
 * base and base+fix over the same seeds, to show the fix introduces no broken property.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseCounterexample, type CounterexampleFile } from '../../counterexamples/format';
import { replayFile } from '../../counterexamples/replay';
import type { Campaign } from '../../explore/campaigns';
import { survey } from '../../explore/fastcheck';
import { variantByName } from '../../model/variants/registry';
import { isPerformance } from '../../explore/audit';

const DIR = join(import.meta.dirname, '..', '..', 'counterexamples');

/** Every committed counterexample filed under `finding`, as [file name, parsed file]. */
export function counterexamplesOf(finding: string): [string, CounterexampleFile][] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f): [string, CounterexampleFile] => [f, parseCounterexample(readFileSync(join(DIR, f), 'utf8'), f)])
    .filter(([, ce]) => ce.finding === finding);
}

/** Does `ce` break its recorded property when replayed on `variant`? */
export function reproducesOn(ce: CounterexampleFile, variant: string): boolean {
  return replayFile({ ...ce, variant }, `${ce.variant}.${ce.campaign}.${ce.property} on ${variant}`).reproduced;
}

/**
 * Properties the survey of `fixed` (`runs` scenarios) breaks that the survey of `base` over
 * the same seed and `baseRuns` scenarios (a superset of the same first `runs`, default 3x)
 * does not, with their first message. The base gets the larger budget because a fix that
 * adds or removes steps reshuffles which generated run meets a pre-existing finding: a
 * property is new only if the base never broke it on the same or more scenarios.
 */
export function newlyBroken(base: string, fixed: string, c: Campaign, runs: number, baseRuns = 3 * runs): string[] {
  const b = survey(variantByName(base), c, baseRuns);
  const f = survey(variantByName(fixed), c, runs);
  return [...f.violated].filter(([p]) => !b.violated.has(p) && !isPerformance(p)).map(([p, e]) => `${p} (run ${e.firstRun}): ${e.message}`);
}

/** A previously masked violation a fix may expose, with the finding it belongs to. */
export interface Unmasked {
  readonly property: string;
  /** Part of the message that identifies it. */
  readonly message: string;
  /** Why it is not the fix's doing (the finding it shows, and how that was checked). */
  readonly why: string;
}

/** newlyBroken minus the listed unmasked violations. */
export function newlyBrokenExcept(base: string, fixed: string, c: Campaign, runs: number, unmasked: readonly Unmasked[] = []): string[] {
  return newlyBroken(base, fixed, c, runs).filter((m) => !unmasked.some((u) => m.startsWith(`${u.property} `) && m.includes(u.message)));
}
