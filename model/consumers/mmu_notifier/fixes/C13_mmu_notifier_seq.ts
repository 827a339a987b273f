/**
 * C13 fix: the KVM-style secondary reads mmu_notifier_seq before gfn_to_pfn and installs the
 * spte only if mmu_notifier_retry() says no invalidate ran since — KVM's merged code
 * (e930bffe, "KVM: Synchronize guest physical memory map to host virtual memory map",
 * Andrea Arcangeli, 2008), outside seed 003, which states the rule as a counter only:
 *
 *   kvm_mmu_page_fault / tdp_page_fault:
 *   +	mmu_seq = vcpu->kvm->mmu_notifier_seq;
 *   +	smp_rmb();
 *   	pfn = gfn_to_pfn(vcpu->kvm, gfn);
 *   	spin_lock(&vcpu->kvm->mmu_lock);
 *   -	if (vcpu->kvm->mmu_notifier_count)
 *   +	if (mmu_notifier_retry(vcpu, mmu_seq))
 *   		goto out_unlock;
 *   kvm_mmu_notifier_invalidate_page / _range_end:
 *   +	kvm->mmu_notifier_seq++;
 *
 * The port of both is kvm.ts/kvm_fault.ts (secondary 'kvm-seq'); the fix switches to it.
 */
import type { ConsumerFix } from '../../fix';
import type { MnConfig } from '../state';
import type { MnScenario } from '../types';

/** C13: the counter-only rule of the seed. */
export const C13: ConsumerFix<MnConfig, MnScenario> = {
  id: 'C13',
  consumer: 'mmu_notifier',
  kind: 'defect',
  title:
    "the secondary's fault path as seed 003 states the rule (no spte while mmu_notifier_count, the open invalidate ranges, is non-zero, checked under mmu_lock) misses a page whose pfn gfn_to_pfn took before an invalidate_page (reclaim) or before a range that opened and closed: the count is 0 again at install time, the spte maps the page, and the page is freed when the fault drops its reference",
  fix: 'mmu_notifier_seq read before gfn_to_pfn and mmu_notifier_retry at install (KVM e930bffe)',
  experiment: (cfg, scn) => (cfg.secondary === 'kvm-counter' ? { cfg: { ...cfg, secondary: 'kvm-seq' }, scn } : null),
};
