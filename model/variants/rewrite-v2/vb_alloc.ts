/**
 * The per-CPU allocator's fast paths: vb_alloc and vb_free.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import { BUG_ON, oops } from '../../kernel/assert';
import { BitmapOutOfBounds, bitmap_allocate_region, bitmap_find_free_region } from '../../kernel/bitmap';
import { get_order } from '../../kernel/bitops';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import { list_add, list_del_init, list_empty, list_next, type ListHead } from '../../kernel/list';
import { radix_tree_lookup } from '../../kernel/radix_tree';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { VB_EV } from '../../lifecycles/vmap_block';
import { G, type Errno } from './state';
import { VmapBlock, addr_to_vb_idx, vbEvent } from './vmap_block';
import { releasePages } from './lazy_purge';

/** Run a bitmap helper; an access outside the bitmap's storage is an oops (KASAN-like). */
export function bitmapOp<T>(k: K, site: Parameters<typeof oops>[1], f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof BitmapOutOfBounds) oops(k, site, `BUG: KASAN: slab-out-of-bounds ${e.access} in ${e.op}: ${e.bitmap} long ${e.longIndex} of ${e.storageLongs}`);
    throw e;
  }
}

/** Oops if a block reached through a shared pointer has been freed. */
export function live(k: K, vb: VmapBlock, site: Parameters<typeof oops>[1]): VmapBlock {
  if (vb.freed) oops(k, site, `BUG: unable to handle kernel paging request: use-after-free of vmap_block#${vb.id}`);
  return vb;
}

/**
 * `list_entry(p, struct vmap_block, free_list)` for a walker of vbq->free: the entry must be
 * a live block's free_list. Through the union (rcu_head.next chained to another object's
 * rcu_head) a walker can reach something else; container_of then yields garbage: an oops.
 */
