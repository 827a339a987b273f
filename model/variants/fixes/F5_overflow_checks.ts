/**
 * F5 fix: alloc_vmap_area fails (`goto overflow`, the purge-and-retry / -EBUSY path) when
 * an unsigned long computation of the hole search wraps past ULONG_MAX.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ retry:
 *    	spin_lock(&vmap_area_lock);
 *   +	if (addr + size < addr || addr < vstart)
 *   +		goto overflow;
 *    	n = vmap_area_root.rb_node;
 *   @@
 *    		while (addr + size >= first->va_start && addr + size <= vend) {
 *    			addr = ALIGN(first->va_end + PAGE_SIZE, align);
 *   +			if (addr + size < addr || addr < vstart)
 *   +				goto overflow;
 *
 *    			n = rb_next(&first->rb_node);
 *   @@ found:
 *    	if (addr + size > vend) {
 *   +overflow:
 *    		spin_unlock(&vmap_area_lock);
 *
 * (irqsafe: the label sits before its spin_unlock_irqrestore.) Without the checks, near the
 * top of the address space (i386 !HIGHMEM: VMALLOC_END = FIXADDR_START - 2 pages) `addr +
 * size` wraps to a small value that passes `addr + size > vend`, or ALIGN(...) wraps below
 * vstart: the search accepts an area ending at 0 and __insert_vmap_area BUG()s.
 *
 * Upstream: the placement follows the 2009 mainline code (after the start-of-search ALIGN
 * and after each ALIGN in the walk, `goto overflow;` to a label inside the failure branch;
 * present by Feb 2009, the introducing commit was not found), which tests
 * `addr + size - 1 < addr`. That test misses exactly the recorded case, an area ending at
 * 0 ([0xffff4000, 0x00000000): addr + size - 1 = ULONG_MAX is not below addr), and an ALIGN
 * that wraps to 0. The condition used here is the one of Uladzislau Rezki's 2019
 * allocator rewrite ("mm/vmalloc.c: improve vmap allocation", 5.2: is_within_this_va()
 * `nva_start_addr + size < nva_start_addr || nva_start_addr < vstart`), which covers both.
 * tests/fixes/F5_overflow_checks.test.ts shows the 2009 test leaves the counterexamples.
 */
import type { Fix } from './fix';

/** The 2019 wrap test: `addr + size < addr || addr < vstart`. */
export const F5: Fix = {
  id: 'F5',
  title: 'alloc_vmap_area: `if (addr + size < addr || addr < vstart) goto overflow;` when the search starts and after each ALIGN',
  upstream: 'placement as in 2009 mainline (`if (addr + size - 1 < addr) goto overflow;`, by Feb 2009, commit not found); condition of Uladzislau Rezki\'s "mm/vmalloc.c: improve vmap allocation" (2019, 5.2) is_within_this_va(), since the 2009 test misses an area ending at 0',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    alloc_vmap_area_overflow: (k, addr, size, vstart) => k.w.word.add(addr, size) < addr || addr < vstart,
  }),
};

/** The 2009 mainline test `addr + size - 1 < addr`, for the experiment that shows it is not enough (not in FIXES). */
export const F5_2009_TEST: Fix = {
  ...F5,
  title: 'alloc_vmap_area: `if (addr + size - 1 < addr) goto overflow;` (2009 form)',
  patch: () => ({
    alloc_vmap_area_overflow: (k, addr, size) => k.w.word.sub(k.w.word.add(addr, size), 1n) < addr,
  }),
};
