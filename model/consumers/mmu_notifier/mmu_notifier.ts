/**
 * mm/mmu_notifier.c and include/linux/mmu_notifier.h of seed 003's "mmu-notifiers: core":
 * registration under mmap_sem and mm_take_all_locks, the RCU walk of the notifier list for
 * each event, and the _notify wrappers the primary MM calls. The seed's commit text calls the
 * range pair "range_begin/end"; the code's names are invalidate_range_start/_end.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_unlock, write_lock, write_unlock } from '../../kernel/spinlock';
import { flush_tlb_kernel_range } from '../../kernel/mm';
import { mnOf } from './state';
import { kvm_clear_flush_young, kvm_invalidate_page, kvm_invalidate_range_end, kvm_invalidate_range_start } from './kvm';
import { gru_invalidate_page, gru_invalidate_range_end, gru_invalidate_range_start } from './gru';

const R = sites('do_mmu_notifier_register', {
  sem: 'down_write(&mm->mmap_sem)',
  take_i: 'mm_take_all_locks(mm): spin_lock(&mapping->i_mmap_lock)',
  take_a: 'mm_take_all_locks(mm): spin_lock(&anon_vma->lock)',
  lock: 'spin_lock(&mm->mmu_notifier_mm->lock)',
  add: 'hlist_add_head(&mn->hlist, &mm->mmu_notifier_mm->list)',
  unlock: 'spin_unlock(&mm->mmu_notifier_mm->lock)',
  drop_a: 'mm_drop_all_locks(mm): spin_unlock(&anon_vma->lock)',
  drop_i: 'mm_drop_all_locks(mm): spin_unlock(&mapping->i_mmap_lock)',
  up: 'up_write(&mm->mmap_sem)',
});
const W = sites('__mmu_notifier_*', { walk: 'rcu_read_lock(); hlist_for_each_entry_rcu(mn, n, &mm->mmu_notifier_mm->list, hlist)' });
const C = sites('ptep_clear_flush', {
  clear: 'pte = ptep_get_and_clear(mm, address, ptep)',
  flush: 'flush_tlb_page(vma, address)',
});

/** `mmu_notifier_register(mn, mm)` for the secondary of this run. */
export function* mmu_notifier_register(k: K, which: 'kvm' | 'gru'): Gen<number> {
  const s = mnOf(k.w);
  yield* write_lock(k, s.mmap_sem, R.sem);
  yield* spin_lock(k, s.i_mmap_lock, R.take_i);
  yield* spin_lock(k, s.anon_vma_lock, R.take_a);
  yield* spin_lock(k, s.notifier_lock, R.lock);
  yield R.add;
  s.notifiers.unshift(which);
  yield* spin_unlock(k, s.notifier_lock, R.unlock);
  yield* spin_unlock(k, s.anon_vma_lock, R.drop_a);
  yield* spin_unlock(k, s.i_mmap_lock, R.drop_i);
  yield* write_unlock(k, s.mmap_sem, R.up);
  return 0;
}

/** The notifiers on the list at the walk (one shared read), as hlist_for_each_entry_rcu sees them. */
function* walk(k: K): Gen<readonly ('kvm' | 'gru')[]> {
  rcu_read_lock(k);
  yield W.walk;
  return mnOf(k.w).notifiers.slice();
}

/** `mmu_notifier_invalidate_page(mm, address)` */
export function* mmu_notifier_invalidate_page(k: K, vpn: number): Gen {
  for (const mn of yield* walk(k)) {
    if (mn === 'kvm') yield* kvm_invalidate_page(k, vpn);
    else yield* gru_invalidate_page(k, vpn);
  }
  rcu_read_unlock(k);
}

/** `mmu_notifier_invalidate_range_start(mm, start, end)` */
export function* mmu_notifier_invalidate_range_start(k: K, start: number, end: number): Gen {
  for (const mn of yield* walk(k)) {
    if (mn === 'kvm') yield* kvm_invalidate_range_start(k, start, end);
    else yield* gru_invalidate_range_start(k, start, end);
  }
  rcu_read_unlock(k);
  mnOf(k.w).open.push({ start, end, cpu: k.cpu.id }); // ghost: the range is open
}

/** `mmu_notifier_invalidate_range_end(mm, start, end)` */
export function* mmu_notifier_invalidate_range_end(k: K, start: number, end: number): Gen {
  const s = mnOf(k.w);
  const i = s.open.findIndex((r) => r.start === start && r.end === end && r.cpu === k.cpu.id);
  if (i >= 0) s.open.splice(i, 1); // ghost: closed once end is called
  for (const mn of yield* walk(k)) {
    if (mn === 'kvm') yield* kvm_invalidate_range_end(k);
    else yield* gru_invalidate_range_end(k);
  }
  rcu_read_unlock(k);
}

/** `mmu_notifier_clear_flush_young(mm, address)` */
export function* mmu_notifier_clear_flush_young(k: K, vpn: number): Gen<boolean> {
  let young = false;
  for (const mn of yield* walk(k)) if (mn === 'kvm') young = (yield* kvm_clear_flush_young(k, vpn)) || young;
  rcu_read_unlock(k);
  return young;
}

/**
 * `ptep_clear_flush(vma, address, ptep)`: clear the user PTE, then flush_tlb_page. The model
 * does not keep primary TLB entries of the user mm (the properties are about secondary
 * MMUs); the flush is modelled by the kernel-range flush of mm.ts because it has the same
 * wait: it IPIs every other CPU and waits until each has taken it — a CPU with irqs off (a
 * GRU dropin) holds the flusher there.
 */
export function* ptep_clear_flush(k: K, vpn: number): Gen<number | undefined> {
  const s = mnOf(k.w);
  yield C.clear;
  const old = s.pte.get(vpn);
  s.pte.delete(vpn);
  const a = BigInt(vpn) << BigInt(k.w.layout.PAGE_SHIFT);
  yield* flush_tlb_kernel_range(k, a, a + (1n << BigInt(k.w.layout.PAGE_SHIFT)), C.flush);
  return old;
}

/** `ptep_clear_flush_notify(vma, address, ptep)`: ptep_clear_flush, then mmu_notifier_invalidate_page. */
export function* ptep_clear_flush_notify(k: K, vpn: number): Gen<number | undefined> {
  const old = yield* ptep_clear_flush(k, vpn);
  yield* mmu_notifier_invalidate_page(k, vpn);
  return old;
}

/** `ptep_clear_flush_young_notify(vma, address, ptep)`: the primary's accessed bit is not modelled (never young). */
export function* ptep_clear_flush_young_notify(k: K, vpn: number): Gen<boolean> {
  return yield* mmu_notifier_clear_flush_young(k, vpn);
}
