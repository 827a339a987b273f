/**
 * `struct vmap_area` and the global KVA allocator of the rewrite (v2, 2008-08-19):
 * __find_vmap_area, __insert_vmap_area, alloc_vmap_area, rcu_free_va, __free_vmap_area,
 * free_vmap_area, unmap_vmap_area.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import { BUG, BUG_ON, splat } from '../../kernel/assert';
import { ListHead, list_add_rcu, list_del_rcu } from '../../kernel/list';
import { KObject, GFP_RECLAIM_MASK, kmalloc_node } from '../../kernel/slab';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import {
  RB_CLEAR_NODE, RB_EMPTY_NODE, rb_erase, rb_first, rb_insert_color, rb_link_node, rb_next, rb_prev, rbChildLink, rbLinkGet, rbRootLink,
  type RbNode, type RbLink,
} from '../../kernel/rbtree';
import { Lifecycle } from '../../lifecycles/instance';
import { VMAP_AREA, VA_EV } from '../../lifecycles/vmap_area';
import { ENOMEM, EBUSY, G, type Errno } from './state';
import { vunmap_page_range } from './page_range';
import type { VmapAreaShape, VmStructShape } from './types';

/** `VM_LAZY_FREE` */
export const VM_LAZY_FREE = 0x01n;
/** `VM_LAZY_FREEING` */
export const VM_LAZY_FREEING = 0x02n;
/** `VM_VM_AREA` */
export const VM_VM_AREA = 0x04n;

/** `struct vmap_area`; it is its own rb_node (rb_entry is a cast). */
export class VmapArea extends KObject implements RbNode, VmapAreaShape {
  va_start = 0n;
  va_end = 0n;
  flags = 0n;
  rb_parent: RbNode | null = this;
  rb_color: 0 | 1 = 0;
  rb_left: RbNode | null = null;
  rb_right: RbNode | null = null;
  readonly list = new ListHead(this, 'list');
  readonly purge_list = new ListHead(this, 'purge_list');
  private_: VmStructShape | null = null;
  readonly rcu_head = new ListHead(this, 'rcu_head');
  readonly life: Lifecycle;
  /** Ghost: the [vstart, vend) this area was allocated from. */
  vstart = 0n;
  vend = 0n;
  constructor(id: number, k: K) {
    super('vmap_area', id);
    this.life = new Lifecycle(VMAP_AREA, k.w.coverage);
  }
}

/** Send a lifecycle event; a rejected one is a `lifecycle_legal` violation. */
export function vaEvent(k: K, va: VmapArea, ev: number, site: Site): void {
  if (!va.life.send(ev)) k.w.report(splat(k, 'lifecycle', site, `vmap_area#${va.id}: ${va.life.rejection(ev)}`));
  k.w.dirty = true;
}

const F = sites('__find_vmap_area', { walk: 'while (n) { va = rb_entry(n); if (addr < va->va_start) ... }' });

/** `__find_vmap_area(addr)`: caller holds vmap_area_lock; one step. */
export function* __find_vmap_area(k: K, addr: bigint): Gen<VmapArea | null> {
  yield F.walk;
  let n = G(k).vmap_area_root.rb_node;
  while (n) {
    const va = n as VmapArea;
    if (addr < va.va_start) n = n.rb_left;
    else if (addr > va.va_start) n = n.rb_right;
    else return va;
  }
  return null;
}

const I = sites('__insert_vmap_area', {
  insert: 'rb_link_node(&va->rb_node, parent, p); rb_insert_color(...); list_add_rcu(&va->list, ...)',
  bug: 'BUG()',
});

