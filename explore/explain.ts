/**
 * Is a failure explained by findings already recorded? The experiment that answers it for
 * a whole set at once: the variant with the fixes of the recorded defects added, and the
 * scenario with every call outside the recorded contracts removed. A failure that survives
 * is something the record does not cover (an unexpected or a new finding), found without
 * shrinking; only those are then shrunk and classified one finding at a time.
 */
import type { Scenario } from '../model/engine/program';
import { fixById, type Fix } from '../model/variants/fixes/index';
import { parseVariantName, variantByName, variantName } from '../model/variants/registry';
import { findingById, type Finding } from '../model/variants/findings';
import { layoutOf, type Campaign } from './campaigns';
import { runScenario } from './check';

/** The experiment that removes a set of recorded findings from a variant. */
export interface Explainer {
  /** The variant with the recorded defects fixed. */
  readonly variant: string;
  /** Nothing recorded applies: the experiment would rerun the same run. */
  readonly identity: boolean;
  /** The recorded contracts (their calls outside the API are dropped). */
  readonly contracts: readonly Finding[];
  /** Does `scn` still break `property` once the recorded findings are removed? */
  survives(c: Campaign, property: string, scn: Scenario): boolean;
  /** Every property `scn` still breaks once the recorded findings are removed (one replay). */
  surviving(c: Campaign, scn: Scenario): ReadonlySet<string>;
  /** `scn` with every recorded contract's out-of-contract calls removed (under campaign `c`'s layout). */
  within(c: Campaign, scn: Scenario): Scenario;
}

/** The explainer for `variant` with the findings `ids` recorded (unknown ids are ignored: they explain nothing). */
export function explainer(variant: string, ids: readonly string[]): Explainer {
  const spec = parseVariantName(variant);
  const fixes: Fix[] = [...spec.fixes];
  const contracts: Finding[] = [];
  for (const id of ids) {
    const fix = fixById(id);
    if (fix !== undefined && fix.bases.includes(spec.base as never) && !fixes.includes(fix)) fixes.push(fix);
    const f = findingById(id);
    if (f?.contract !== undefined && f.contract.bases.includes(spec.base)) contracts.push(f);
  }
  const name = fixes.length === spec.fixes.length ? variant : variantName(spec.base, fixes);
  const within = (c: Campaign, scn: Scenario): Scenario => contracts.reduce((s, f) => f.contract!.within(s, layoutOf(c)), scn);
  return {
    variant: name,
    identity: name === variant && contracts.length === 0,
    contracts,
    within,
    survives: (c, property, scn) => runScenario(variantByName(name), c, within(c, scn)).violated.has(property),
    surviving: (c, scn) => runScenario(variantByName(name), c, within(c, scn)).violated,
  };
}
