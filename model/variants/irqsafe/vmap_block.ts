/**
 * irqsafe: new_vmap_block and free_vmap_block with the 2008-08-20 incremental patch
 * applied to rewrite-v2/vmap_block.ts: local_irq_save/restore around the tree and queue
 * updates (the locks inside stay plain spin_lock, taken with irqs off). Nothing else changed.
 *
 * Hunks:
 *   @@ -621,6 +638,7 @@  new_vmap_block: `unsigned long flags;`
 *   @@ -659,6 +677,7 @@  new_vmap_block: local_irq_save(flags) before spin_lock(&vmap_block_tree_lock)
 *   @@ -671,6 +690,7 @@  new_vmap_block: local_irq_restore(flags) after put_cpu_var(vmap_cpu_blocks)
 *   @@ -684,9 +704,11 @@ free_vmap_block: `unsigned long flags;`, local_irq_save(flags) before
 *                         spin_lock(&vb->vbq->lock)
 *   @@ -698,6 +720,7 @@  free_vmap_block: local_irq_restore(flags) after
 *                         spin_unlock(&vmap_block_tree_lock), before BUG_ON(tmp != vb)
 *
 * local_irq_save/restore are not steps (they touch only this CPU), as in kernel/irq.ts.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { bitmap_zero } from '../../kernel/bitmap';
import { local_irq_restore, local_irq_save, preempt_disable, preempt_enable } from '../../kernel/irq';
import { INIT_LIST_HEAD, list_add, list_del, list_empty } from '../../kernel/list';
import { radix_tree_delete, radix_tree_insert } from '../../kernel/radix_tree';
import { GFP_RECLAIM_MASK, allocAttempt, kfree, kmalloc_node } from '../../kernel/slab';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { VB_EV } from '../../lifecycles/vmap_block';
import { ENOMEM, G, type Errno } from '../rewrite-v2/state';
import { VmapBlock, addr_to_vb_idx, rcu_free_vb, vbEvent } from '../rewrite-v2/vmap_block';

const N = sites('new_vmap_block', {
  kmalloc: 'vb = kmalloc_node(sizeof(struct vmap_block), gfp_mask & GFP_RECLAIM_MASK, node)',
  kfree: 'kfree(vb)',
  preload: 'err = radix_tree_preload(gfp_mask)',
  init: 'vb->va = va; vb->free = VMAP_BBMAP_BITS; vb->dirty = 0; bitmap_zero(...); INIT_LIST_HEAD(...)',
  tlock: 'spin_lock(&vmap_block_tree_lock)',
  insert: 'err = radix_tree_insert(&vmap_block_tree, vb_idx, vb)',
  tunlock: 'spin_unlock(&vmap_block_tree_lock)',
  bug: 'BUG_ON(err)',
  get_cpu: 'vbq = &get_cpu_var(vmap_block_queue); vb->vbq = vbq',
  qlock: 'spin_lock(&vbq->lock)',
  add: 'list_add(&vb->free_list, &vbq->free)',
  qunlock: 'spin_unlock(&vbq->lock)',
});

/** `new_vmap_block(gfp_mask)`: a fresh block on this CPU's free queue. */
export const new_vmap_block = kfn('new_vmap_block', function* (k: K, gfp_mask: number): Gen<VmapBlock | Errno> {
  const g = G(k);
  const c = g.c;
  const vb = yield* kmalloc_node(k, N.kmalloc, gfp_mask & GFP_RECLAIM_MASK, (id) => new VmapBlock(id, k));
  if (vb === null) return ENOMEM;
  const va = yield* g.fn.alloc_vmap_area(k, c.VMAP_BLOCK_SIZE, c.VMAP_BLOCK_SIZE, c.VMALLOC_START, c.VMALLOC_END, 0, gfp_mask);
  if (typeof va === 'number') {
    yield* kfree(k, vb, N.kfree);
    vb.life.send(VB_EV.KFREE);
    return va;
  }
  // radix_tree_preload: may allocate (and sleep); returns with preemption disabled on success.
  yield N.preload;
  if (allocAttempt(k, N.preload, gfp_mask, 'radix_tree_preload')) {
    yield* kfree(k, vb, N.kfree);
    vb.life.send(VB_EV.KFREE);
    yield* g.fn.free_vmap_area(k, va);
    return ENOMEM;
  }
  preempt_disable(k);
  yield N.init; // stores to the new block, not yet visible to anyone
  vb.va = va;
  vb.free = BigInt(c.VMAP_BBMAP_BITS);
  vb.dirty = 0n;
  bitmap_zero(vb.alloc_map, c.VMAP_BBMAP_BITS);
  bitmap_zero(vb.dirty_map, c.VMAP_BBMAP_BITS);
  INIT_LIST_HEAD(vb.free_list);
  INIT_LIST_HEAD(vb.dirty_list);
  const vb_idx = addr_to_vb_idx(k, va.va_start);
  const flags = local_irq_save(k);
  yield* spin_lock(k, g.vmap_block_tree_lock, N.tlock);
  yield N.insert;
  const err = radix_tree_insert(g.vmap_block_tree, vb_idx, vb);
  yield* spin_unlock(k, g.vmap_block_tree_lock, N.tunlock);
  BUG_ON(k, err !== 0, N.bug, `err (radix_tree_insert returned ${err} for index ${vb_idx})`);
  preempt_enable(k); // radix_tree_preload_end()
  preempt_disable(k);
  yield N.get_cpu;
  const vbq = g.vmap_block_queue[k.cpu.id]!;
  vb.vbq = vbq;
  yield* spin_lock(k, vbq.lock, N.qlock);
  yield N.add;
  list_add(k, N.add, vb.free_list, vbq.free);
  vbEvent(k, vb, VB_EV.QUEUE, N.add);
  yield* spin_unlock(k, vbq.lock, N.qunlock);
  preempt_enable(k); // put_cpu_var(vmap_cpu_blocks)
  local_irq_restore(k, flags);
  k.w.metrics.blocksCreated++;
  return vb;
});

