/**
 * The per-CPU KVA allocator's objects: `struct vmap_block_queue`, `struct vmap_block`
 * (with its union of free_list/dirty_list and rcu_head), the block radix tree,
 * addr_to_vb_idx, new_vmap_block, rcu_free_vb, free_vmap_block.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import { BUG_ON, splat } from '../../kernel/assert';
import { KBitmap, bitmap_zero } from '../../kernel/bitmap';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import { INIT_LIST_HEAD, ListHead, list_add, list_del, list_empty } from '../../kernel/list';
import { radix_tree_delete, radix_tree_insert } from '../../kernel/radix_tree';
import { GFP_RECLAIM_MASK, KObject, allocAttempt, kfree, kmalloc_node } from '../../kernel/slab';
import { Lock, spin_lock, spin_unlock } from '../../kernel/spinlock';
import { Lifecycle } from '../../lifecycles/instance';
import { VMAP_BLOCK, VB_EV } from '../../lifecycles/vmap_block';
import { ENOMEM, G, type Errno } from './state';
import type { VmapArea } from './vmap_area';
import type { VmapBlockQueueShape, VmapBlockShape } from './types';

/** `struct vmap_block_queue` (one per CPU). */
export class VmapBlockQueue implements VmapBlockQueueShape {
  readonly lock: Lock;
  readonly free: ListHead;
  readonly dirty: ListHead;
  nr_dirty = 0;
  constructor(readonly cpu: number) {
    this.lock = new Lock(`vmap_block_queue[${cpu}].lock`, 'vbq->lock');
    this.free = new ListHead(null, `vmap_block_queue[${cpu}].free`);
    this.dirty = new ListHead(null, `vmap_block_queue[${cpu}].dirty`);
  }
}

/**
 * `struct vmap_block`. The union `{ struct { free_list; dirty_list; }; struct rcu_head
 * rcu_head; }` shares storage: rcu_head.next is free_list.next and rcu_head.func is
 * free_list.prev, so `rcu_head` here IS the free_list object.
 */
export class VmapBlock extends KObject implements VmapBlockShape {
  readonly lock: Lock;
  va!: VmapArea;
  vbq!: VmapBlockQueue;
  free = 0n;
  dirty = 0n;
  readonly alloc_map: KBitmap;
  readonly dirty_map: KBitmap;
  readonly free_list = new ListHead(this, 'free_list');
  readonly dirty_list = new ListHead(this, 'dirty_list');
  readonly rcu_head = this.free_list;
  readonly life: Lifecycle;
  constructor(id: number, k: K) {
    super('vmap_block', id);
    const bits = G(k).c.VMAP_BBMAP_BITS;
    this.lock = new Lock(`vmap_block#${id}.lock`, 'vb->lock');
    this.alloc_map = new KBitmap('alloc_map', bits, k.w.layout.BITS_PER_LONG, 'poison');
    this.dirty_map = new KBitmap('dirty_map', bits, k.w.layout.BITS_PER_LONG, 'poison');
    this.life = new Lifecycle(VMAP_BLOCK, k.w.coverage);
  }
}

/** Send a vmap_block lifecycle event; a rejected one is a `lifecycle_legal` violation. */
export function vbEvent(k: K, vb: VmapBlock, ev: number, site: Site): void {
  if (!vb.life.send(ev)) k.w.report(splat(k, 'lifecycle', site, `vmap_block#${vb.id}: ${vb.life.rejection(ev)}`));
  k.w.dirty = true;
}

/** `addr_to_vb_idx(addr)`: (addr - (VMALLOC_START & ~(VMAP_BLOCK_SIZE-1))) / VMAP_BLOCK_SIZE */
export function addr_to_vb_idx(k: K, addr: bigint): bigint {
  const { W, VMALLOC_START, VMAP_BLOCK_SIZE } = G(k).c;
  addr = W.sub(addr, VMALLOC_START & W.not(W.sub(VMAP_BLOCK_SIZE, 1n)));
  return addr / VMAP_BLOCK_SIZE;
}

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
  k.w.metrics.blocksCreated++;
  return vb;
});

/** `rcu_free_vb`: the RCU callback that kfree()s the block. */
export function rcu_free_vb(k: K, vb: VmapBlock): void {
  k.w.slab.free(vb);
  if (!vb.life.send(VB_EV.KFREE)) k.w.reportGlobal('lifecycle_legal', 'lifecycle', k.cpu.id, `vmap_block#${vb.id}: ${vb.life.rejection(VB_EV.KFREE)}`, 'rcu_free_vb');
}

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
  BUG_ON(k, tmp !== vb, FB.bug, 'tmp != vb');
  vbEvent(k, vb, VB_EV.FREE, FB.call_rcu);
  yield* g.fn.free_unmap_vmap_area(k, vb.va);
  yield FB.call_rcu;
  k.w.rcu.call_rcu(k, g.fn.vmap_block_rcu_head(vb), 'rcu_free_vb', `rcu_free_vb(vmap_block#${vb.id})`, () => rcu_free_vb(k, vb));
  k.w.metrics.blocksFreed++;
  k.w.reach('block_freed');
});

/**
 * Fix point: free_vmap_block's `if (!list_empty(&vb->free_list)) list_del(&vb->free_list)`
 * under vbq->lock, `site` its statement (2008; F10 drops it, the block having left the list
 * by list_del_rcu already).
 */
export function* free_vmap_block_del_free(k: K, vb: VmapBlock, site: Site): Gen {
  yield site;
  if (!list_empty(vb.free_list)) list_del(k, site, vb.free_list);
}

/** Fix point: the storage of `vb->rcu_head` (2008: the union puts it over free_list; F10 separates them). */
export function vmap_block_rcu_head(vb: VmapBlock): ListHead {
  return vb.rcu_head;
}
