/**
 * rewrite-v1's new_vmap_block, free_vmap_block and vb_free: v2's functions (copied from
 * rewrite-v2/vmap_block.ts and rewrite-v2/vb_alloc.ts) with v1's placement of
 * `addr_to_vb_idx()`, which v1 computes inside the radix tree call instead of into a
 * local `vb_idx` beforehand:
 *
 *   new_vmap_block:  err = radix_tree_insert(&vmap_block_tree, addr_to_vb_idx(va->va_start), vb);
 *   free_vmap_block: tmp = radix_tree_delete(&vmap_block_tree, addr_to_vb_idx(vb->va->va_start));
 *   vb_free:         vb = radix_tree_lookup(&vmap_block_tree, addr_to_vb_idx((unsigned long)addr));
 *
 * In new_vmap_block and vb_free the index is computed from a local (va, addr), so only the
 * moment differs. In free_vmap_block the load of vb->va->va_start moves from before
 * spin_lock(&vmap_block_tree_lock) (v2's separate `vb_idx = ...` step) into the
 * radix_tree_delete step under the lock: v1 has one step fewer there. Nothing else differs.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { bitmap_zero } from '../../kernel/bitmap';
import { get_order } from '../../kernel/bitops';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import { INIT_LIST_HEAD, list_add, list_del, list_empty } from '../../kernel/list';
import { radix_tree_delete, radix_tree_insert, radix_tree_lookup } from '../../kernel/radix_tree';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { GFP_RECLAIM_MASK, allocAttempt, kfree, kmalloc_node } from '../../kernel/slab';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { VB_EV } from '../../lifecycles/vmap_block';
import { ENOMEM, G, type Errno } from '../rewrite-v2/state';
import { VmapBlock, addr_to_vb_idx, rcu_free_vb, vbEvent } from '../rewrite-v2/vmap_block';
import { live } from '../rewrite-v2/vb_alloc';
import { releasePages } from '../rewrite-v2/lazy_purge';

const N = sites('new_vmap_block', {
  kmalloc: 'vb = kmalloc_node(sizeof(struct vmap_block), gfp_mask & GFP_RECLAIM_MASK, node)',
  kfree: 'kfree(vb)',
  preload: 'err = radix_tree_preload(gfp_mask)',
  init: 'vb->va = va; vb->free = VMAP_BBMAP_BITS; vb->dirty = 0; bitmap_zero(...); INIT_LIST_HEAD(...)',
  tlock: 'spin_lock(&vmap_block_tree_lock)',
  insert: 'err = radix_tree_insert(&vmap_block_tree, addr_to_vb_idx(va->va_start), vb)',
  tunlock: 'spin_unlock(&vmap_block_tree_lock)',
  bug: 'BUG_ON(err)',
  get_cpu: 'vbq = &get_cpu_var(vmap_block_queue); vb->vbq = vbq',
  qlock: 'spin_lock(&vbq->lock)',
  add: 'list_add(&vb->free_list, &vbq->free)',
  qunlock: 'spin_unlock(&vbq->lock)',
});

/** `new_vmap_block(gfp_mask)` (v1): a fresh block on this CPU's free queue. */
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
  yield* spin_lock(k, g.vmap_block_tree_lock, N.tlock);
  yield N.insert;
  const vb_idx = addr_to_vb_idx(k, va.va_start); // v1: inside the radix_tree_insert call
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
  k.w.metrics.blocksCreated++;
  return vb;
});

const FB = sites('free_vmap_block', {
  qlock: 'spin_lock(&vb->vbq->lock)',
  del_free: 'if (!list_empty(&vb->free_list)) list_del(&vb->free_list)',
  del_dirty: 'if (!list_empty(&vb->dirty_list)) list_del(&vb->dirty_list)',
  qunlock: 'spin_unlock(&vb->vbq->lock)',
  tlock: 'spin_lock(&vmap_block_tree_lock)',
  del: 'tmp = radix_tree_delete(&vmap_block_tree, addr_to_vb_idx(vb->va->va_start))',
  tunlock: 'spin_unlock(&vmap_block_tree_lock)',
  bug: 'BUG_ON(tmp != vb)',
  call_rcu: 'call_rcu(&vb->rcu_head, rcu_free_vb)',
});

