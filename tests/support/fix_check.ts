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

/** Properties the survey breaks on `fixed` but not on `base` (same campaign, runs and seed), with their first message. */
export function newlyBroken(base: string, fixed: string, c: Campaign, runs: number): string[] {
  const b = survey(variantByName(base), c, runs);
  const f = survey(variantByName(fixed), c, runs);
  return [...f.violated].filter(([p]) => !b.violated.has(p)).map(([p, e]) => `${p} (run ${e.firstRun}): ${e.message}`);
}
