/**
 * F21 fix: the hole walk resumes right at the end of the area it ran into.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ static struct vmap_area *alloc_vmap_area(unsigned long size,
 *    		while (addr + size > first->va_start && addr + size <= vend) {
 *   -			addr = ALIGN(first->va_end + PAGE_SIZE, align);
 *   +			addr = ALIGN(first->va_end, align);
 *
 * `va_end` is exclusive and __get_vm_area_node already adds the guard page to a vmalloc's
 * size, so the extra PAGE_SIZE leaves a second, unusable page after every area; for the
 * per-CPU vmap blocks (naturally aligned to VMAP_BLOCK_SIZE, no guard page of their own) it
 * wastes a whole block of alignment after each one and the space runs out early.
 */
import type { Fix } from './fix';

/** `ALIGN(first->va_end, align)`. */
export const F21: Fix = {
  id: 'F21',
  title: 'alloc_vmap_area: addr = ALIGN(first->va_end, align), not ALIGN(first->va_end + PAGE_SIZE, align)',
  upstream: '"mm/vmalloc: remove guard page from between vmap blocks", Johannes Weiner, 2011-04-14 (commit 248ac0e1943a, 2.6.39): the guard page stays in __get_vm_area_node, the allocator stops adding one',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    alloc_vmap_area_next: (k, first, align) => k.w.word.ALIGN(first.va_end, align),
  }),
};