const FB = sites('free_vmap_block', {
  qlock: 'spin_lock(&vb->vbq->lock)',
  del_free: 'if (!list_empty(&vb->free_list)) list_del(&vb->free_list)',
  del_dirty: 'if (!list_empty(&vb->dirty_list)) list_del(&vb->dirty_list)',
  qunlock: 'spin_unlock(&vb->vbq->lock)',
  idx: 'vb_idx = addr_to_vb_idx(vb->va->va_start)',
  tlock: 'spin_lock(&vmap_block_tree_lock)',
  del: 'tmp = radix_tree_delete(&vmap_block_tree, vb_idx)',
  tunlock: 'spin_unlock(&vmap_block_tree_lock)',
  bug: 'BUG_ON(tmp != vb)',
  call_rcu: 'call_rcu(&vb->rcu_head, rcu_free_vb)',
});

/** `free_vmap_block(vb)`: off the queues and the tree, KVA freed lazily, block freed by RCU. */
export const free_vmap_block = kfn('free_vmap_block', function* (k: K, vb: VmapBlock): Gen {
  const g = G(k);
  const flags = local_irq_save(k);
  yield* spin_lock(k, vb.vbq.lock, FB.qlock);
  yield* g.fn.free_vmap_block_del_free(k, vb, FB.del_free);
  yield FB.del_dirty;
  if (!list_empty(vb.dirty_list)) list_del(k, FB.del_dirty, vb.dirty_list);
  yield* spin_unlock(k, vb.vbq.lock, FB.qunlock);
  yield FB.idx;
  const vb_idx = addr_to_vb_idx(k, vb.va.va_start);
  yield* spin_lock(k, g.vmap_block_tree_lock, FB.tlock);
  yield FB.del;
  const tmp = radix_tree_delete(g.vmap_block_tree, vb_idx);
  yield* spin_unlock(k, g.vmap_block_tree_lock, FB.tunlock);
  local_irq_restore(k, flags);
  BUG_ON(k, tmp !== vb, FB.bug, 'tmp != vb');
  vbEvent(k, vb, VB_EV.FREE, FB.call_rcu);
  yield* g.fn.free_unmap_vmap_area(k, vb.va);
  yield FB.call_rcu;
  k.w.rcu.call_rcu(k, g.fn.vmap_block_rcu_head(vb), 'rcu_free_vb', `rcu_free_vb(vmap_block#${vb.id})`, () => rcu_free_vb(k, vb));
  k.w.metrics.blocksFreed++;
  k.w.reach('block_freed');
});
