/**
 * irqsafe: vb_alloc and vb_free with the 2008-08-20 incremental patch applied to
 * rewrite-v2/vb_alloc.ts, exactly as posted. Nothing else changed.
 *
 * Hunks:
 *   @@ -719,9 +742,10 @@ vb_alloc: `unsigned long flags;` declared inside the list walk;
 *                         spin_lock_irqsave(&vb->lock, flags)
 *   @@ -738,7 +762,7 @@  vb_alloc: the miss path becomes spin_unlock_irqrestore(&vb->lock, flags).
 *                         The SUCCESS path keeps the plain `spin_unlock(&vb->lock); break;`
 *                         (the hunk's context line): irqs stay disabled after a successful
 *                         allocation and `flags` goes out of scope. Ported as posted.
 *   @@ -755,6 +779,7 @@  vb_free: `unsigned long flags;`
 *   @@ -772,7 +797,7 @@  vb_free: spin_lock_irqsave(&vb->lock, flags)
 *   @@ -782,10 +807,10 @@ vb_free: spin_unlock_irqrestore at both unlock sites
 *
 * vbq->lock inside both stays plain spin_lock (taken with irqs off by then).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { bitmap_find_free_region } from '../../kernel/bitmap';
import { get_order } from '../../kernel/bitops';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import { list_add, list_next } from '../../kernel/list';
import { radix_tree_lookup } from '../../kernel/radix_tree';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { VB_EV } from '../../lifecycles/vmap_block';
import { G, type Errno } from '../rewrite-v2/state';
import { addr_to_vb_idx, vbEvent } from '../rewrite-v2/vmap_block';
import { bitmapOp, blockOf, live } from '../rewrite-v2/vb_alloc';
import { releasePages } from '../rewrite-v2/lazy_purge';

const A = sites('vb_alloc', {
  bug_mask: 'BUG_ON(size & ~PAGE_MASK)',
  bug_max: 'BUG_ON(size > PAGE_SIZE*VMAP_MAX_ALLOC)',
  walk: 'list_for_each_entry_rcu(vb, &vbq->free, free_list)',
  lock: 'spin_lock_irqsave(&vb->lock, flags)',
  find: 'i = bitmap_find_free_region(vb->alloc_map, VMAP_BBMAP_BITS, order)',
  bug_idx: 'BUG_ON(addr_to_vb_idx(addr) != addr_to_vb_idx(vb->va->va_start))',
  sub: 'vb->free -= 1UL << order',
  qlock: 'spin_lock(&vbq->lock)',
  del: 'list_del_init(&vb->free_list)',
  qunlock: 'spin_unlock(&vbq->lock)',
  unlock: 'spin_unlock(&vb->lock)',
  unlock_miss: 'spin_unlock_irqrestore(&vb->lock, flags)',
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
      const flags = yield* spin_lock_irqsave(k, vb.lock, A.lock); // `unsigned long flags` is local to the walk's body
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
        yield* g.fn.vb_alloc_unlock(k, vb, flags, A.unlock); // as posted: plain unlock, irqs stay disabled (F12)
        break;
      }
      yield* spin_unlock_irqrestore(k, vb.lock, flags, A.unlock_miss);
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
  lock: 'spin_lock_irqsave(&vb->lock, flags)',
  dirty_map: 'bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order)',
  qlock: 'spin_lock(&vb->vbq->lock)',
  add: 'list_add(&vb->dirty_list, &vb->vbq->dirty)',
  qunlock: 'spin_unlock(&vb->vbq->lock)',
  dirty: 'vb->dirty += 1UL << order',
  bug_full: 'BUG_ON(vb->free || !list_empty(&vb->free_list))',
  unlock_full: 'spin_unlock_irqrestore(&vb->lock, flags)',
  unlock: 'spin_unlock_irqrestore(&vb->lock, flags)',
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
  const flags = yield* spin_lock_irqsave(k, vb.lock, F.lock);
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
    yield* spin_unlock_irqrestore(k, vb.lock, flags, F.unlock_full);
    yield* g.fn.free_vmap_block(k, vb);
  } else yield* spin_unlock_irqrestore(k, vb.lock, flags, F.unlock);
});
