/**
 * F4 fix: a failed alloc_vmap_area frees the vmap_area it allocated.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: alloc_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ found:
 *    		if (printk_ratelimit())
 *    			printk(KERN_WARNING "vmap allocation failed: "
 *    				 "use vmalloc=<size> to increase size.\n");
 *   +		kfree(va);
 *    		return ERR_PTR(-EBUSY);
 *
 * `va` was kmalloc_node'd before the search and is in no structure yet (it is inserted only
 * on success), so a plain kfree is right and nothing else can see it.
 */
import { kfree } from '../../kernel/slab';
import type { Fix } from './fix';

/** kfree(va) before returning ERR_PTR(-EBUSY). */
export const F4: Fix = {
  id: 'F4',
  title: 'alloc_vmap_area: kfree(va) before return ERR_PTR(-EBUSY)',
  upstream: '"[PATCH] alloc_vmap_area: fix memory leak", Ralph Wuerthner, 2009-05-04 (linux-mm; 2.6.30): adds kfree(va) before return ERR_PTR(-EBUSY)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    *alloc_vmap_area_fail(k, va, site) {
      yield* kfree(k, va, site);
    },
  }),
};
