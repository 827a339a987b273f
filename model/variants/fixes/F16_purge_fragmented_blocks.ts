/**
 * F16 fix: the sync purge (vm_unmap_aliases's, the allocation's retry with F7) frees the per-CPU blocks that no live allocation uses
 * (`free + dirty == VMAP_BBMAP_BITS`, not already all dirty), so their KVA goes back to the
 * allocator with the purge that follows.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe)
 *   +++ b/mm/vmalloc.c
 *   +static void purge_fragmented_blocks(int cpu)
 *   +{
 *   +	LIST_HEAD(purge);
 *   +	struct vmap_block *vb, *n_vb;
 *   +	struct vmap_block_queue *vbq = &per_cpu(vmap_block_queue, cpu);
 *   +
 *   +	rcu_read_lock();
 *   +	list_for_each_entry_rcu(vb, &vbq->free, free_list) {
 *   +		if (!(vb->free + vb->dirty == VMAP_BBMAP_BITS && vb->dirty != VMAP_BBMAP_BITS))
 *   +			continue;
 *   +		spin_lock(&vb->lock);
 *   +		if (vb->free + vb->dirty == VMAP_BBMAP_BITS && vb->dirty != VMAP_BBMAP_BITS) {
 *   +			vb->free = 0;			// no further allocs after the unlock
 *   +			vb->dirty = VMAP_BBMAP_BITS;	// nobody purges it again
 *   +			bitmap_fill(vb->alloc_map, VMAP_BBMAP_BITS);
 *   +			bitmap_fill(vb->dirty_map, VMAP_BBMAP_BITS);
 *   +			list_add_tail(&vb->purge, &purge);
 *   +		}
 *   +		spin_unlock(&vb->lock);
 *   +	}
 *   +	rcu_read_unlock();
 *   +
 *   +	list_for_each_entry_safe(vb, n_vb, &purge, purge) {
 *   +		list_del(&vb->purge);
 *   +		spin_lock(&vbq->lock);
 *   +		list_del_init(&vb->free_list);	// list_del_rcu with F10
 *   +		spin_unlock(&vbq->lock);
 *   +		free_vmap_block(vb);
 *   +	}
 *   +}
 *   +
 *   +static void purge_fragmented_blocks_allcpus(void)
 *   +{
 *   +	int cpu;
 *   +
 *   +	for_each_possible_cpu(cpu)
 *   +		purge_fragmented_blocks(cpu);
 *   +}
 *   @@ struct vmap_block {
 *   +	struct list_head purge;
 *   @@ static void __purge_vmap_area_lazy(unsigned long *start, unsigned long *end,
 *    	} else
 *    		spin_lock(&purge_lock);
 *   +
 *   +	if (sync)
 *   +		purge_fragmented_blocks_allcpus();
 *
 * A block is freed only once all of it is dirty; one that was partly used and then wholly
 * freed stays on vbq->free holding VMAP_BLOCK_SIZE of KVA that only that CPU's vb_alloc can
 * use, and even vm_unmap_aliases() plus a purge never gives it back. Marking it full and
 * all dirty under vb->lock stops vb_alloc (alloc_map full) and any second purger
 * (dirty == VMAP_BBMAP_BITS); free_vmap_block then frees its area lazily and the purge that
 * called it releases it. (In irqsafe both locks are taken irqsave, as
 * the rest of the irq patch takes them.)
 *
 * Upstream: "mm: purge fragmented percpu vmap blocks", Nick Piggin, 2010-02-01 (commit
 * 02b709df817c, Linux 2.6.33): purge_fragmented_blocks[_allcpus], called from the sync
 * purge (__purge_vmap_area_lazy with sync, i.e. vm_unmap_aliases's) and from vb_alloc. Two
 * departures, both so that this fix composes with the 2008 code without F10: the unlink
 * from vbq->free goes after the walk (upstream does list_del_rcu inside it; with 2008's
 * list_del_init this walker would then spin on the block it just unlinked), through the
 * same fix point as vb_alloc's unlink (so F10 makes it list_del_rcu); and the vb_alloc call
 * of upstream, an optimisation, is left out. As upstream, the call sits in a sync
 * __purge_vmap_area_lazy right after spin_lock(&purge_lock), so one purger at a time walks
 * the blocks: vm_unmap_aliases's purge, and the allocation's purge-and-retry once F7 makes it
 * sync — so an allocation blocked only by idle blocks gets their space back. (An earlier port
 * called it before purge_lock, where two purgers can walk the same blocks at once; that left
 * aliases after vm_unmap_aliases on every -fixed variant, counterexamples that stop reproducing
 * with the call under purge_lock: an artefact of the port, not of 2.6.33.)
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { set_bit, type KBitmap } from '../../kernel/bitmap';
import { list_next } from '../../kernel/list';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore } from '../../kernel/spinlock';
import type { Lock } from '../../kernel/spinlock';
import { G } from '../rewrite-v2/state';
import { blockOf } from '../rewrite-v2/vb_alloc';
import { vbEvent, type VmapBlock, type VmapBlockQueue } from '../rewrite-v2/vmap_block';
import { VB_EV } from '../../lifecycles/vmap_block';
import type { Fix, RewriteBase } from './fix';

const PF = sites('purge_fragmented_blocks', {
  walk: 'list_for_each_entry_rcu(vb, &vbq->free, free_list)',
  peek: 'if (!(vb->free + vb->dirty == VMAP_BBMAP_BITS && vb->dirty != VMAP_BBMAP_BITS)) continue',
  lock: 'spin_lock(&vb->lock)',
  mark: 'if (vb->free + vb->dirty == VMAP_BBMAP_BITS && vb->dirty != VMAP_BBMAP_BITS) { vb->free = 0; vb->dirty = VMAP_BBMAP_BITS; bitmap_fill(...); list_add_tail(&vb->purge, &purge); }',
  unlock: 'spin_unlock(&vb->lock)',
  qlock: 'spin_lock(&vbq->lock)',
  del: 'list_del_init(&vb->free_list)',
  qunlock: 'spin_unlock(&vbq->lock)',
});

/** A lock pair: plain in v1/v2, irqsave in irqsafe. */
type Locker = { lock(k: K, l: Lock): Gen<boolean>; unlock(k: K, l: Lock, flags: boolean): Gen };
const PLAIN: Locker = {
  *lock(k, l) {
    yield* spin_lock(k, l, l.cls === 'vb->lock' ? PF.lock : PF.qlock);
    return true;
  },
  *unlock(k, l) {
    yield* spin_unlock(k, l, l.cls === 'vb->lock' ? PF.unlock : PF.qunlock);
  },
};
const IRQ = sites('purge_fragmented_blocks', {
  lock: 'spin_lock_irqsave(&vb->lock, flags)',
  unlock: 'spin_unlock_irqrestore(&vb->lock, flags)',
  qlock: 'spin_lock_irqsave(&vbq->lock, flags)',
  qunlock: 'spin_unlock_irqrestore(&vbq->lock, flags)',
});
const IRQSAVE: Locker = {
  *lock(k, l) {
    return yield* spin_lock_irqsave(k, l, l.cls === 'vb->lock' ? IRQ.lock : IRQ.qlock);
  },
  *unlock(k, l, flags) {
    yield* spin_unlock_irqrestore(k, l, flags, l.cls === 'vb->lock' ? IRQ.unlock : IRQ.qunlock);
  },
};

