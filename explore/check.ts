/**
 * Run one scenario of a campaign on a variant with every property and lockdep attached,
 * and summarise what broke and what was reached.
 */
import { run, type RunOptions, type RunResult } from '../model/engine/runner';
import type { Scenario } from '../model/engine/program';
import type { Violation } from '../model/engine/violation';
import { Lockdep } from '../model/kernel/lockdep';
import type { Variant } from '../model/engine/variant';
import { checksFor, PERFORMANCE, PROPERTIES, SAFETY } from '../properties/index';
import { layoutOf, type Campaign } from './campaigns';

/** What one run showed. */
export interface Outcome {
  readonly result: RunResult;
  readonly violations: readonly Violation[];
  /** Names of the properties broken in this run. */
  readonly violated: ReadonlySet<string>;
  /** Sometimes-properties reached in this run. */
  readonly reached: ReadonlySet<string>;
}

/** Sometimes-properties judged from the run's records after it ended. */
const JUDGED = PROPERTIES.filter((p) => p.when === 'sometimes' && p.reachedBy !== undefined);

const checksCache = new WeakMap<Variant, ReturnType<typeof checksFor>>();

/** Run `scn` on `variant` under `campaign`'s layout and limits. */
export function runScenario(variant: Variant, campaign: Campaign, scn: Scenario, extra: Partial<RunOptions> = {}): Outcome {
  let checks = checksCache.get(variant);
  if (checks === undefined) {
    checks = checksFor(variant, [...SAFETY, ...PERFORMANCE]);
    checksCache.set(variant, checks);
  }
  const result = run(scn, {
    variant,
    layout: layoutOf(campaign),
    cpus: campaign.cpus,
    checks,
    maxSteps: campaign.maxSteps,
    maxCallSteps: campaign.maxCallSteps,
    setup: (w) => {
      w.observers.push(new Lockdep(w));
    },
    ...extra,
  });
  const w = result.world;
  const reached = new Set(w.reached);
  for (const p of JUDGED) if (p.reachedBy!(w)) reached.add(p.name);
  return { result, violations: w.violations, violated: new Set(w.violations.map((v) => v.property)), reached };
}
