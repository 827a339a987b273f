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
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { in_interrupt } from '../../kernel/irq';
import { spin_lock_irq, spin_unlock_irq } from '../../kernel/spinlock';
import { G, type Ref } from '../rewrite-v2/state';
import type { VmapBlock } from '../rewrite-v2/vmap_block';
import { blockOf } from '../rewrite-v2/vb_alloc';
import type { ListHead } from '../../kernel/list';

/** `vm_map_ram(pages, count, node, prot, gfp_mask)`: v2's body, gfp_mask now the caller's. */
export { vm_map_ram } from '../rewrite-v2/vm_map_ram';

const UA = sites('vm_unmap_aliases', {
  bug: 'BUG_ON(in_interrupt())',
  lock: 'spin_lock_irq(&vb->lock)',
  unlock: 'spin_unlock_irq(&vb->lock)',
});

/**
 * Unmap outstanding lazy aliases in the vmap layer: the dirty parts of every block on
 * every possible CPU's free queue, then a sync purge that flushes everything it found.
 * The walk is v2's (the table's vm_unmap_aliases_walk); its per-block lock is this
 * file's spin_lock_irq (the table's vm_unmap_aliases_vb_lock/_unlock).
 */
export const vm_unmap_aliases = kfn('vm_unmap_aliases', function* (k: K): Gen {
  const g = G(k);
  const W = g.c.W;
  const start: Ref = { v: W.max };
  const end: Ref = { v: 0n };
  BUG_ON(k, in_interrupt(k), UA.bug, 'in_interrupt()');
  const flush = yield* g.fn.vm_unmap_aliases_walk(k, start, end);
  yield* g.fn.__purge_vmap_area_lazy(k, start, end, 1, flush);
});

/** Fix point: vm_unmap_aliases' `vb` and `spin_lock_irq(&vb->lock)` (as posted; F15). */
export function* vm_unmap_aliases_vb_lock(k: K, p: ListHead): Gen<[VmapBlock, boolean]> {
  const vb = blockOf(k, p, UA.lock);
  yield* spin_lock_irq(k, vb.lock, UA.lock);
  return [vb, true];
}

/** Fix point: vm_unmap_aliases' `spin_unlock_irq(&vb->lock)`: enables irqs whatever they were (F15). */
export function* vm_unmap_aliases_vb_unlock(k: K, vb: VmapBlock, _flags: boolean): Gen {
  yield* spin_unlock_irq(k, vb.lock, UA.unlock);
}
