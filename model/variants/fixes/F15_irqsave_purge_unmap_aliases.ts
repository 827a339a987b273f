/**
 * F15 fix: irqsafe's __purge_vmap_area_lazy and vm_unmap_aliases save and restore the irq
 * state instead of enabling irqs unconditionally.
 *
 *   --- a/mm/vmalloc.c   (irqsafe: rewrite v2 + the 2008-08-20 incremental patch)
 *   +++ b/mm/vmalloc.c
 *   @@ static void __purge_vmap_area_lazy(unsigned long *start, unsigned long *end,
 *    	struct vmap_area *va;
 *    	int nr = 0;
 *   +	unsigned long flags;
 *   @@
 *    	if (nr) {
 *   -		spin_lock_irq(&vmap_area_lock);
 *   +		spin_lock_irqsave(&vmap_area_lock, flags);
 *    		list_for_each_entry(va, &valist, purge_list)
 *    			__free_vmap_area(va);
 *   -		spin_unlock_irq(&vmap_area_lock);
 *   +		spin_unlock_irqrestore(&vmap_area_lock, flags);
 *    	}
 *   @@ void vm_unmap_aliases(void)
 *    		list_for_each_entry_rcu(vb, &vbq->free, free_list) {
 *    			int i;
 *   +			unsigned long flags;
 *
 *   -			spin_lock_irq(&vb->lock);
 *   +			spin_lock_irqsave(&vb->lock, flags);
 *   @@
 *   -			spin_unlock_irq(&vb->lock);
 *   +			spin_unlock_irqrestore(&vb->lock, flags);
 *
 * spin_unlock_irq() is local_irq_enable(): a caller that came in with irqs disabled (vfree,
 * vunmap or vm_unmap_ram reaching a purge, the patch's new irqs-off callers) returned with
 * them enabled. Both functions still BUG_ON(in_interrupt()); that part of the patch is
 * intended and stays (F13).
 */
import { sites } from '../../exec/site';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { __free_vmap_area, type VmapArea } from '../rewrite-v2/vmap_area';
import { blockOf } from '../rewrite-v2/vb_alloc';
import { G } from '../rewrite-v2/state';
import type { ListHead } from '../../kernel/list';
import type { Fix } from './fix';

const P = sites('__purge_vmap_area_lazy', {
  alock: 'spin_lock_irqsave(&vmap_area_lock, flags)',
  free: 'list_for_each_entry(va, &valist, purge_list) __free_vmap_area(va)',
  aunlock: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
});
const UA = sites('vm_unmap_aliases', {
  lock: 'spin_lock_irqsave(&vb->lock, flags)',
  unlock: 'spin_unlock_irqrestore(&vb->lock, flags)',
});

/** irqsave / irqrestore in both places the patch used spin_lock_irq / spin_unlock_irq. */
export const F15: Fix = {
  id: 'F15',
  title: 'irqsafe __purge_vmap_area_lazy and vm_unmap_aliases: spin_lock_irqsave/spin_unlock_irqrestore instead of spin_lock_irq/spin_unlock_irq',
  upstream:
    'no upstream fix: the 2008-08-20 irq-safety patch was never merged; smallest change: irqsave/irqrestore, as the same patch uses everywhere else (alloc_vmap_area, free_vmap_area, find_vmap_area, vb_free)',
  bases: ['irqsafe'],
  patch: () => ({
    *__purge_vmap_area_lazy_free(k, valist: ListHead) {
      const g = G(k);
      const flags = yield* spin_lock_irqsave(k, g.vmap_area_lock, P.alock);
      for (let p = valist.next as ListHead; p !== valist; p = p.next as ListHead) {
        yield P.free;
        yield* __free_vmap_area(k, p.owner as VmapArea);
      }
      yield* spin_unlock_irqrestore(k, g.vmap_area_lock, flags, P.aunlock);
    },
    *vm_unmap_aliases_vb_lock(k, p) {
      const vb = blockOf(k, p, UA.lock);
      const flags = yield* spin_lock_irqsave(k, vb.lock, UA.lock);
      return [vb, flags];
    },
    *vm_unmap_aliases_vb_unlock(k, vb, flags) {
      yield* spin_unlock_irqrestore(k, vb.lock, flags, UA.unlock);
    },
  }),
};
