/**
 * The guard of "no JavaScript exception is ever a result": run a campaign's generated
 * scenarios (fast-check samples and seeded PCT runs, every property and lockdep attached)
 * and collect every exception that escapes the engine. Kernel BUGs and oopses never escape
 * (the runner turns a KernelPanic into a violation), so anything caught here is a model or
 * harness bug — or, for HarnessInputError, a generator producing input outside the API.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import type { Scenario } from '../model/engine/program';
import type { Variant } from '../model/engine/variant';
import { rawScenarioArb, toScenario } from './arbitraries';
import type { Campaign } from './campaigns';
import { runScenario } from './check';
import { pctChooser, randomScenario } from './pct';

/** One escaped exception, with what reproduces it. */
export interface Escaped {
  readonly variant: string;
  readonly campaign: string;
  readonly strategy: 'fast-check' | 'pct';
  readonly index: number;
  /** fast-check seed or PCT run seed. */
  readonly seed: string;
  readonly error: string;
  readonly scenario: Scenario;
}

/** What a sweep ran and caught. */
export interface SweepResult {
  readonly runs: number;
  readonly steps: number;
  readonly escaped: Escaped[];
}

/**
 * `runs` scenarios of `c` on `v`: half fast-check samples (seed `seed`), half PCT runs
 * (seeds `${seed}/pct/${i}`), so both search strategies' inputs are guarded.
 */
export function sweepForExceptions(v: Variant, c: Campaign, runs: number, seed: number): SweepResult {
  const escaped: Escaped[] = [];
  let steps = 0;
  const guard = (strategy: Escaped['strategy'], index: number, s: string, scn: Scenario, f: () => number): void => {
    try {
      steps += f();
    } catch (e) {
      escaped.push({ variant: v.name, campaign: c.name, strategy, index, seed: s, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), scenario: scn });
    }
  };
  const nFc = Math.ceil(runs / 2);
  fc.sample(rawScenarioArb(c), { seed, numRuns: nFc }).forEach((raw, i) => {
    const scn = toScenario(c, raw);
    guard('fast-check', i, String(seed), scn, () => runScenario(v, c, scn).result.steps);
  });
  for (let i = 0; i < runs - nFc; i++) {
    const rs = `${seed}/pct/${i}`;
    const scn = randomScenario(c, seedrandom(rs + '/prog'));
    guard('pct', i, rs, scn, () => runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth: 3, k: 400 }, scn) }).result.steps);
  }
  return { runs, steps, escaped };
}
