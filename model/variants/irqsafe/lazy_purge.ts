/**
 * irqsafe: __purge_vmap_area_lazy, purge_work_fn / DECLARE_WORK(purge_work),
 * free_unmap_vmap_area and find_vmap_area with the 2008-08-20 incremental patch applied to
 * rewrite-v2/lazy_purge.ts. Nothing else changed.
 *
 * Hunks:
 *   @@ -456,6 +459,8 @@  __purge_vmap_area_lazy: BUG_ON(in_interrupt()) first
 *   @@ -492,10 +497,10 @@ __purge_vmap_area_lazy: spin_lock_irq / spin_unlock_irq(&vmap_area_lock)
 *                         around the __free_vmap_area loop (purge_lock stays plain)
 *   @@ -510,6 +515,13 @@ purge_work_fn; static DECLARE_WORK(purge_work, purge_work_fn)
 *   @@ -517,17 +529,22 @@ free_unmap_vmap_area: purge if !in_interrupt(), else
 *                         schedule_work(&purge_work); find_vmap_area: irqsave / irqrestore
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { atomic_read, atomic_sub } from '../../kernel/atomic';
import { in_interrupt } from '../../kernel/irq';
import { ListHead, list_add_tail, list_next } from '../../kernel/list';
import { flush_tlb_kernel_range } from '../../kernel/mm';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_lock_irq, spin_lock_irqsave, spin_trylock, spin_unlock, spin_unlock_irq, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { VA_EV } from '../../lifecycles/vmap_area';
import { G, type Ref } from '../rewrite-v2/state';
import { VM_LAZY_FREE, VM_LAZY_FREEING, __find_vmap_area, __free_vmap_area, unmap_vmap_area, vaEvent, type VmapArea } from '../rewrite-v2/vmap_area';
import { DECLARE_WORK, schedule_work } from './workqueue';

const P = sites('__purge_vmap_area_lazy', {
  bug: 'BUG_ON(in_interrupt())',
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
  alock: 'spin_lock_irq(&vmap_area_lock)',
  free: 'list_for_each_entry(va, &valist, purge_list) __free_vmap_area(va)',
  aunlock: 'spin_unlock_irq(&vmap_area_lock)',
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
  BUG_ON(k, in_interrupt(k), P.bug, 'in_interrupt()');
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
 * (irqsafe as posted: spin_lock_irq / spin_unlock_irq, F15).
 */
export function* __purge_vmap_area_lazy_free(k: K, valist: ListHead): Gen {
  const g = G(k);
  yield* spin_lock_irq(k, g.vmap_area_lock, P.alock);
  for (let p = valist.next as ListHead; p !== valist; p = p.next as ListHead) {
    yield P.free;
    yield* __free_vmap_area(k, p.owner as VmapArea);
  }
  yield* spin_unlock_irq(k, g.vmap_area_lock, P.aunlock);
}

/** `purge_work_fn(w)`: the work item's function, run by keventd in process context. */
export const purge_work_fn = kfn('purge_work_fn', function* (k: K): Gen {
  yield* G(k).fn.try_purge_vmap_area_lazy(k);
});

/** `static DECLARE_WORK(purge_work, purge_work_fn)`; its pending bit is `Rw.purge_work_pending`. */
export const purge_work = DECLARE_WORK('purge_work', purge_work_fn, 'purge_work_pending');

const FU = sites('free_unmap_vmap_area', {
  flag: 'va->flags |= VM_LAZY_FREE',
  add: 'atomic_add((va->va_end - va->va_start) >> PAGE_SHIFT, &vmap_lazy_nr)',
  read: 'if (unlikely(atomic_read(&vmap_lazy_nr) > lazy_max_pages()))',
  schedule: 'schedule_work(&purge_work)',
});

/**
 * Free and unmap a vmap area: lazily; past lazy_max_pages() purge now in process context,
 * or leave the purge to keventd (schedule_work) in interrupt context.
 */
export const free_unmap_vmap_area = kfn('free_unmap_vmap_area', function* (k: K, va: VmapArea): Gen {
  const g = G(k);
  yield* g.fn.free_unmap_vmap_area_lazy(k, va, FU);
  k.w.metrics.lazyPeak = Math.max(k.w.metrics.lazyPeak, g.vmap_lazy_nr.value);
  // int vs unsigned long: a negative vmap_lazy_nr converts to a huge unsigned value.
  if (k.w.word.u(yield* atomic_read(k, g.vmap_lazy_nr, FU.read)) > g.fn.lazy_max_pages(k)) {
    if (g.fn.free_unmap_purge_now(k)) yield* g.fn.try_purge_vmap_area_lazy(k);
    else yield* schedule_work(k, purge_work, FU.schedule);
  }
});

/**
 * Fix point: irqsafe's free_unmap_vmap_area decides to purge now or defer to keventd
 * (as posted: `if (!in_interrupt())` — a caller with irqs disabled in process context purges,
 * and the purge's TLB flush IPIs with irqs off; F17).
 */
export function free_unmap_purge_now(k: K): boolean {
  return !in_interrupt(k);
}

const FI = sites('find_vmap_area', {
  lock: 'spin_lock_irqsave(&vmap_area_lock, flags)',
  unlock: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
});

/** `find_vmap_area(addr)` */
export const find_vmap_area = kfn('find_vmap_area', function* (k: K, addr: bigint): Gen<VmapArea | null> {
  const g = G(k);
  const flags = yield* spin_lock_irqsave(k, g.vmap_area_lock, FI.lock);
  const va = yield* __find_vmap_area(k, addr);
  yield* spin_unlock_irqrestore(k, g.vmap_area_lock, flags, FI.unlock);
  return va;
});
