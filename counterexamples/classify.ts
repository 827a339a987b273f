/**
 * Root-cause identity by experiment. A failing scenario of `property` on a variant belongs
 * to finding Fx when Fx's experiment alone makes it stop breaking `property`:
 *
 *  - defect Fx: the same scenario on the variant with Fx's fix added;
 *  - contract Fx: the same variant with the scenario's calls kept within the contract.
 *
 * Several findings may each remove it (overdetermined: all are recorded); none at all means
 * a new, unclassified finding. Nothing here looks at messages, ghost notes or variant-name
 * lists: the fixes' own `bases` and the contracts' own `bases` decide what is tried.
 *
 * An experiment replays the recorded schedule step by step, and a fix changes step counts and
 * addresses, so a fix can stop the replay from lining a race up without touching the race (the
 * softirq page_table_lock inversion of F13 "removed" by F19's hole-walk fix, which only moved
 * the area into an already populated page table). So where several experiments remove a
 * failure, an experiment is kept only if it is also robust: under it, the same programs and
 * recorded events break the property in none of ROBUST_SCHEDULES other interleavings
 * (explore/perturb.ts). When no removing experiment is robust (two defects that each show
 * through the other's fix), all of them are kept, as before.
 */
import type { Scenario } from '../model/engine/program';
import { fixesFor, parseVariantName, variantByName, variantName } from '../model/variants/registry';
import { layoutOf, type Campaign } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import { perturbedChooser, unscheduled } from '../explore/perturb';
import { FINDINGS } from './findings';

/** The outcome of the experiments on one failing scenario. */
export interface Classification {
  /** Findings whose experiment alone removes the failure (empty: unclassified). */
  readonly findings: readonly string[];
  /** Every experiment tried, with whether it removed the failure. */
  readonly experiments: readonly Experiment[];
}

/** One experiment on a failing scenario. */
export interface Experiment {
  readonly finding: string;
  /** The recorded schedule no longer breaks the property under it. */
  readonly removes: boolean;
  /** It removes the failure and no other interleaving of the same programs and events brings it back (only asked when several remove it). */
  readonly robust?: boolean;
  /** The variant it ran on. */
  readonly on: string;
}

/** Interleavings tried per experiment to tell a removed failure from a moved one. */
export const ROBUST_SCHEDULES = 12;

/** Does some other interleaving of `scn`'s programs and events break `property` on `variant`? */
export function breaksElsewhere(variant: string, c: Campaign, property: string, scn: Scenario, k = ROBUST_SCHEDULES): boolean {
  const v = variantByName(variant);
  const free = unscheduled(scn);
  for (let i = 0; i < k; i++) if (runScenario(v, c, free, { chooser: perturbedChooser(scn, String(i)) }).violated.has(property)) return true;
  return false;
}

/** Does `scn` break `property` on the variant named `variant` under campaign `c`? */
export function breaks(variant: string, c: Campaign, property: string, scn: Scenario): boolean {
  return runScenario(variantByName(variant), c, scn).violated.has(property);
}

/** Run every applicable experiment on a scenario that breaks `property` on `variant`. */
export function classifyScenario(variant: string, c: Campaign, property: string, scn: Scenario): Classification {
  const spec = parseVariantName(variant);
  const applied = new Set(spec.fixes.map((f) => f.id));
  const tried: { finding: string; on: string; variant: string; scn: Scenario }[] = [];
  for (const fix of fixesFor(spec.base)) {
    if (applied.has(fix.id)) continue;
    const on = variantName(spec.base, [...spec.fixes, fix]);
    tried.push({ finding: fix.id, on, variant: on, scn });
  }
  for (const f of FINDINGS) {
    if (f.contract === undefined || !f.contract.bases.includes(spec.base)) continue;
    tried.push({ finding: f.id, on: `${variant} within the contract`, variant, scn: f.contract.within(scn, layoutOf(c)) });
  }
  const removes = tried.map((t) => !breaks(t.variant, c, property, t.scn));
  const several = removes.filter(Boolean).length > 1;
  const experiments: Experiment[] = tried.map((t, i) => ({
    finding: t.finding,
    removes: removes[i]!,
    ...(several && removes[i] ? { robust: !breaksElsewhere(t.variant, c, property, t.scn) } : {}),
    on: t.on,
  }));
  const removing = experiments.filter((e) => e.removes);
  const robust = removing.filter((e) => e.robust === true);
  return { findings: (robust.length > 0 ? robust : removing).map((e) => e.finding), experiments };
}

/** Does finding `id`'s experiment alone remove the failure of `property` by `scn` on `variant`? */
export function experimentRemoves(id: string, variant: string, c: Campaign, property: string, scn: Scenario): boolean {
  const spec = parseVariantName(variant);
  const fix = fixesFor(spec.base).find((f) => f.id === id);
  if (fix !== undefined) return spec.fixes.includes(fix) || !breaks(variantName(spec.base, [...spec.fixes, fix]), c, property, scn);
  const f = FINDINGS.find((x) => x.id === id);
  if (f?.contract !== undefined && f.contract.bases.includes(spec.base)) return !breaks(variant, c, property, f.contract.within(scn, layoutOf(c)));
  return false;
}
