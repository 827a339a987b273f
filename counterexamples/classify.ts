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
 */
import type { Scenario } from '../model/engine/program';
import { fixesFor, parseVariantName, variantByName, variantName } from '../model/variants/registry';
import { layoutOf, type Campaign } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import { FINDINGS } from './findings';

/** The outcome of the experiments on one failing scenario. */
export interface Classification {
  /** Findings whose experiment alone removes the failure (empty: unclassified). */
  readonly findings: readonly string[];
  /** Every experiment tried, with whether it removed the failure. */
  readonly experiments: readonly { readonly finding: string; readonly removes: boolean; readonly on: string }[];
}

/** Does `scn` break `property` on the variant named `variant` under campaign `c`? */
export function breaks(variant: string, c: Campaign, property: string, scn: Scenario): boolean {
  return runScenario(variantByName(variant), c, scn).violated.has(property);
}

/** Run every applicable experiment on a scenario that breaks `property` on `variant`. */
export function classifyScenario(variant: string, c: Campaign, property: string, scn: Scenario): Classification {
  const spec = parseVariantName(variant);
  const applied = new Set(spec.fixes.map((f) => f.id));
  const experiments: { finding: string; removes: boolean; on: string }[] = [];
  for (const fix of fixesFor(spec.base)) {
    if (applied.has(fix.id)) continue;
    const on = variantName(spec.base, [...spec.fixes, fix]);
    experiments.push({ finding: fix.id, removes: !breaks(on, c, property, scn), on });
  }
  for (const f of FINDINGS) {
    if (f.contract === undefined || !f.contract.bases.includes(spec.base)) continue;
    experiments.push({ finding: f.id, removes: !breaks(variant, c, property, f.contract.within(scn, layoutOf(c))), on: `${variant} within the contract` });
  }
  return { findings: experiments.filter((e) => e.removes).map((e) => e.finding), experiments };
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
