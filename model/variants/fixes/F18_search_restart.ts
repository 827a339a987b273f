/**
 * F18 fix: the purge-and-retry restarts the hole search from the bottom of the range.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ static struct vmap_area *alloc_vmap_area(unsigned long size,
 *    	BUG_ON(size & ~PAGE_MASK);
 *
 *   -	addr = ALIGN(vstart, align);
 *   -
 *    	va = kmalloc_node(sizeof(struct vmap_area),
 *    			gfp_mask & GFP_RECLAIM_MASK, node);
 *    	if (unlikely(!va))
 *    		return ERR_PTR(-ENOMEM);
 *
 *    retry:
 *   +	addr = ALIGN(vstart, align);
 *   +
 *    	spin_lock(&vmap_area_lock);
 *
 * The failed search leaves `addr` where it gave up, near `vend`; the retry after the purge
 * then looks only above it and fails although the purge freed room below. Found here as the
 * counterexamples F7's fix alone did not remove (the F7 template needs both fixes).
 */
import type { Fix } from './fix';

/** Recompute the start address on every retry. */
export const F18: Fix = {
  id: 'F18',
  title: 'alloc_vmap_area: addr = ALIGN(vstart, align) after retry:, not before it',
  upstream: '"mm: vmalloc search restart fix", Glauber Costa (with Nick Piggin), 2008-11-08, patch 3/9 of the fixes for Bug #11903 "regression: vmalloc easily fail" (2.6.28)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    alloc_vmap_area_retry_addr: (k, _addr, vstart, align) => k.w.word.ALIGN(vstart, align),
  }),
};