/** `free_vmap_block(vb)` (v1): off the queues and the tree, KVA freed lazily, block freed by RCU. */
export const free_vmap_block = kfn('free_vmap_block', function* (k: K, vb: VmapBlock): Gen {
  const g = G(k);
  yield* spin_lock(k, vb.vbq.lock, FB.qlock);
  yield* g.fn.free_vmap_block_del_free(k, vb, FB.del_free);
  yield FB.del_dirty;
  if (!list_empty(vb.dirty_list)) list_del(k, FB.del_dirty, vb.dirty_list);
  yield* spin_unlock(k, vb.vbq.lock, FB.qunlock);
  yield* spin_lock(k, g.vmap_block_tree_lock, FB.tlock);
  yield FB.del;
  // v1: vb->va->va_start is loaded here, under vmap_block_tree_lock, in the delete's statement.
  const tmp = radix_tree_delete(g.vmap_block_tree, addr_to_vb_idx(k, vb.va.va_start));
  yield* spin_unlock(k, g.vmap_block_tree_lock, FB.tunlock);
  BUG_ON(k, tmp !== vb, FB.bug, 'tmp != vb');
  vbEvent(k, vb, VB_EV.FREE, FB.call_rcu);
  yield* g.fn.free_unmap_vmap_area(k, vb.va);
  yield FB.call_rcu;
  k.w.rcu.call_rcu(k, g.fn.vmap_block_rcu_head(vb), 'rcu_free_vb', `rcu_free_vb(vmap_block#${vb.id})`, () => rcu_free_vb(k, vb));
  k.w.metrics.blocksFreed++;
  k.w.reach('block_freed');
});

const F = sites('vb_free', {
  bug_mask: 'BUG_ON(size & ~PAGE_MASK)',
  bug_max: 'BUG_ON(size > PAGE_SIZE*VMAP_MAX_ALLOC)',
  lookup: 'vb = radix_tree_lookup(&vmap_block_tree, addr_to_vb_idx((unsigned long)addr))',
  bug_vb: 'BUG_ON(!vb)',
  lock: 'spin_lock(&vb->lock)',
  dirty_map: 'bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order)',
  qlock: 'spin_lock(&vb->vbq->lock)',
  add: 'list_add(&vb->dirty_list, &vb->vbq->dirty)',
  qunlock: 'spin_unlock(&vb->vbq->lock)',
  dirty: 'vb->dirty += 1UL << order',
  bug_full: 'BUG_ON(vb->free || !list_empty(&vb->free_list))',
  unlock_full: 'spin_unlock(&vb->lock)',
  unlock: 'spin_unlock(&vb->lock)',
});

/** `vb_free(addr, size)` (v1): mark the range dirty; free the block when all of it is dirty. */
export const vb_free = kfn('vb_free', function* (k: K, addr: bigint, size: bigint): Gen {
  const g = G(k);
  const c = g.c;
  BUG_ON(k, (size & (c.PAGE_SIZE - 1n)) !== 0n, F.bug_mask, 'size & ~PAGE_MASK');
  BUG_ON(k, size > c.PAGE_SIZE * BigInt(c.VMAP_MAX_ALLOC), F.bug_max, 'size > PAGE_SIZE*VMAP_MAX_ALLOC');
  const order = get_order(size, c.PAGE_SHIFT, k.w.layout.BITS_PER_LONG);
  const offset = addr & (c.VMAP_BLOCK_SIZE - 1n);
  rcu_read_lock(k);
  yield F.lookup;
  const found = radix_tree_lookup(g.vmap_block_tree, addr_to_vb_idx(k, addr)); // v1: index computed in the call
  rcu_read_unlock(k);
  BUG_ON(k, found === null, F.bug_vb, '!vb');
  const vb = live(k, found!, F.lock);
  yield* spin_lock(k, vb.lock, F.lock);
  yield* g.fn.vb_free_dirty_map(k, vb, Number(offset >> BigInt(c.PAGE_SHIFT)), order, F.dirty_map);
  releasePages(k, addr, c.W.add(addr, size));
  if (!vb.dirty) {
    yield* spin_lock(k, vb.vbq.lock, F.qlock);
    yield F.add;
    list_add(k, F.add, vb.dirty_list, vb.vbq.dirty);
    yield* spin_unlock(k, vb.vbq.lock, F.qunlock);
  }
  yield F.dirty;
  vb.dirty = c.W.add(vb.dirty, 1n << BigInt(order));
  vbEvent(k, vb, VB_EV.DIRTY, F.dirty);
  if (vb.dirty === BigInt(c.VMAP_BBMAP_BITS)) {
    g.fn.vb_free_bug_full(k, vb, F.bug_full);
    vbEvent(k, vb, VB_EV.DIRTY_ALL, F.bug_full);
    yield* spin_unlock(k, vb.lock, F.unlock_full);
    yield* g.fn.free_vmap_block(k, vb);
  } else yield* spin_unlock(k, vb.lock, F.unlock);
});
