/**
 * Lazy TLB flushing of the rewrite: lazy_max_pages, vmap_lazy_nr, __purge_vmap_area_lazy
 * in its modes (trylock / sync / force_flush), purge_vmap_area_lazy, free_unmap_vmap_area,
 * find_vmap_area, free_unmap_vmap_area_addr.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { atomic_add, atomic_read, atomic_sub } from '../../kernel/atomic';
import { fls } from '../../kernel/bitops';
import { ListHead, list_add_tail, list_next } from '../../kernel/list';
import { flush_tlb_kernel_range } from '../../kernel/mm';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_trylock, spin_unlock } from '../../kernel/spinlock';
import { VA_EV } from '../../lifecycles/vmap_area';
import { G, type Ref } from './state';
import type { LazyFreeSites } from './types';

/** The lazy-free sites, declared in types.ts (the fix-point table names them); re-exported. */
export type { LazyFreeSites } from './types';
import { VM_LAZY_FREE, VM_LAZY_FREEING, __find_vmap_area, __free_vmap_area, unmap_vmap_area, vaEvent, type VmapArea } from './vmap_area';

/** lazy_max_pages: fls(num_online_cpus()) * (32MB / PAGE_SIZE) (the 32MB is a layout input). */
export function lazy_max_pages(k: K): bigint {
  const log = fls(k.w.cpus.length);
  return k.w.word.mul(BigInt(log), k.w.layout.LAZY_BYTES_PER_LOG / G(k).c.PAGE_SIZE);
}

const P = sites('__purge_vmap_area_lazy', {
  trylock: 'if (!spin_trylock(&purge_lock)) return',
  lock: 'spin_lock(&purge_lock)',
  walk: 'list_for_each_entry_rcu(va, &vmap_area_list, list)',
  test: 'if (va->flags & VM_LAZY_FREE)',
  add: 'list_add_tail(&va->purge_list, &valist)',
  freeing: 'va->flags |= VM_LAZY_FREEING',
  clear: 'va->flags &= ~VM_LAZY_FREE',
  read: 'BUG_ON(nr > atomic_read(&vmap_lazy_nr))',
  sub: 'atomic_sub(nr, &vmap_lazy_nr)',
  flush: 'flush_tlb_kernel_range(*start, *end)',
  alock: 'spin_lock(&vmap_area_lock)',
  free: 'list_for_each_entry(va, &valist, purge_list) __free_vmap_area(va)',
  aunlock: 'spin_unlock(&vmap_area_lock)',
  unlock: 'spin_unlock(&purge_lock)',
});

/**
 * Purges all lazily-freed vmap areas. sync=0 and force_flush=0: give up if a purge is in
 * progress (trylock). force_flush: flush [*start, *end) even if nothing was found.
 */
export const __purge_vmap_area_lazy = kfn('__purge_vmap_area_lazy', function* (k: K, start: Ref, end: Ref, sync: number, force_flush: number): Gen {
  const g = G(k);
  const valist = new ListHead(null, 'valist');
  let nr = 0;
  if (!sync && !force_flush) {
    if (!(yield* spin_trylock(k, g.purge_lock, P.trylock))) {
      k.w.note('F7'); // ghost: this purge gave up because another is running
      return;
    }
  } else yield* spin_lock(k, g.purge_lock, P.lock);
  // fix point (F16): 2.6.33 calls purge_fragmented_blocks_allcpus() here, under purge_lock
  if (sync) yield* g.fn.purge_fragmented_blocks_allcpus(k);
  k.w.metrics.purges++;
  rcu_read_lock(k);
  for (let p = yield* list_next(k, P.walk, g.vmap_area_list); p !== g.vmap_area_list; p = yield* list_next(k, P.walk, p)) {
    const va = p.owner as VmapArea;
    yield P.test;
    if (va.flags & VM_LAZY_FREE) {
      if (va.va_start < start.v) start.v = va.va_start;
      if (va.va_end > end.v) end.v = va.va_end;
      nr = (nr + Number((va.va_end - va.va_start) >> BigInt(g.c.PAGE_SHIFT))) | 0;
      yield* unmap_vmap_area(k, va);
      yield P.add;
      list_add_tail(k, P.add, va.purge_list, valist);
      yield P.freeing;
      va.flags |= VM_LAZY_FREEING;
      yield P.clear;
      va.flags &= ~VM_LAZY_FREE;
      vaEvent(k, va, VA_EV.PURGE, P.clear);
    }
  }
  rcu_read_unlock(k);
  if (nr) {
    BUG_ON(k, nr > (yield* atomic_read(k, g.vmap_lazy_nr, P.read)), P.read, 'nr > atomic_read(&vmap_lazy_nr)');
    yield* atomic_sub(k, g.vmap_lazy_nr, nr, P.sub);
    k.w.reach('purge_happened');
  }
  if (nr || force_flush) yield* flush_tlb_kernel_range(k, start.v, end.v, P.flush);
  if (nr) yield* g.fn.__purge_vmap_area_lazy_free(k, valist);
  yield* spin_unlock(k, g.purge_lock, P.unlock);
});

