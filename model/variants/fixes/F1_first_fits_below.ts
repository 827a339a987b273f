/**
 * F1 fix: alloc_vmap_area's descent also takes as `first` an area that starts inside the
 * request, [addr, addr + size), not only one that starts at or below `addr`.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ static struct vmap_area *alloc_vmap_area(unsigned long size,
 *    			tmp = rb_entry(n, struct vmap_area, rb_node);
 *    			if (tmp->va_end >= addr) {
 *   -				if (!first && tmp->va_start <= addr)
 *   +				if (!first && tmp->va_start < addr + size)
 *    					first = tmp;
 *    				n = n->rb_left;
 *
 * With `<= addr`, when every area lies above `addr` (the lowest ones were freed and
 * purged) `first` stays NULL and the code jumps to `found:` without checking that
 * [addr, addr + size) ends before the lowest area: the new area overlaps it. With
 * `< addr + size` such an area becomes `first` and the hole walk steps past it. If the
 * descent sets `first` at a higher node than another colliding area, every hole below
 * `first->va_start` is shorter than `size` (it lies inside [addr, first->va_start)), so
 * skipping them loses nothing.
 *
 * Upstream: the `tmp->va_start < addr + size` test is in mm/vmalloc.c as released after
 * the merge (read in a 2.6.29-rc copy; docs/fix-citations.md of the research branch). No
 * separate commit was found: Andrew Morton reported the WARN on 2008-09-05, Nick Piggin
 * answered 2008-09-07, and the change was folded into "mm: rewrite vmap layer" (Nick
 * Piggin, 2008) before it was merged for 2.6.28.
 */
import type { Fix } from './fix';

/** `tmp->va_start < addr + size` (unsigned long sum). */
export const F1: Fix = {
  id: 'F1',
  title: 'alloc_vmap_area: `if (!first && tmp->va_start < addr + size)` instead of `<= addr` in the descent',
  upstream: "folded into \"mm: rewrite vmap layer\" (Nick Piggin, 2008) before its merge for 2.6.28, after Andrew Morton's WARN report of 2008-09-05; no separate commit found (2.6.29-rc mm/vmalloc.c has `tmp->va_start < addr + size`)",
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    alloc_vmap_area_first: (k, tmp, addr, size) => tmp.va_start < k.w.word.add(addr, size),
  }),
};
