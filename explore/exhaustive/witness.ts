/**
 * Witness counterexample files for `Sometimes` verdicts: the first execution's schedule,
 * shrunk greedily (fewer choices, shorter runs; the programs stay as written), packaged in
 * the counterexample format so `vmapcheck replay` can run it.
 */
import type { Layout } from '../../model/config/layout';
import type { Choice, Op, Scenario } from '../../model/engine/program';
import type { Variant } from '../../model/engine/variant';
import { CAMPAIGNS, IRQ_CAMPAIGNS, type Campaign } from '../campaigns';
import { runScenario } from '../check';
import { shrinkScenario } from '../shrink';
import { buildCounterexample } from '../../counterexamples/build';
import type { CounterexampleFile } from '../../counterexamples/format';

/**
 * A recorded campaign with this layout and CPU count, so `replay` accepts the file (replay
 * looks limits and layout up by campaign name); null when the layout has overrides or none
 * matches.
 */
export function replayCampaign(layoutName: string, overridden: boolean, cpus: number, irq: boolean): Campaign | null {
  if (overridden) return null;
  const all = [...CAMPAIGNS, ...IRQ_CAMPAIGNS].filter((c) => c.layout === layoutName && c.cpus === cpus);
  return all.find((c) => (c.irqOps.length > 0) === irq) ?? all[0] ?? null;
}

/** Does `scn` show `property` (violated, or reached for a sometimes-property)? */
function shows(variant: Variant, c: Campaign, layout: Layout, scn: Scenario, property: string): boolean {
  const o = runScenario(variant, c, scn, { layout });
  return o.violated.has(property) || o.reached.has(property);
}

/** Shrink the witness schedule of `property` and build its counterexample file (null if it does not replay). */
export function witnessFile(
  variant: Variant,
  campaign: Campaign,
  layout: Layout,
  programs: readonly (readonly Op[])[],
  schedule: readonly Choice[],
  property: string,
  note: string,
): CounterexampleFile | null {
  const scn: Scenario = { programs, schedule, faults: [] };
  if (!shows(variant, campaign, layout, scn, property)) return null;
  // Only the schedule is shrunk: the programs are the scenario file's.
  const written = JSON.stringify(programs);
  const shrunk = shrinkScenario(scn, (s) => JSON.stringify(s.programs) === written && shows(variant, campaign, layout, s, property), 400).scenario;
  return buildCounterexample(variant, campaign, property, shrunk, { strategy: 'hand', note });
}