/** `__insert_vmap_area(va)`: caller holds vmap_area_lock; the tree and list update is one step. */
export function* __insert_vmap_area(k: K, va: VmapArea): Gen {
  const g = G(k);
  yield I.insert;
  let p: RbLink = rbRootLink(g.vmap_area_root);
  let parent: RbNode | null = null;
  for (let cur = rbLinkGet(p); cur; cur = rbLinkGet(p)) {
    parent = cur;
    const tmp = cur as VmapArea;
    if (va.va_start < tmp.va_end) p = rbChildLink(cur, 'left');
    else if (va.va_end > tmp.va_start) p = rbChildLink(cur, 'right');
    else BUG(k, I.bug, `__insert_vmap_area: [${k.w.word.hex(va.va_start)}, ${k.w.word.hex(va.va_end)}) vs #${tmp.id}`);
  }
  rb_link_node(va, parent, p);
  rb_insert_color(va, g.vmap_area_root);
  // address-sort this list so it is usable like the vmlist
  const tmp = rb_prev(va);
  if (tmp) list_add_rcu(k, I.insert, va.list, (tmp as VmapArea).list);
  else list_add_rcu(k, I.insert, va.list, g.vmap_area_list);
  vaEvent(k, va, VA_EV.INSERT, I.insert);
}

const A = sites('alloc_vmap_area', {
  kmalloc: 'va = kmalloc_node(sizeof(struct vmap_area), gfp_mask & GFP_RECLAIM_MASK, node)',
  bug_size: 'BUG_ON(size & ~PAGE_MASK)',
  lock: 'spin_lock(&vmap_area_lock)',
  search: 'n = vmap_area_root.rb_node; ... while (addr + size >= first->va_start && addr + size <= vend) ...',
  unlock_fail: 'spin_unlock(&vmap_area_lock)',
  bug_align: 'BUG_ON(addr & (align-1))',
  unlock: 'spin_unlock(&vmap_area_lock)',
  fail: 'return ERR_PTR(-EBUSY)',
});

/** Allocate a region of KVA of the specified size and alignment, within vstart and vend. */
export const alloc_vmap_area = kfn('alloc_vmap_area', function* (k: K, size: bigint, align: bigint, vstart: bigint, vend: bigint, _node: number, gfp_mask: number): Gen<VmapArea | Errno> {
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
    yield* spin_lock(k, g.vmap_area_lock, A.lock);
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
      yield* spin_unlock(k, g.vmap_area_lock, A.unlock_fail);
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
    yield* spin_unlock(k, g.vmap_area_lock, A.unlock);
    return va;
  }
});

/**
 * Fix point: where a retried search starts. 2008: `addr = ALIGN(vstart, align)` sits before
 * `retry:`, so the retry after the purge resumes from the address where the first search
 * failed — by then near `vend` — and misses the space the purge freed below it (F18).
 */
export function alloc_vmap_area_retry_addr(_k: K, addr: bigint, _vstart: bigint, _align: bigint): bigint {
  return addr;
}

/**
 * Fix point: where the hole walk tries next after running into `first`. 2008:
 * `ALIGN(first->va_end + PAGE_SIZE, align)` — a page after the area, although `va_end` is
 * already exclusive and a vmalloc's guard page is inside its own size: every area is
 * followed by one page nothing can use (F21; fatal for naturally aligned vmap blocks).
 */
export function alloc_vmap_area_next(k: K, first: VmapArea, align: bigint): bigint {
  const W = k.w.word;
  return W.ALIGN(W.add(first.va_end, G(k).c.PAGE_SIZE), align);
}

/**
 * Fix point: the hole walk's test that the request runs into `first`. 2008:
 * `addr + size >= first->va_start`, which rejects a hole that fits exactly (F19).
 */
export function alloc_vmap_area_hits(k: K, addr: bigint, size: bigint, first: VmapArea): boolean {
  return k.w.word.add(addr, size) >= first.va_start;
}

/**
 * Fix point: may the descent take `tmp` (an area with `tmp->va_end >= addr`) as `first`,
 * the lowest area the request could run into? (2008: `tmp->va_start <= addr`, which
 * ignores an area starting inside [addr, addr + size): F1.)
 */
export function alloc_vmap_area_first(_k: K, tmp: VmapArea, addr: bigint, _size: bigint): boolean {
  return tmp.va_start <= addr;
}

