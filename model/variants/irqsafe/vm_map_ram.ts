/**
 * irqsafe: vm_unmap_aliases and vm_map_ram with the 2008-08-20 incremental patch applied
 * to rewrite-v2/vm_map_ram.ts. Nothing else changed.
 *
 * Hunks:
 *   @@ -807,6 +832,8 @@  vm_unmap_aliases: BUG_ON(in_interrupt()) first
 *   @@ -815,7 +842,7 @@  vm_unmap_aliases: spin_lock_irq(&vb->lock)
 *   @@ -837,7 +864,7 @@  vm_unmap_aliases: spin_unlock_irq(&vb->lock)
 *   @@ -878,21 +905,21 @@ vm_map_ram(pages, count, node, prot, gfp_t gfp_mask): gfp_mask, not
 *                         GFP_KERNEL, for vb_alloc and alloc_vmap_area; include/linux/vmalloc.h
 *                         prototype likewise. v2's model already splits vm_map_ram into the
 *                         body taking `gfp` (rewrite-v2's `vm_map_ram`) and the v2 entry
 *                         `vm_map_ram_v2` that passes GFP_KERNEL; the hunk applied to it is
 *                         exactly "call the body with the caller's gfp_mask", re-exported here.
 */
import { noteUnwalkedDirtyBlocks } from '../rewrite-v2/vm_map_ram';
import type { Gen, K } from '../../engine/exec';
import { kfn } from '../../engine/exec';
import { sites } from '../../engine/site';
import { BUG_ON } from '../../kernel/assert';
import { find_first_bit, find_next_bit, find_next_zero_bit } from '../../kernel/bitmap';
import { in_interrupt } from '../../kernel/irq';
import { list_next } from '../../kernel/list';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock_irq, spin_unlock_irq } from '../../kernel/spinlock';
import { G, type Ref } from '../rewrite-v2/state';
import { bitmapOp, blockOf } from '../rewrite-v2/vb_alloc';
import { vunmap_page_range } from '../rewrite-v2/page_range';

/** `vm_map_ram(pages, count, node, prot, gfp_mask)`: v2's body, gfp_mask now the caller's. */
export { vm_map_ram } from '../rewrite-v2/vm_map_ram';

const UA = sites('vm_unmap_aliases', {
  bug: 'BUG_ON(in_interrupt())',
  walk: 'list_for_each_entry_rcu(vb, &vbq->free, free_list)',
  lock: 'spin_lock_irq(&vb->lock)',
  bits: 'i = find_first_bit(vb->dirty_map, ...); j = find_next_zero_bit(vb->dirty_map, VMAP_BBMAP_BITS, i)',
  unlock: 'spin_unlock_irq(&vb->lock)',
});

/**
 * Unmap outstanding lazy aliases in the vmap layer: the dirty parts of every block on
 * every possible CPU's free queue, then a sync purge that flushes everything it found.
 * for_each_possible_cpu is modelled as the simulated CPUs.
 */
export const vm_unmap_aliases = kfn('vm_unmap_aliases', function* (k: K): Gen {
  const g = G(k);
  const c = g.c;
  const W = c.W;
  const start: Ref = { v: W.max };
  const end: Ref = { v: 0n };
  let flush = 0;
  noteUnwalkedDirtyBlocks(k);
  BUG_ON(k, in_interrupt(k), UA.bug, 'in_interrupt()');
  for (const vbq of g.vmap_block_queue) {
    rcu_read_lock(k);
    for (let p = yield* list_next(k, UA.walk, vbq.free); p !== vbq.free; p = yield* list_next(k, UA.walk, p)) {
      const vb = blockOf(k, p, UA.lock);
      yield* spin_lock_irq(k, vb.lock, UA.lock);
      yield UA.bits;
      let i = bitmapOp(k, UA.bits, () => find_first_bit(vb.dirty_map, c.VMAP_BBMAP_BITS));
      while (i < c.VMAP_BBMAP_BITS) {
        const j = bitmapOp(k, UA.bits, () => find_next_zero_bit(vb.dirty_map, c.VMAP_BBMAP_BITS, i));
        const s = W.add(vb.va.va_start, W.u((i << c.PAGE_SHIFT) | 0));
        const e = W.add(vb.va.va_start, W.u((j << c.PAGE_SHIFT) | 0));
        yield* vunmap_page_range(k, s, e);
        flush = 1;
        if (s < start.v) start.v = s;
        if (e > end.v) end.v = e;
        i = j;
        i = bitmapOp(k, UA.bits, () => find_next_bit(vb.dirty_map, c.VMAP_BBMAP_BITS, i));
      }
      yield* spin_unlock_irq(k, vb.lock, UA.unlock);
    }
    rcu_read_unlock(k);
  }
  yield* g.fn.__purge_vmap_area_lazy(k, start, end, 1, flush);
});
