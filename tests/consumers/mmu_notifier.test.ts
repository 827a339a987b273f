/**
 * The MMU-notifier consumer (seed 003): each property fails on a concrete scenario and holds
 * on a correct one — the KVM-style secondary with the seed's counter rule against KVM's
 * sequence-count fix, the GRU-style secondary, xip_sparse_page() as posted against a version
 * without its re-check, xip_file_fault's BUG_ON(err) against the later -EBUSY tolerance — and
 * the audit entry point with replayable counterexamples.
 */
import { describe, it, expect } from 'vitest';
import { runMn, type MnScenario } from '../../model/consumers/mmu_notifier/run';
import type { MnConfig } from '../../model/consumers/mmu_notifier/state';
import { mnChecks } from '../../properties/consumers/mmu_notifier';
import { auditMmuNotifier, MN_VERSIONS, replayMn } from '../../explore/consumers/mmu_notifier';

const run = (scn: MnScenario, cfg: MnConfig) => runMn(scn, cfg, mnChecks());
const props = (scn: MnScenario, cfg: MnConfig): string[] => run(scn, cfg).world.violations.map((v) => v.property);
const V = MN_VERSIONS as Record<string, MnConfig>;

/** The guest faults vpn 0 in (gfn_to_pfn) while reclaim unmaps it; the spte is installed after invalidate_page. */
const KVM_VS_RECLAIM: MnScenario = {
  programs: [[{ id: 1, op: 'register' }, { id: 6, op: 'reclaim', vpn: 0 }], [{ id: 7, op: 'saccess', vpn: 0, after: 1 }]],
  schedule: [{ t: 'run', cpu: 0, n: 10 }, { t: 'run', cpu: 1, n: 15 }, { t: 'run', cpu: 0, n: 1 }],
  blocks: [],
};
/** A GRU miss passes the ms_range_active check and reads the PTE before madvise's range opens, and drops in while it is open. */
const GRU_VS_MADVISE: MnScenario = {
  programs: [[{ id: 1, op: 'register' }, { id: 5, op: 'saccess', vpn: 0, after: 1 }], [{ id: 2, op: 'fault', vpn: 0 }, { id: 4, op: 'zap', vpn: 0, n: 1 }]],
  schedule: [{ t: 'run', cpu: 0, n: 30 }, { t: 'run', cpu: 1, n: 10 }, { t: 'run', cpu: 0, n: 1 }],
  blocks: [],
};
/** Two first uses of the sparse page on two CPUs. */
const SPARSE_FIRST_USE: MnScenario = {
  programs: [[{ id: 1, op: 'register' }, { id: 3, op: 'fault', vpn: 8 }], [{ id: 4, op: 'saccess', vpn: 13, after: 1 }]],
  schedule: [{ t: 'run', cpu: 0, n: 14 }, { t: 'run', cpu: 1, n: 1 }],
  blocks: [],
};
/** Two threads fault the same XIP address whose block exists. */
const XIP_SAME_ADDRESS: MnScenario = {
  programs: [[{ id: 1, op: 'register' }, { id: 3, op: 'fault', vpn: 8 }], [{ id: 2, op: 'fault', vpn: 8 }]],
  schedule: [{ t: 'run', cpu: 0, n: 13 }, { t: 'run', cpu: 1, n: 1 }],
  blocks: [0],
};

describe('mn_no_free_while_secondary_mapped', () => {
  it('fails with the counter rule alone: the page is freed while the spte maps it', () => {
    const r = run(KVM_VS_RECLAIM, V['kvm-counter']!);
    expect(r.world.violations.map((v) => v.property)).toEqual(['mn_no_free_while_secondary_mapped']);
    expect(r.world.violations[0]!.splat.message).toMatch(/freed while the KVM spte of vpn 0/);
  });
  it('holds with mmu_notifier_seq: invalidate_page moved the sequence, so the fault retries', () => {
    const r = run(KVM_VS_RECLAIM, V['kvm-seq']!);
    expect(r.world.violations).toEqual([]);
    expect(r.ending).toBe('done');
  });
  it('fails on the GRU-style secondary: the dropin lands after the range and the page is freed', () => {
    expect(props(GRU_VS_MADVISE, V['gru-counter']!)).toContain('mn_no_free_while_secondary_mapped');
  });
});

