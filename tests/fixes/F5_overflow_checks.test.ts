/**
 * F5 fix (model/variants/fixes/F5_overflow_checks.ts): `goto overflow` when `addr + size`
 * or an ALIGN wraps; and the experiment behind its condition: the 2009 mainline test
 * `addr + size - 1 < addr` leaves every committed F5 counterexample (an area ending at 0).
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../explore/check';
import { campaignByName } from '../../explore/campaigns';
import { composeVariant } from '../../model/variants/registry';
import { F5_2009_TEST } from '../../model/variants/fixes/F5_overflow_checks';
import { counterexamplesOf, itAddsNothing, itRemovesItsCounterexamples } from './F1_F5_F6_F7_F8_support';

describe('F5: alloc_vmap_area checks its unsigned long sums for wrap-around', () => {
  itRemovesItsCounterexamples('F5', 3);
  it('the 2009 form `addr + size - 1 < addr` is not enough: every F5 counterexample survives it', () => {
    for (const { name, ce } of counterexamplesOf('F5')) {
      const v = composeVariant(`${ce.variant}+F5-2009-test`, ce.variant, [F5_2009_TEST]);
      expect(runScenario(v, campaignByName(ce.campaign), ce.scenario).violated.has(ce.property), name).toBe(true);
    }
  });
  // The wrap now takes the -EBUSY path, which leaks the vmap_area (F4) where it BUGged before.
  itAddsNothing('F5', 'rewrite-v2', 100, ['F4']);
});
