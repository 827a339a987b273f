/**
 * irqsafe: alloc_vmap_area and free_vmap_area with the 2008-08-20 incremental patch
 * applied to rewrite-v2/vmap_area.ts — vmap_area_lock taken with spin_lock_irqsave and
 * released with spin_unlock_irqrestore at every site. Nothing else changed.
 *
 * Hunks:
 *   @@ -296,6 +296,7 @@  alloc_vmap_area: `unsigned long flags;`
 *   @@ -311,7 +312,7 @@  alloc_vmap_area: retry: spin_lock_irqsave(&vmap_area_lock, flags)
 *   @@ -353,7 +354,7 @@  alloc_vmap_area: found: spin_unlock_irqrestore (the purge-and-retry path)
 *   @@ -371,7 +372,7 @@  alloc_vmap_area: spin_unlock_irqrestore (success)
 *   @@ -398,9 +399,11 @@ free_vmap_area: irqsave / irqrestore
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { GFP_RECLAIM_MASK, kmalloc_node } from '../../kernel/slab';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { rb_next } from '../../kernel/rbtree';
import { ENOMEM, EBUSY, G, type Errno } from '../rewrite-v2/state';
import { VmapArea, __free_vmap_area, __insert_vmap_area, firstNode, noteLazyAtPurge, recordAllocFailure } from '../rewrite-v2/vmap_area';

const A = sites('alloc_vmap_area', {
  kmalloc: 'va = kmalloc_node(sizeof(struct vmap_area), gfp_mask & GFP_RECLAIM_MASK, node)',
  bug_size: 'BUG_ON(size & ~PAGE_MASK)',
  lock: 'spin_lock_irqsave(&vmap_area_lock, flags)',
  search: 'n = vmap_area_root.rb_node; ... while (addr + size >= first->va_start && addr + size <= vend) ...',
  unlock_fail: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
  bug_align: 'BUG_ON(addr & (align-1))',
  unlock: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
  fail: 'return ERR_PTR(-EBUSY)',
});

/** Allocate a region of KVA of the specified size and alignment, within vstart and vend. */
export const alloc_vmap_area = kfn('alloc_vmap_area', function* (k: K, size: bigint, align: bigint, vstart: bigint, vend: bigint, _node: number, gfp_mask: number): Gen<VmapArea | Errno> {
  let flags: boolean;
  const g = G(k);
  const { W, PAGE_SIZE } = g.c;
  let purged = 0;
  BUG_ON(k, (size & (PAGE_SIZE - 1n)) !== 0n, A.bug_size, 'size & ~PAGE_MASK');
  let addr = W.ALIGN(vstart, align);
  const va = yield* kmalloc_node(k, A.kmalloc, gfp_mask & GFP_RECLAIM_MASK, (id) => new VmapArea(id, k));
  if (va === null) return ENOMEM;
  for (;;) {
    // retry:
    addr = g.fn.alloc_vmap_area_retry_addr(k, addr, vstart, align);
    flags = yield* spin_lock_irqsave(k, g.vmap_area_lock, A.lock);
    // The descent and the hole walk run under vmap_area_lock and read only the tree: one step.
    yield A.search;
    let n = g.vmap_area_root.rb_node;
    let overflow = false;
    found: if (g.fn.alloc_vmap_area_overflow(k, addr, size, vstart)) {
      overflow = true; // goto overflow;
    } else if (n) {
      let first: VmapArea | null = null;
      do {
        const tmp = n as VmapArea;
        if (tmp.va_end >= addr) {
          if (!first && g.fn.alloc_vmap_area_first(k, tmp, addr, size)) first = tmp;
          n = n.rb_left;
        } else {
          first = tmp;
          n = n.rb_right;
        }
      } while (n);
      if (!first) {
        // ghost: the hole below the lowest area is taken without checking its size
        if (W.add(addr, size) > (firstNode(k)?.va_start ?? W.max)) k.w.note('F1');
        break found;
      }
      if (first.va_end < addr) {
        n = rb_next(first);
        if (n) first = n as VmapArea;
        else break found;
      }
      while (g.fn.alloc_vmap_area_hits(k, addr, size, first) && W.add(addr, size) <= vend) {
        const before = addr;
        addr = g.fn.alloc_vmap_area_next(k, first, align);
        if (addr < before) k.w.note('F5'); // ghost: ALIGN wrapped past ULONG_MAX
        if (g.fn.alloc_vmap_area_overflow(k, addr, size, vstart)) {
          overflow = true; // goto overflow;
          break found;
        }
        n = rb_next(first);
        if (n) first = n as VmapArea;
        else break found;
      }
    }
    // found:
    if (overflow || W.add(addr, size) > vend) {
      // overflow: (the label of the F5 fix; with the 2008 checks `overflow` stays false)
      yield* spin_unlock_irqrestore(k, g.vmap_area_lock, flags, A.unlock_fail);
      if (!purged) {
        noteLazyAtPurge(k);
        yield* g.fn.purge_vmap_area_lazy(k);
        purged = 1;
        continue;
      }
      // printk(KERN_WARNING "vmap allocation failed: use vmalloc=<size> to increase size.\n");
      recordAllocFailure(k, size, align, vstart, vend);
      yield* g.fn.alloc_vmap_area_fail(k, va, A.fail);
      return EBUSY;
    }
    if (W.add(addr, size) < addr) k.w.note('F5'); // ghost: addr + size wrapped past ULONG_MAX
    if ((align & (align - 1n)) !== 0n) k.w.note('F6'); // ghost: ALIGN with a non-power-of-two
    BUG_ON(k, (addr & (align - 1n)) !== 0n, A.bug_align, 'addr & (align-1)');
    va.va_start = addr;
    va.va_end = W.add(addr, size);
    va.flags = 0n;
    va.vstart = vstart; // ghost: the request's range, for areas_in_range
    va.vend = vend;
    yield* __insert_vmap_area(k, va);
    yield* spin_unlock_irqrestore(k, g.vmap_area_lock, flags, A.unlock);
    return va;
  }
});

const FV = sites('free_vmap_area', {
  lock: 'spin_lock_irqsave(&vmap_area_lock, flags)',
  unlock: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
});

/** Free a region of KVA allocated by alloc_vmap_area. */
export const free_vmap_area = kfn('free_vmap_area', function* (k: K, va: VmapArea): Gen {
  const g = G(k);
  const flags = yield* spin_lock_irqsave(k, g.vmap_area_lock, FV.lock);
  yield* __free_vmap_area(k, va);
  yield* spin_unlock_irqrestore(k, g.vmap_area_lock, flags, FV.unlock);
});

// ---------------------------------------------------------------------------------------
