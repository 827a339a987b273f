/**
 * F12 fix: irqsafe's vb_alloc success path restores the irq state it saved.
 *
 *   --- a/mm/vmalloc.c   (irqsafe: rewrite v2 + the 2008-08-20 incremental patch; vb_alloc)
 *   +++ b/mm/vmalloc.c
 *   @@ static void *vb_alloc(unsigned long size, gfp_t gfp_mask)
 *    				spin_unlock(&vbq->lock);
 *    			}
 *   -			spin_unlock(&vb->lock);
 *   +			spin_unlock_irqrestore(&vb->lock, flags);
 *    			break;
 *    		}
 *
 * The patch converted `spin_lock(&vb->lock)` to `spin_lock_irqsave(&vb->lock, flags)` and the
 * miss path's unlock to `spin_unlock_irqrestore`, but left the success path's plain unlock
 * (a context line of its hunk), so every successful small vm_map_ram returned with irqs
 * disabled. `unsigned long flags;` is declared in the walk's body, which the restore is
 * still inside (the `break` comes after it), so no declaration moves.
 */
import { sites } from '../../exec/site';
import { spin_unlock_irqrestore } from '../../kernel/spinlock';
import type { Fix } from './fix';

const A = sites('vb_alloc', { unlock: 'spin_unlock_irqrestore(&vb->lock, flags)' });

/** Restore `flags` on the success path, as the miss path already does. */
export const F12: Fix = {
  id: 'F12',
  title: 'irqsafe vb_alloc: spin_unlock_irqrestore(&vb->lock, flags) on the success path',
  upstream:
    'no upstream fix: the 2008-08-20 irq-safety patch was never merged (mainline vb_alloc keeps plain spin_lock(&vb->lock)); smallest change: the success path gets the irqrestore the miss path has',
  bases: ['irqsafe'],
  patch: () => ({
    *vb_alloc_unlock(k, vb, flags) {
      yield* spin_unlock_irqrestore(k, vb.lock, flags, A.unlock);
    },
  }),
};
