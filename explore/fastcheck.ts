/**
 * Search strategy 1: fast-check generation and shrinking over a campaign.
 *
 * `survey` runs a campaign's budget of generated scenarios and records every property each
 * run breaks and every sometimes-property it reaches. `findAndShrink` asks fast-check for
 * the first scenario breaking one property, lets fast-check shrink it, then applies the
 * greedy scenario shrinker; the result carries the fast-check seed and path to replay it.
 */
import fc from 'fast-check';
import type { Scenario } from '../model/engine/program';
import type { Variant } from '../model/engine/variant';
import type { Campaign } from './campaigns';
import { rawScenarioArb, toScenario } from './arbitraries';
import { runScenario, type Outcome } from './check';
import { shrinkScenario } from './shrink';

/** Per property: how many runs broke it, and the first one. */
export interface SurveyEntry {
  count: number;
  firstRun: number;
  message: string;
}

/** What a campaign's budget showed on one variant. */
export interface Survey {
  readonly variant: string;
  readonly campaign: string;
  readonly runs: number;
  readonly violated: Map<string, SurveyEntry>;
  readonly reached: Map<string, number>;
  readonly steps: number;
  readonly ms: number;
}

/** Run `runs` generated scenarios (seeded) and record what they broke and reached. */
export function survey(variant: Variant, c: Campaign, runs = c.runs, seed = c.seed, onRun?: (i: number, o: Outcome, scn: Scenario) => void): Survey {
  const violated = new Map<string, SurveyEntry>();
  const reached = new Map<string, number>();
  let steps = 0;
  let i = 0;
  const t0 = performance.now();
  fc.assert(
    fc.property(rawScenarioArb(c), (raw) => {
      const scn = toScenario(c, raw);
      const o = runScenario(variant, c, scn);
      steps += o.result.steps;
      for (const v of o.violations) {
        const e = violated.get(v.property);
        if (e) e.count++;
        else violated.set(v.property, { count: 1, firstRun: i, message: v.splat.message });
      }
      for (const r of o.reached) reached.set(r, (reached.get(r) ?? 0) + 1);
      onRun?.(i, o, scn);
      i++;
      return true;
    }),
    { seed, numRuns: runs },
  );
  return { variant: variant.name, campaign: c.name, runs, violated, reached, steps, ms: performance.now() - t0 };
}

/** A shrunk failure of one property. */
export interface Found {
  readonly property: string;
  readonly scenario: Scenario;
  readonly seed: number;
  readonly path: string;
  readonly fcShrinks: number;
  readonly greedyTries: number;
}

/** Find the first generated scenario breaking `property`, shrink it, and return it (or null). */
export function findAndShrink(variant: Variant, c: Campaign, property: string, runs = c.runs, seed = c.seed): Found | null {
  return findAndShrinkBy(c, property, (s) => runScenario(variant, c, s).violated.has(property), runs, seed);
}

/** Find the first generated scenario satisfying `fails` (it fails `property` some way), shrink it under `fails`. */
export function findAndShrinkBy(c: Campaign, property: string, fails: (s: Scenario) => boolean, runs = c.runs, seed = c.seed, shrinkBudget = 2000): Found | null {
  const details = fc.check(
    fc.property(rawScenarioArb(c), (raw) => !fails(toScenario(c, raw))),
    { seed, numRuns: runs },
  );
  if (!details.failed || details.counterexample === null) return null;
  const first = toScenario(c, details.counterexample[0]);
  const { scenario, tries } = shrinkScenario(first, fails, shrinkBudget);
  return { property, scenario, seed, path: details.counterexamplePath ?? '', fcShrinks: details.numShrinks, greedyTries: tries };
}
