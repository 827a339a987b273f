/**
 * F1 fix (model/variants/fixes/F1_first_fits_below.ts): the descent's `first` test
 * `tmp->va_start < addr + size` removes the overlapping allocations.
 */
import { describe } from 'vitest';
import { itAddsNothing, itRemovesItsCounterexamples } from './F1_F5_F6_F7_F8_support';

describe('F1: alloc_vmap_area takes the hole below the lowest area only if it fits', () => {
  // Filed under F1 by their message ("(allocated) is still held"), but the fix experiment
  // says F9: cpu1's failed alloc_vmap_area (injected kmalloc failure) stores ERR_PTR in the
  // static `va` between cpu0's store and its use, so cpu0's area is never tagged nor freed.
  itRemovesItsCounterexamples('F1', 48, {
    'irqsafe.tiny-faults.no_kva_leak.json': 'F9',
    'rewrite-v1.tiny-faults.no_kva_leak.json': 'F9',
    'rewrite-v2.tiny-faults.no_kva_leak.json': 'F9',
  });
  // On tiny-top an allocation that overlapped before now fails with -EBUSY, leaking its
  // vmap_area (F4; seen at the full budget, run 716): F4 is fixed on both sides.
  itAddsNothing('F1', 'rewrite-v2', 100, ['F4']);
});
