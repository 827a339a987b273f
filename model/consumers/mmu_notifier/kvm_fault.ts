/**
 * The KVM-style secondary MMU's fault path (arch/x86/kvm/mmu.c tdp_page_fault, 2.6.27) and
 * its hardware: gfn_to_pfn (get_user_pages), then under kvm->mmu_lock install the spte
 * unless an invalidation is in the way — in 'kvm-counter' while mmu_notifier_count is
 * non-zero (the seed's rule), in 'kvm-seq' also when mmu_notifier_seq moved since before
 * gfn_to_pfn (mmu_notifier_retry) — then release the page reference. A refused fault
 * returns and the guest faults again: the model blocks the retrying vcpu until the count it
 * waits on is zero instead of spinning (like a lock wait). The guest's TLB is refilled by
 * hardware from a present spte.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { mnOf } from './state';
import { get_user_pages } from './gup';

const F = sites('tdp_page_fault', {
  seq: 'mmu_seq = vcpu->kvm->mmu_notifier_seq; smp_rmb()',
  lock: 'spin_lock(&vcpu->kvm->mmu_lock)',
  count: 'if (vcpu->kvm->mmu_notifier_count) goto out_unlock',
  retry: 'if (mmu_notifier_retry(vcpu, mmu_seq)) goto out_unlock',
  map: '__direct_map(vcpu, gpa, write, largepage, gfn, pfn, level): set the spte',
  release: 'kvm_release_pfn_clean(pfn)',
  unlock: 'spin_unlock(&vcpu->kvm->mmu_lock)',
  again: 'return 0: the guest re-executes and faults again',
});
const H = sites('(guest hardware)', { walk: 'secondary TLB miss: walk the sptes and refill the TLB' });

/** One guest access at `vpn` that faults: retried until the spte is installed. */
export function* tdp_page_fault(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  const kvm = s.kvm;
  for (;;) {
    let mmu_seq = 0;
    if (s.cfg.secondary === 'kvm-seq') {
      yield F.seq;
      mmu_seq = kvm.mmu_notifier_seq;
    }
    const pfn = yield* get_user_pages(k, vpn);
    yield* spin_lock(k, kvm.mmu_lock, F.lock);
    let retry: boolean;
    if (s.cfg.secondary === 'kvm-seq') {
      yield F.retry;
      retry = kvm.mmu_notifier_count !== 0 || kvm.mmu_notifier_seq !== mmu_seq;
    } else {
      yield F.count;
      retry = kvm.mmu_notifier_count !== 0;
    }
    if (!retry) {
      yield F.map;
      kvm.sptes.set(vpn, { pfn, gen: s.page(pfn)?.gen ?? 0, young: true });
      s.installs.push({ vpn, step: k.w.stepNo, cpu: k.cpu.id, what: 'spte' }); // ghost
    }
    yield F.release;
    const page = s.page(pfn);
    if (page) s.putPage(page);
    yield* spin_unlock(k, kvm.mmu_lock, F.unlock);
    if (!retry) return;
    s.retry.set(k.ctx, () => kvm.mmu_notifier_count === 0);
    yield F.again;
    s.retry.delete(k.ctx);
  }
}

/** A guest access at `vpn`: TLB hit, else hardware refill from the spte, else the fault path. */
export function* kvm_guest_access(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  yield H.walk;
  const t = s.kvm.tlb.get(vpn);
  if (t) {
    t.young = true;
    return;
  }
  const sp = s.kvm.sptes.get(vpn);
  if (sp) {
    sp.young = true;
    s.kvm.tlb.set(vpn, { pfn: sp.pfn, gen: sp.gen, young: true });
    s.installs.push({ vpn, step: k.w.stepNo, cpu: k.cpu.id, what: 'secondary TLB refill' }); // ghost
    return;
  }
  yield* tdp_page_fault(k, vpn);
}
