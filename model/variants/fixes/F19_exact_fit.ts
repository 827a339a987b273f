/**
 * F19 fix: the hole walk accepts a hole that fits exactly.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ static struct vmap_area *alloc_vmap_area(unsigned long size,
 *   -		while (addr + size >= first->va_start && addr + size <= vend) {
 *   +		while (addr + size > first->va_start && addr + size <= vend) {
 *    			addr = ALIGN(first->va_end + PAGE_SIZE, align);
 *
 * [addr, addr + size) ending exactly at first->va_start does not overlap it (the guard page
 * a vmalloc needs is already inside `size`), yet `>=` moves past it: a hole of exactly the
 * requested size is never used, and an allocation fails that fits. Shows through the
 * independent hole oracle, alloc_fails_only_when_full.
 */
import type { Fix } from './fix';

/** `>`: a request ending where the next area starts fits. */
export const F19: Fix = {
  id: 'F19',
  title: 'alloc_vmap_area: while (addr + size > first->va_start ...) instead of >=',
  upstream: '"mm: vmalloc allocator off by one", Nick Piggin, 2008-11-11, patch 1/7 of "vmalloc fixes and improvements #2" (2.6.28); the >= came back later and was fixed again in "mm/vmalloc: remove guard page from between vmap blocks", Johannes Weiner, 2011',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    alloc_vmap_area_hits: (k, addr, size, first) => k.w.word.add(addr, size) > first.va_start,
  }),
};
