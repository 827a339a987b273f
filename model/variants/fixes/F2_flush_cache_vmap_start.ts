/**
 * F2 fix: vmap_page_range flushes the cache over the range it mapped, not [end, end).
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: vmap_page_range)
 *   +++ b/mm/vmalloc.c
 *   @@ static int vmap_page_range(unsigned long addr, unsigned long end,
 *    	pgd_t *pgd;
 *    	unsigned long next;
 *   +	unsigned long start = addr;
 *    	int err = 0;
 *    	int nr = 0;
 *   @@
 *    	} while (pgd++, addr = next, addr != end);
 *   -	flush_cache_vmap(addr, end);
 *   +	flush_cache_vmap(start, end);
 *
 * The seed's loop leaves `addr == end`, so the flush covers nothing; the pre-rewrite
 * map_vm_area flushed from area->addr. (The model's vmap_page_range already keeps `start`
 * as a ghost of what was mapped; the fix makes the flush use it.)
 */
import { flush_cache_vmap } from '../../kernel/mm';
import type { Fix } from './fix';

/** Flush [start, end), the range just mapped. */
export const F2: Fix = {
  id: 'F2',
  title: 'vmap_page_range: flush_cache_vmap(start, end) with the start saved before the loop',
  upstream: 'no separate commit found: the 2.6.29-rc mm/vmalloc.c has vmap_page_range(start, ...) { unsigned long addr = start; ... flush_cache_vmap(start, end); } (folded into the rewrite before its 2.6.28 merge, inferred)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    vmap_page_range_flush(k, start, addr, end) {
      flush_cache_vmap(k, start, end, start, addr);
    },
  }),
};