describe('mn_no_secondary_map_in_open_range', () => {
  it('fails on the GRU-style secondary', () => {
    const v = run(GRU_VS_MADVISE, V['gru-counter']!).world.violations.find((x) => x.property === 'mn_no_secondary_map_in_open_range');
    expect(v?.splat.message).toMatch(/GRU TLB dropin for vpn 0 established while cpu1's invalidate range \[0, 1\) is open/);
  });
  it('holds on the KVM-style secondary, which checks the count under mmu_lock', () => {
    expect(props(GRU_VS_MADVISE, V['kvm-counter']!)).toEqual([]);
    expect(props(GRU_VS_MADVISE, V['kvm-seq']!)).toEqual([]);
  });
});

describe('xip_sparse_single', () => {
  it('fails without the re-check under xip_alloc_lock: a page leaks, callers see two', () => {
    const msgs = run(SPARSE_FIRST_USE, V['kvm-seq+xip-without-recheck']!).world.violations.filter((v) => v.property === 'xip_sparse_single').map((v) => v.splat.message);
    expect(msgs.some((m) => /leaked/.test(m))).toBe(true);
    expect(msgs.some((m) => /2 different sparse pages/.test(m))).toBe(true);
  });
  it('holds as posted: the loser frees its page', () => {
    const r = run(SPARSE_FIRST_USE, V['kvm-seq']!);
    expect(r.world.violations).toEqual([]);
    expect(r.mn.sparseAllocated.length).toBe(2);
    expect(r.mn.sparseAllocated.filter((p) => p.freed).length).toBe(1);
  });
});

/** A read fault maps the sparse page at pgoff 0 of xip1 while a write fills that hole and runs __xip_unmap. */
const FAULT_VS_WRITE: MnScenario = {
  programs: [[{ id: 1, op: 'register' }, { id: 5, op: 'fault', vpn: 12 }], [{ id: 7, op: 'xip_write', pgoff: 0 }]],
  schedule: [{ t: 'run', cpu: 0, n: 18 }, { t: 'run', cpu: 1, n: 1 }],
  blocks: [],
};

describe('xip_no_sparse_after_fill', () => {
  it('fails as posted: __xip_unmap walks before the fault installs the sparse page', () => {
    const v = run(FAULT_VS_WRITE, V['kvm-seq']!).world.violations;
    expect(v.map((x) => x.property)).toEqual(['xip_no_sparse_after_fill']);
    expect(v[0]!.splat.message).toMatch(/vpn 12 \(xip1, pgoff 0\) has a block now, but its PTE still maps the sparse page/);
  });
  it('holds with later filemap_xip.c\'s xip_sparse_seq and xip_sparse_mutex', () => {
    const r = run(FAULT_VS_WRITE, V['kvm-seq+xip-sparse-seq-fixed']!);
    expect(r.world.violations).toEqual([]);
    expect(r.mn.blocks.has(0)).toBe(true);
  });
});

describe('__xip_unmap and the fault path', () => {
  it('the secondary mapping of the sparse page is dropped by ptep_clear_flush_notify when a write fills the hole', () => {
    const scn: MnScenario = { programs: [[{ id: 1, op: 'register' }, { id: 2, op: 'saccess', vpn: 8, after: 1 }, { id: 3, op: 'xip_write', pgoff: 0 }]], schedule: [], blocks: [] };
    const r = run(scn, V['kvm-seq']!);
    expect(r.world.violations).toEqual([]);
    expect(r.mn.kvm.sptes.has(8)).toBe(false);
    expect(r.mn.pte.has(8)).toBe(false);
  });
  it('as posted, two faults on one XIP address BUG in xip_file_fault (vm_insert_mixed -EBUSY)', () => {
    const r = run(XIP_SAME_ADDRESS, V['kvm-seq']!);
    expect(r.ending).toBe('panic');
    expect(r.world.violations[0]!.splat.message).toMatch(/BUG_ON\(err \(vm_insert_mixed returned -16\)\)/);
  });
  it('with -EBUSY tolerated, the second fault just finds the PTE', () => {
    expect(props(XIP_SAME_ADDRESS, V['kvm-seq+xip-ebusy-fixed']!)).toEqual([]);
  });
});

describe('auditMmuNotifier', () => {
  const a = auditMmuNotifier({ runsScale: 0.25 });
  const by = Object.fromEntries(a.versions.map((v) => [v.version, v]));
  it('gives the verdicts per version', () => {
    expect(by['kvm-seq']!.holds).toMatchObject({ mn_no_free_while_secondary_mapped: true, mn_no_secondary_map_in_open_range: true, xip_sparse_single: true, no_bug: false });
    expect(by['kvm-counter']!.holds.mn_no_free_while_secondary_mapped).toBe(false);
    expect(by['gru-counter']!.holds.mn_no_free_while_secondary_mapped).toBe(false);
    expect(by['kvm-seq+xip-without-recheck']!.holds.xip_sparse_single).toBe(false);
    expect(by['kvm-seq+xip-ebusy-fixed']!.holds).toMatchObject({ xip_no_sparse_after_fill: false, no_bug: true });
    expect(by['kvm-seq']!.holds.xip_no_sparse_after_fill).toBe(false);
    expect(Object.values(by['kvm-seq+xip-sparse-seq-fixed']!.holds).every((h) => h)).toBe(true);
  });
  it('gives one counterexample per violated property, and each replays', () => {
    for (const v of a.versions) {
      expect(v.counterexamples.map((c) => c.property).sort()).toEqual(Object.entries(v.holds).filter(([, h]) => !h).map(([p]) => p).sort());
      for (const c of v.counterexamples) expect(replayMn(c.scenario as MnScenario, c.version).world.violations.map((x) => x.property)).toContain(c.property);
    }
  });
});
