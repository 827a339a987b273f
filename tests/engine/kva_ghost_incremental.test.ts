/**
 * The KVA ghost's incremental record (model/engine/kva_ghost_index.ts) against a full walk of
 * the view at every sample: on the incremental-oracle workloads and on swarm runs of three
 * campaigns (allocation failures, purges, vmap blocks, interrupts), for every base and fixed
 * variant, each map call's record of the areas it saw must equal the full walk's when the call
 * returns or fails, and the view's lazyFreed() must name the areas areas() marks lazily freed. The
 * test-only mutant, a dropped notification, must make the records differ.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import type { Variant } from '../../model/engine/variant';
import { KVA_GHOST_COMPARE } from '../../model/engine/kva_ghost';
import { KVA_INDEX_MUTANT } from '../../model/engine/kva_ghost_index';
import { runComparisons } from '../support/incremental_runs';
import { campaignByName } from '../../explore/campaigns';
import { runScenario } from '../../explore/check';
import { runStream } from '../../explore/strategy';

const ALL: readonly Variant[] = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)];
const SWARM_RUNS = 60;

/** The first difference between the two records over `v`'s comparison runs, or null. */
function firstDifference(v: Variant): string | null {
  let bad: string | null = null;
  KVA_GHOST_COMPARE.report = (p) => void (bad ??= `${v.name}: ${p}`);
  try {
    runComparisons(v, () => bad !== null, () => {});
    for (const name of ['tiny-2cpu', 'tiny-irq', 'tiny-exhaust']) {
      const c = campaignByName(name);
      const stream = runStream('swarm', c, 7);
      for (let r = 0; r < SWARM_RUNS && bad === null; r++) {
        const g = stream(r);
        runScenario(v, c, g.scenario, g.chooser ? { chooser: g.chooser } : {});
        g.done?.();
      }
    }
  } finally {
    KVA_GHOST_COMPARE.report = null;
  }
  return bad;
}

describe('KVA ghost: incremental record', () => {
  afterEach(() => void (KVA_INDEX_MUTANT.kind = 'none'));
  for (const v of ALL) it(`equals the full walk's for every call: ${v.name}`, () => expect(firstDifference(v)).toBeNull());
  it('mutant drop-notification is caught', () => {
    KVA_INDEX_MUTANT.kind = 'drop-notification';
    expect(VARIANTS.some((v) => firstDifference(v) !== null)).toBe(true);
  });
});
