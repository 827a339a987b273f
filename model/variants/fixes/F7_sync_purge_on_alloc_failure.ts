/**
 * F7 fix: the purge alloc_vmap_area's retry runs is synchronous (waits for purge_lock);
 * the free path keeps the trylock purge, now named try_purge_vmap_area_lazy.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe)
 *   +++ b/mm/vmalloc.c
 *   @@
 *   +static void try_purge_vmap_area_lazy(void)
 *   +{
 *   +	unsigned long start = ULONG_MAX, end = 0;
 *   +
 *   +	__purge_vmap_area_lazy(&start, &end, 0, 0);
 *   +}
 *   +
 *    static void purge_vmap_area_lazy(void)
 *    {
 *    	unsigned long start = ULONG_MAX, end = 0;
 *
 *   -	__purge_vmap_area_lazy(&start, &end, 0, 0);
 *   +	__purge_vmap_area_lazy(&start, &end, 1, 0);
 *    }
 *   @@ static void free_unmap_vmap_area(struct vmap_area *va)
 *    	if (unlikely(atomic_read(&vmap_lazy_nr) > lazy_max_pages()))
 *   -		purge_vmap_area_lazy();
 *   +		try_purge_vmap_area_lazy();
 *
 * irqsafe: its free_unmap_vmap_area (`if (!in_interrupt()) purge_vmap_area_lazy(); else
 * schedule_work(&purge_work);`) and purge_work_fn call try_purge_vmap_area_lazy() too, so
 * only alloc_vmap_area's retry waits for purge_lock (a vfree with irqs off must not spin on
 * purge_lock against a holder waiting for this CPU's flush IPI). The model already routes
 * every free-path purge through the `try_purge_vmap_area_lazy` entry (2008: the same
 * trylock function), so the fix replaces `purge_vmap_area_lazy` only.
 *
 * Upstream: "mm: vmalloc failure flush fix", Nick Piggin, 2008-11-08 (patch 2/9, resent in
 * "vmalloc fixes and improvements #2", 2008-11-11; for Bug #11903 "regression: vmalloc
 * easily fail"; 2.6.28): "An initial vmalloc failure should start off a synchronous flush
 * of lazy areas, in case someone is in progress flushing them already".
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { G, type Ref } from '../rewrite-v2/state';
import type { Fix } from './fix';

/** `purge_vmap_area_lazy()` of 2.6.28: `__purge_vmap_area_lazy(&start, &end, 1, 0)`. */
export const purge_vmap_area_lazy_sync = kfn('purge_vmap_area_lazy', function* (k: K): Gen {
  const start: Ref = { v: k.w.word.max };
  const end: Ref = { v: 0n };
  yield* G(k).fn.__purge_vmap_area_lazy(k, start, end, 1, 0);
});

/** The synchronous purge for alloc_vmap_area's retry. */
export const F7: Fix = {
  id: 'F7',
  title: 'purge_vmap_area_lazy (alloc_vmap_area\'s retry) purges synchronously (sync=1); the free path calls the trylock try_purge_vmap_area_lazy',
  upstream: '"mm: vmalloc failure flush fix", Nick Piggin, 2008-11-08 (Bug #11903; 2.6.28)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    purge_vmap_area_lazy: purge_vmap_area_lazy_sync,
  }),
};