/** `bitmap_fill(map, nbits)` (lib/bitmap.c has it; the model's bitmap.ts does not). */
function bitmap_fill(bm: KBitmap, nbits: number): void {
  for (let i = 0; i < nbits; i++) set_bit(i, bm);
}

/** Unused and not yet all dirty: nothing live in it, nobody freeing it. */
function fragmented(k: K, vb: VmapBlock): boolean {
  const bits = BigInt(G(k).c.VMAP_BBMAP_BITS);
  return vb.free + vb.dirty === bits && vb.dirty !== bits;
}

/** `purge_fragmented_blocks(cpu)`. */
function* purge_fragmented_blocks(k: K, vbq: VmapBlockQueue, L: Locker): Gen {
  const g = G(k);
  const c = g.c;
  const purge: VmapBlock[] = [];
  rcu_read_lock(k);
  for (let p = yield* list_next(k, PF.walk, vbq.free); p !== vbq.free; p = yield* list_next(k, PF.walk, p)) {
    const vb = blockOf(k, p, PF.peek);
    yield PF.peek; // lockless pre-check
    if (!fragmented(k, vb)) continue;
    const flags = yield* L.lock(k, vb.lock);
    yield PF.mark;
    if (fragmented(k, vb)) {
      vb.free = 0n;
      vb.dirty = BigInt(c.VMAP_BBMAP_BITS);
      bitmap_fill(vb.alloc_map, c.VMAP_BBMAP_BITS);
      bitmap_fill(vb.dirty_map, c.VMAP_BBMAP_BITS);
      // the block's lifecycle: taken full (FILL) and all dirty (DIRTY_ALL) in one statement
      vbEvent(k, vb, VB_EV.FILL, PF.mark);
      vbEvent(k, vb, VB_EV.DIRTY_ALL, PF.mark);
      purge.push(vb);
    }
    yield* L.unlock(k, vb.lock, flags);
  }
  rcu_read_unlock(k);
  for (const vb of purge) {
    const flags = yield* L.lock(k, vbq.lock);
    yield* g.fn.vb_free_list_del(k, vb, PF.del);
    yield* L.unlock(k, vbq.lock, flags);
    yield* g.fn.free_vmap_block(k, vb);
  }
}

/** Free every CPU's fragmented blocks in each sync purge, under purge_lock. */
export const F16: Fix = {
  id: 'F16',
  title: 'sync purge: purge_fragmented_blocks_allcpus() under purge_lock: free blocks with free + dirty == VMAP_BBMAP_BITS && dirty != VMAP_BBMAP_BITS',
  upstream: '"mm: purge fragmented percpu vmap blocks", Nick Piggin, 2010-02-01 (commit 02b709df817c, Linux 2.6.33)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: (base: RewriteBase) => ({
    *purge_fragmented_blocks_allcpus(k) {
      for (const vbq of G(k).vmap_block_queue) yield* purge_fragmented_blocks(k, vbq, base === 'irqsafe' ? IRQSAVE : PLAIN);
    },
  }),
};