/**
 * Fix point: the overflow test alloc_vmap_area applies to `addr` when the search begins and
 * after each `addr = ALIGN(first->va_end + PAGE_SIZE, align)`; true means `goto overflow`
 * (the failure path). (2008: none; the unsigned long sums may wrap: F5.)
 */
export function alloc_vmap_area_overflow(_k: K, _addr: bigint, _size: bigint, _vstart: bigint): boolean {
  return false;
}

/**
 * The 2008 failure path: `return ERR_PTR(-EBUSY);` with nothing freed, so the vmap_area
 * kmalloc_node'd at the top leaks (F4; kmemleak sees it). A fix point of the table.
 */
export function* alloc_vmap_area_fail(_k: K, _va: VmapArea, _site: Site): Gen {}

/** Ghost: the purge-and-retry begins; the world remembers which areas are lazily freed now. */
export function noteLazyAtPurge(k: K): void {
  k.w.noteLazyAtPurge(k);
}

/** The lowest area (rb_first), for ghost bookkeeping. */
export function firstNode(k: K): VmapArea | null {
  return rb_first(G(k).vmap_area_root) as VmapArea | null;
}

/** Ghost: record a failed allocation (the request), for `alloc_fails_only_when_full`. */
export function recordAllocFailure(k: K, size: bigint, align: bigint, vstart: bigint, vend: bigint): void {
  k.w.recordAllocFailure(k, size, align, vstart, vend);
}

/** `rcu_free_va`: the RCU callback that kfree()s the vmap_area. */
export function rcu_free_va(k: K, va: VmapArea): void {
  k.w.slab.free(va);
  if (!va.life.send(VA_EV.KFREE)) k.w.reportGlobal('lifecycle_legal', 'lifecycle', k.cpu.id, `vmap_area#${va.id}: ${va.life.rejection(VA_EV.KFREE)}`, 'rcu_free_va');
}

const FR = sites('__free_vmap_area', {
  bug: 'BUG_ON(RB_EMPTY_NODE(&va->rb_node))',
  erase: 'rb_erase(&va->rb_node, &vmap_area_root); RB_CLEAR_NODE(&va->rb_node); list_del_rcu(&va->list)',
  call_rcu: 'call_rcu(&va->rcu_head, rcu_free_va)',
});

/** `__free_vmap_area(va)`: caller holds vmap_area_lock. */
export const __free_vmap_area = kfn('__free_vmap_area', function* (k: K, va: VmapArea): Gen {
  const g = G(k);
  yield FR.erase;
  BUG_ON(k, RB_EMPTY_NODE(va), FR.bug, 'RB_EMPTY_NODE(&va->rb_node)');
  rb_erase(va, g.vmap_area_root);
  RB_CLEAR_NODE(va);
  list_del_rcu(k, FR.erase, va.list);
  vaEvent(k, va, VA_EV.ERASE, FR.erase);
  yield FR.call_rcu;
  k.w.rcu.call_rcu(k, va.rcu_head, 'rcu_free_va', `rcu_free_va(vmap_area#${va.id})`, () => rcu_free_va(k, va));
});

const FV = sites('free_vmap_area', { lock: 'spin_lock(&vmap_area_lock)', unlock: 'spin_unlock(&vmap_area_lock)' });

/** Free a region of KVA allocated by alloc_vmap_area. */
export const free_vmap_area = kfn('free_vmap_area', function* (k: K, va: VmapArea): Gen {
  const g = G(k);
  yield* spin_lock(k, g.vmap_area_lock, FV.lock);
  yield* __free_vmap_area(k, va);
  yield* spin_unlock(k, g.vmap_area_lock, FV.unlock);
});

/** Clear the pagetable entries of a given vmap_area. */
export const unmap_vmap_area = kfn('unmap_vmap_area', function* (k: K, va: VmapArea): Gen {
  yield* vunmap_page_range(k, va.va_start, va.va_end);
});