export function blockOf(k: K, p: ListHead, site: Parameters<typeof oops>[1]): VmapBlock {
  const o = p.owner;
  if (!(o instanceof VmapBlock) || p !== o.free_list) {
    oops(k, site, `BUG: unable to handle kernel paging request: vbq->free walk reached ${o ? `${o.kind}#${o.id}.${p.field}` : p.field}, not a vmap_block's free_list (container_of on the wrong object)`);
  }
  return live(k, o, site);
}

const A = sites('vb_alloc', {
  bug_mask: 'BUG_ON(size & ~PAGE_MASK)',
  bug_max: 'BUG_ON(size > PAGE_SIZE*VMAP_MAX_ALLOC)',
  walk: 'list_for_each_entry_rcu(vb, &vbq->free, free_list)',
  lock: 'spin_lock(&vb->lock)',
  find: 'i = bitmap_find_free_region(vb->alloc_map, VMAP_BBMAP_BITS, order)',
  bug_idx: 'BUG_ON(addr_to_vb_idx(addr) != addr_to_vb_idx(vb->va->va_start))',
  sub: 'vb->free -= 1UL << order',
  qlock: 'spin_lock(&vbq->lock)',
  del: 'list_del_init(&vb->free_list)',
  qunlock: 'spin_unlock(&vbq->lock)',
  unlock: 'spin_unlock(&vb->lock)',
  unlock_miss: 'spin_unlock(&vb->lock)',
});

/** `vb_alloc(size, gfp_mask)`: first fit in this CPU's blocks, else a new block and again. */
export const vb_alloc = kfn('vb_alloc', function* (k: K, size: bigint, gfp_mask: number): Gen<bigint | Errno> {
  const g = G(k);
  const c = g.c;
  BUG_ON(k, (size & (c.PAGE_SIZE - 1n)) !== 0n, A.bug_mask, 'size & ~PAGE_MASK');
  BUG_ON(k, size > c.PAGE_SIZE * BigInt(c.VMAP_MAX_ALLOC), A.bug_max, 'size > PAGE_SIZE*VMAP_MAX_ALLOC');
  const order = get_order(size, c.PAGE_SHIFT, k.w.layout.BITS_PER_LONG);
  let addr = 0n;
  for (;;) {
    // again:
    rcu_read_lock(k);
    preempt_disable(k); // get_cpu_var
    const vbq = g.vmap_block_queue[k.cpu.id]!;
    for (let p = yield* list_next(k, A.walk, vbq.free); p !== vbq.free; p = yield* list_next(k, A.walk, p)) {
      const vb = blockOf(k, p, A.lock);
      yield* spin_lock(k, vb.lock, A.lock);
      yield A.find;
      const i = bitmapOp(k, A.find, () => bitmap_find_free_region(vb.alloc_map, c.VMAP_BBMAP_BITS, order));
      if (i >= 0) {
        addr = c.W.add(vb.va.va_start, c.W.u((i << c.PAGE_SHIFT) | 0));
        BUG_ON(k, addr_to_vb_idx(k, addr) !== addr_to_vb_idx(k, vb.va.va_start), A.bug_idx, 'addr_to_vb_idx(addr) != addr_to_vb_idx(vb->va->va_start)');
        yield A.sub;
        vb.free = c.W.sub(vb.free, 1n << BigInt(order));
        if (vb.free === 0n) {
          yield* spin_lock(k, vbq.lock, A.qlock);
          yield* g.fn.vb_free_list_del(k, vb, A.del);
          vbEvent(k, vb, VB_EV.FILL, A.del);
          k.w.reach('block_filled');
          yield* spin_unlock(k, vbq.lock, A.qunlock);
        }
        yield* g.fn.vb_alloc_unlock(k, vb, false, A.unlock);
        break;
      }
      yield* spin_unlock(k, vb.lock, A.unlock_miss);
    }
    preempt_enable(k); // put_cpu_var(vmap_cpu_blocks)
    rcu_read_unlock(k);
    if (!addr) {
      const vb = yield* g.fn.new_vmap_block(k, gfp_mask);
      if (typeof vb === 'number') return vb;
      continue;
    }
    return addr;
  }
});

const F = sites('vb_free', {
  bug_mask: 'BUG_ON(size & ~PAGE_MASK)',
  bug_max: 'BUG_ON(size > PAGE_SIZE*VMAP_MAX_ALLOC)',
  lookup: 'vb = radix_tree_lookup(&vmap_block_tree, vb_idx)',
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

/** `vb_free(addr, size)`: mark the range dirty; free the block when all of it is dirty. */
export const vb_free = kfn('vb_free', function* (k: K, addr: bigint, size: bigint): Gen {
  const g = G(k);
  const c = g.c;
  BUG_ON(k, (size & (c.PAGE_SIZE - 1n)) !== 0n, F.bug_mask, 'size & ~PAGE_MASK');
  BUG_ON(k, size > c.PAGE_SIZE * BigInt(c.VMAP_MAX_ALLOC), F.bug_max, 'size > PAGE_SIZE*VMAP_MAX_ALLOC');
  const order = get_order(size, c.PAGE_SHIFT, k.w.layout.BITS_PER_LONG);
  const offset = addr & (c.VMAP_BLOCK_SIZE - 1n);
  const vb_idx = addr_to_vb_idx(k, addr);
  rcu_read_lock(k);
  yield F.lookup;
  const found = radix_tree_lookup(g.vmap_block_tree, vb_idx);
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

/**
 * Fix point: vb_alloc's `list_del_init(&vb->free_list)` of a block whose last free bit was
 * just taken (2008). The caller holds vbq->lock; `site` is that statement (F10 makes it
 * list_del_rcu).
 */
export function* vb_free_list_del(k: K, vb: VmapBlock, site: Site): Gen {
  yield site;
  list_del_init(k, site, vb.free_list);
}

/** Fix point: vb_alloc's success-path `spin_unlock(&vb->lock)` (2008: plain, also in irqsafe as posted; F12). */
export function* vb_alloc_unlock(k: K, vb: VmapBlock, _flags: boolean, site: Site): Gen {
  yield* spin_unlock(k, vb.lock, site);
}

/**
 * Fix point: vb_free's `bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order)`
 * (2008: the return value, -EBUSY when the range is already dirty, is ignored; F14).
 */
export function* vb_free_dirty_map(k: K, vb: VmapBlock, bit: number, order: number, site: Site): Gen {
  yield site;
  bitmapOp(k, site, () => bitmap_allocate_region(vb.dirty_map, bit, order));
}

/** Fix point: vb_free's `BUG_ON(vb->free || !list_empty(&vb->free_list))` once the block is all dirty (F10). */
export function vb_free_bug_full(k: K, vb: VmapBlock, site: Site): void {
  BUG_ON(k, vb.free !== 0n || !list_empty(vb.free_list), site, 'vb->free || !list_empty(&vb->free_list)');
}
