/**
 * F5: address wrap.
 *
 * Description: alloc_vmap_area computes `addr + size` and ALIGN(first->va_end + PAGE_SIZE, align) in unsigned
 * long without the overflow checks the vmlist code had (`(size + addr) < addr`). With vmalloc space
 * ending near the top of the address space (i386 !HIGHMEM: VMALLOC_END = FIXADDR_START - 2 pages)
 * the sum wraps: the search accepts an area ending at 0, and __insert_vmap_area BUG()s.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-top.no_bug.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F5 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-top.no_bug.json', 'F5');
});