/**
 * Fix point: __purge_vmap_area_lazy's closing `spin_lock(&vmap_area_lock);
 * list_for_each_entry(va, &valist, purge_list) __free_vmap_area(va); spin_unlock(...)`
 * (2008 v2).
 */
export function* __purge_vmap_area_lazy_free(k: K, valist: ListHead): Gen {
  const g = G(k);
  yield* spin_lock(k, g.vmap_area_lock, P.alock);
  for (let p = valist.next as ListHead; p !== valist; p = p.next as ListHead) {
    yield P.free;
    yield* __free_vmap_area(k, p.owner as VmapArea);
  }
  yield* spin_unlock(k, g.vmap_area_lock, P.aunlock);
}

/** Kick off a purge of the outstanding lazy areas (trylock mode). */
export const purge_vmap_area_lazy = kfn('purge_vmap_area_lazy', function* (k: K): Gen {
  const start: Ref = { v: k.w.word.max };
  const end: Ref = { v: 0n };
  yield* G(k).fn.__purge_vmap_area_lazy(k, start, end, 0, 0);
});

/**
 * Fix point: the purge the free path kicks off once vmap_lazy_nr passes lazy_max_pages()
 * (2008: `purge_vmap_area_lazy()`, the trylock purge; this is that same function). The
 * F7 fix makes purge_vmap_area_lazy, which alloc_vmap_area's retry calls, synchronous and
 * leaves this entry as the trylock one, as 2.6.28's try_purge_vmap_area_lazy().
 */
export const try_purge_vmap_area_lazy = purge_vmap_area_lazy;

const FU = sites('free_unmap_vmap_area', {
  flag: 'va->flags |= VM_LAZY_FREE',
  add: 'atomic_add((va->va_end - va->va_start) >> PAGE_SHIFT, &vmap_lazy_nr)',
  read: 'if (unlikely(atomic_read(&vmap_lazy_nr) > lazy_max_pages()))',
});

/** Free and unmap a vmap area: lazily; purge when the lazy total passes lazy_max_pages(). */
export const free_unmap_vmap_area = kfn('free_unmap_vmap_area', function* (k: K, va: VmapArea): Gen {
  const g = G(k);
  yield* g.fn.free_unmap_vmap_area_lazy(k, va, FU);
  k.w.metrics.lazyPeak = Math.max(k.w.metrics.lazyPeak, g.vmap_lazy_nr.value);
  // int vs unsigned long: a negative vmap_lazy_nr converts to a huge unsigned value.
  if (k.w.word.u(yield* atomic_read(k, g.vmap_lazy_nr, FU.read)) > g.fn.lazy_max_pages(k)) yield* g.fn.try_purge_vmap_area_lazy(k);
});

/**
 * Fix point: free_unmap_vmap_area's first two statements, which publish `va` to the purge
 * and count its pages (2008, in this order: `va->flags |= VM_LAZY_FREE;` then
 * `atomic_add((va->va_end - va->va_start) >> PAGE_SHIFT, &vmap_lazy_nr);` — a purge in
 * between counts pages not yet added: F8). `s` are the calling copy's sites.
 */
export function* free_unmap_vmap_area_lazy(k: K, va: VmapArea, s: LazyFreeSites): Gen {
  const g = G(k);
  yield s.flag;
  va.flags |= VM_LAZY_FREE;
  vaEvent(k, va, VA_EV.LAZY_FREE, s.flag);
  releasePages(k, va.va_start, va.va_end);
  yield* atomic_add(k, g.vmap_lazy_nr, (va.va_end - va.va_start) >> BigInt(g.c.PAGE_SHIFT), s.add);
}

/** Ghost: the user has released [start, end): tell the alias tracker. */
export function releasePages(k: K, start: bigint, end: bigint): void {
  const mm = k.w.mm;
  for (let v = mm.vpn(start), e = mm.vpn(end); v < e; v++) mm.alias.release(v, k.w.stepNo);
}

const FI = sites('find_vmap_area', { lock: 'spin_lock(&vmap_area_lock)', unlock: 'spin_unlock(&vmap_area_lock)' });

/** `find_vmap_area(addr)` */
export const find_vmap_area = kfn('find_vmap_area', function* (k: K, addr: bigint): Gen<VmapArea | null> {
  const g = G(k);
  yield* spin_lock(k, g.vmap_area_lock, FI.lock);
  const va = yield* __find_vmap_area(k, addr);
  yield* spin_unlock(k, g.vmap_area_lock, FI.unlock);
  return va;
});

const FA = sites('free_unmap_vmap_area_addr', { bug: 'BUG_ON(!va)' });

/** `free_unmap_vmap_area_addr(addr)` */
export const free_unmap_vmap_area_addr = kfn('free_unmap_vmap_area_addr', function* (k: K, addr: bigint): Gen {
  const g = G(k);
  const va = yield* g.fn.find_vmap_area(k, addr);
  BUG_ON(k, va === null, FA.bug, '!va');
  yield* g.fn.free_unmap_vmap_area(k, va!);
});
