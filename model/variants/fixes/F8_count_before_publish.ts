/**
 * F8 fix: free_unmap_vmap_area adds the area's pages to vmap_lazy_nr before it sets
 * VM_LAZY_FREE, so a purge that sees the flag has the pages in the counter.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: free_unmap_vmap_area, __purge_vmap_area_lazy)
 *   +++ b/mm/vmalloc.c
 *   @@ static void free_unmap_vmap_area(struct vmap_area *va)
 *    {
 *   -	va->flags |= VM_LAZY_FREE;
 *    	atomic_add((va->va_end - va->va_start) >> PAGE_SHIFT, &vmap_lazy_nr);
 *   +	smp_mb();
 *   +	va->flags |= VM_LAZY_FREE;
 *    	if (unlikely(atomic_read(&vmap_lazy_nr) > lazy_max_pages()))
 *   @@ static void __purge_vmap_area_lazy(unsigned long *start, unsigned long *end,
 *    	if (nr) {
 *   +		smp_rmb();
 *    		BUG_ON(nr > atomic_read(&vmap_lazy_nr));
 *
 * (The smp_rmb() pairs with free_unmap_vmap_area's smp_mb().) In 2008 a purge on another CPU can walk vmap_area_list between the flag and the add,
 * count the area in `nr`, and hit BUG_ON(nr > atomic_read(&vmap_lazy_nr)). Purges are
 * serialised by purge_lock and each clears the flags of what it counted, so once every
 * flagged area's pages are in vmap_lazy_nr first, nr <= vmap_lazy_nr holds. The barrier
 * pair matters only on weakly ordered CPUs (on x86 the locked add is already a full
 * barrier); the model is sequentially consistent, so it has no counterpart of either
 * barrier and the fix is the swap (the table entry `free_unmap_vmap_area_lazy`).
 * Removing the BUG_ON instead would hide the race but let atomic_sub drive vmap_lazy_nr
 * negative for a while, which free_unmap_vmap_area's `atomic_read(..) > lazy_max_pages()`
 * (int against unsigned long) reads as huge: a purge on every free.
 *
 * Upstream: the BUG_ON is gone by 3.x (removing commit not found); the count-before-
 * publish order is that of "mm/vmalloc: keep a separate lazy-free list", Chris Wilson,
 * 2016 (commit 80c4bd7a5e43, 4.7): free_vmap_area_noflush does atomic_add_return() on
 * vmap_lazy_nr and only then llist_add()s the area to vmap_purge_list.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { atomic_add } from '../../kernel/atomic';
import { VA_EV } from '../../lifecycles/vmap_area';
import { G } from '../rewrite-v2/state';
import { VM_LAZY_FREE, vaEvent, type VmapArea } from '../rewrite-v2/vmap_area';
import { releasePages, type LazyFreeSites } from '../rewrite-v2/lazy_purge';
import type { Fix } from './fix';

/** `atomic_add(..., &vmap_lazy_nr); smp_mb(); va->flags |= VM_LAZY_FREE;` */
export function* free_unmap_vmap_area_lazy_counted(k: K, va: VmapArea, s: LazyFreeSites): Gen {
  const g = G(k);
  releasePages(k, va.va_start, va.va_end);
  yield* atomic_add(k, g.vmap_lazy_nr, (va.va_end - va.va_start) >> BigInt(g.c.PAGE_SHIFT), s.add);
  // smp_mb(): no model counterpart (the model is sequentially consistent).
  yield s.flag;
  va.flags |= VM_LAZY_FREE;
  vaEvent(k, va, VA_EV.LAZY_FREE, s.flag);
}

/** Count the pages, then publish the area to the purge. */
export const F8: Fix = {
  id: 'F8',
  title: 'free_unmap_vmap_area: atomic_add to vmap_lazy_nr, smp_mb(), then va->flags |= VM_LAZY_FREE',
  upstream: 'count-before-publish as in "mm/vmalloc: keep a separate lazy-free list", Chris Wilson, 2016 (80c4bd7a5e43, 4.7); the BUG_ON itself is gone by 3.x (commit not found)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    free_unmap_vmap_area_lazy: free_unmap_vmap_area_lazy_counted,
  }),
};
