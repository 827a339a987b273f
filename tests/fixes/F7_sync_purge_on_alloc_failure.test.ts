/**
 * F7 fix (model/variants/fixes/F7_sync_purge_on_alloc_failure.ts): alloc_vmap_area's
 * purge-and-retry waits for a purge in progress; the free paths keep the trylock purge.
 */
import { describe, expect, it } from 'vitest';
import { parseVariantName } from '../../model/variants/registry';
import { rewriteV2Fns } from '../../model/variants/rewrite-v2/index';
import { applyFixes, REWRITE_BASES } from '../../model/variants/fixes/index';
import { irqsafeFns } from '../../model/variants/irqsafe/index';
import { rewriteV1Fns } from '../../model/variants/rewrite-v1/index';
import { itAddsNothing, itRemovesItsCounterexamples } from './F1_F5_F6_F7_F8_support';

describe('F7: the allocation retry purges synchronously', () => {
  it('only purge_vmap_area_lazy changes: the free path (and irqsafe purge_work_fn) keep the 2008 trylock purge', () => {
    const tables = { 'rewrite-v1': rewriteV1Fns, 'rewrite-v2': rewriteV2Fns, irqsafe: irqsafeFns } as const;
    for (const b of REWRITE_BASES) {
      const fixed = applyFixes(b, tables[b], parseVariantName(`${b}+F7`).fixes);
      expect(fixed.purge_vmap_area_lazy).not.toBe(tables[b].purge_vmap_area_lazy);
      expect(fixed.try_purge_vmap_area_lazy).toBe(rewriteV2Fns.purge_vmap_area_lazy);
    }
  });
  itRemovesItsCounterexamples('F7', 3);
  itAddsNothing('F7', 'rewrite-v2', 100);
});
