/**
 * F1: overlapping alloc.
 *
 * Description: alloc_vmap_area's rbtree descent sets `first` only for an area with `va_start <= addr`. When every
 * area lies above `addr` (the lowest areas were freed and purged), `first` stays NULL and the code
 * jumps to `found:` without checking that [addr, addr + size) ends before the lowest area. The new
 * area overlaps it; vmap_page_range then hits WARN_ON(!pte_none(*pte)) — the warning Andrew Morton
 * reported on 2008-09-05 from vmalloc() at boot (F1 reproduces it from a single CPU; F9 can
 * produce the same warning under concurrency). (Later kernels test `tmp->va_start < addr + size`.)
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-top.areas_disjoint.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F1 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-top.areas_disjoint.json', 'F1');
});
