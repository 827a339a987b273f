/**
 * F8 fix (model/variants/fixes/F8_count_before_publish.ts): free_unmap_vmap_area counts
 * the pages in vmap_lazy_nr before it sets VM_LAZY_FREE, so no purge BUGs on the counter.
 */
import { describe } from 'vitest';
import { itAddsNothing, itRemovesItsCounterexamples } from './F1_F5_F6_F7_F8_support';

describe('F8: vmap_lazy_nr is raised before the area is published to the purge', () => {
  itRemovesItsCounterexamples('F8', 6);
  itAddsNothing('F8', 'rewrite-v2', 100);
});
