/**
 * The KVM-style secondary MMU's notifier callbacks (virt/kvm/kvm_main.c as merged with the
 * notifier, e930bffe): sptes and the guest TLB under kvm->mmu_lock. In 'kvm-counter' the
 * callbacks keep only mmu_notifier_count (the seed's rule); 'kvm-seq' also bumps
 * mmu_notifier_seq in invalidate_page and invalidate_range_end (KVM's fix).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { mnOf } from './state';

const P = sites('kvm_mmu_notifier_invalidate_page', {
  lock: 'spin_lock(&kvm->mmu_lock)',
  seq: 'kvm->mmu_notifier_seq++',
  unmap: 'need_tlb_flush = kvm_unmap_hva(kvm, address)',
  unlock: 'spin_unlock(&kvm->mmu_lock)',
});
const RS = sites('kvm_mmu_notifier_invalidate_range_start', {
  lock: 'spin_lock(&kvm->mmu_lock)',
  count: 'kvm->mmu_notifier_count++',
  unmap: 'for (; start < end; start += PAGE_SIZE) need_tlb_flush |= kvm_unmap_hva(kvm, start)',
  unlock: 'spin_unlock(&kvm->mmu_lock)',
});
const RE = sites('kvm_mmu_notifier_invalidate_range_end', {
  lock: 'spin_lock(&kvm->mmu_lock)',
  seq: 'kvm->mmu_notifier_seq++',
  count: 'kvm->mmu_notifier_count--',
  unlock: 'spin_unlock(&kvm->mmu_lock)',
  bug: 'BUG_ON(kvm->mmu_notifier_count < 0)',
});
const Y = sites('kvm_mmu_notifier_clear_flush_young', {
  lock: 'spin_lock(&kvm->mmu_lock)',
  age: 'young = kvm_age_hva(kvm, address)',
  unlock: 'spin_unlock(&kvm->mmu_lock)',
});
const T = sites('kvm_flush_remote_tlbs', { req: 'make_all_cpus_request(kvm, KVM_REQ_TLB_FLUSH)' });

/** `kvm_flush_remote_tlbs(kvm)`: every vcpu drops its TLB before the request returns. */
export function* kvm_flush_remote_tlbs(k: K): Gen {
  yield T.req;
  mnOf(k.w).kvm.tlb.clear();
}

/** `kvm_unmap_hva(kvm, hva)`: zap the spte of this address (rmap walk); true if one was present. */
function kvm_unmap_hva(k: K, vpn: number): boolean {
  return mnOf(k.w).kvm.sptes.delete(vpn);
}

/** `->invalidate_page` */
export function* kvm_invalidate_page(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.kvm.mmu_lock, P.lock);
  if (s.cfg.secondary === 'kvm-seq') {
    yield P.seq;
    s.kvm.mmu_notifier_seq++;
  }
  yield P.unmap;
  const flush = kvm_unmap_hva(k, vpn);
  yield* spin_unlock(k, s.kvm.mmu_lock, P.unlock);
  if (flush) yield* kvm_flush_remote_tlbs(k);
}

/** `->invalidate_range_start` */
export function* kvm_invalidate_range_start(k: K, start: number, end: number): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.kvm.mmu_lock, RS.lock);
  yield RS.count;
  s.kvm.mmu_notifier_count++;
  let flush = false;
  for (let v = start; v < end; v++) {
    yield RS.unmap;
    flush = kvm_unmap_hva(k, v) || flush;
  }
  yield* spin_unlock(k, s.kvm.mmu_lock, RS.unlock);
  if (flush) yield* kvm_flush_remote_tlbs(k);
}

/** `->invalidate_range_end` */
export function* kvm_invalidate_range_end(k: K): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.kvm.mmu_lock, RE.lock);
  if (s.cfg.secondary === 'kvm-seq') {
    yield RE.seq;
    s.kvm.mmu_notifier_seq++;
  }
  yield RE.count;
  s.kvm.mmu_notifier_count--;
  yield* spin_unlock(k, s.kvm.mmu_lock, RE.unlock);
  BUG_ON(k, s.kvm.mmu_notifier_count < 0, RE.bug, 'kvm->mmu_notifier_count < 0');
}

/** `->clear_flush_young`: test and clear the spte's accessed bit. */
export function* kvm_clear_flush_young(k: K, vpn: number): Gen<boolean> {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.kvm.mmu_lock, Y.lock);
  yield Y.age;
  const sp = s.kvm.sptes.get(vpn);
  const young = sp?.young ?? false;
  if (sp) sp.young = false;
  yield* spin_unlock(k, s.kvm.mmu_lock, Y.unlock);
  if (young) yield* kvm_flush_remote_tlbs(k);
  return young;
}
