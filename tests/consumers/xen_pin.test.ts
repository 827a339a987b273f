/**
 * xen_pin consumer: each hypervisor property fails on a concrete scenario and holds on a
 * correct one; the callers (vm_unmap_aliases first, none, the seed's xen_alloc_ptpage);
 * the audit entry point's counterexamples replay.
 */
import { describe, expect, it } from 'vitest';
import { auditXenPin, replayXen } from '../../explore/consumers/xen_pin';
import { runXen, type XenConfig, type XenOp, type XenScenario } from '../../model/consumers/xen_pin/program';
import { XenPinOracle } from '../../properties/consumers/xen_pin';

const props = (scn: XenScenario, c: XenConfig): string[] => [...new Set(replayXen(scn, c).world.violations.map((v) => v.property).filter((p) => p.startsWith('pin')))];
const seq = (kind: 'vmalloc' | 'vmap' | 'vm_map_ram'): XenScenario => ({
  programs: [[{ id: 1, op: 'map', kind, pages: 2 }, { id: 2, op: 'touch', h: 1, page: 0 }, { id: 3, op: 'unmap', h: 1 }, { id: 4, op: 'pin', h: 1, page: 0, highmem: false }]],
  schedule: [],
});
const FULL_BLOCK: XenScenario = {
  programs: [[{ id: 1, op: 'map', kind: 'vm_map_ram', pages: 4 }, { id: 2, op: 'map', kind: 'vm_map_ram', pages: 4 }, { id: 3, op: 'unmap', h: 1 }, { id: 4, op: 'pin', h: 1, page: 0, highmem: false }]],
  schedule: [],
};

describe('pin_never_refused', () => {
  it('fails: rewrite-v2, a vunmapped page pinned without vm_unmap_aliases (lazy PTE and TLB entry)', () => {
    expect(props(seq('vmap'), { variant: 'rewrite-v2', caller: 'no-unmap' })).toEqual(['pin_never_refused', 'pin_lazy_pte']);
  });
  it('holds: vanilla without vm_unmap_aliases (vunmap flushes at once); rewrite-v2 with it', () => {
    for (const k of ['vmalloc', 'vmap', 'vm_map_ram'] as const) {
      expect(props(seq(k), { variant: 'vanilla', caller: 'no-unmap' })).toEqual([]);
      expect(props(seq(k), { variant: 'rewrite-v2', caller: 'unaliased' })).toEqual([]);
    }
  });
  it("the seed's xen_alloc_ptpage pins a lowmem page before its vm_unmap_aliases() (brace-less else): refused; a highmem page is not pinned there", () => {
    expect(props(seq('vmalloc'), { variant: 'rewrite-v2', caller: 'seed-ptpage' })).toContain('pin_never_refused');
    const hi: XenScenario = { programs: [seq('vmalloc').programs[0]!.map((o): XenOp => (o.op === 'pin' ? { ...o, highmem: true } : o))], schedule: [] };
    expect(props(hi, { variant: 'rewrite-v2', caller: 'seed-ptpage' })).toEqual([]);
    // xen_pgd_pin calls vm_unmap_aliases only when it met a highmem page table
    expect(props(seq('vmalloc'), { variant: 'rewrite-v2', caller: 'seed-pgd-pin' })).toContain('pin_never_refused');
    expect(props(hi, { variant: 'rewrite-v2', caller: 'seed-pgd-pin' })).toEqual([]);
  });
});

describe('pin_lazy_pte', () => {
  it('fails: rewrite-v2 with vm_unmap_aliases first: a full vmap block is off vbq->free, so its dirty PTEs survive (F3)', () => {
    expect(props(FULL_BLOCK, { variant: 'rewrite-v2', caller: 'unaliased' })).toEqual(['pin_never_refused', 'pin_lazy_pte']);
  });
  it('holds: vanilla on the same program', () => {
    expect(props(FULL_BLOCK, { variant: 'vanilla', caller: 'unaliased' })).toEqual([]);
  });
});

describe('pinned_no_writable_alias', () => {
  it('fails when a PTE for a pinned page appears; holds while none does', () => {
    const scn: XenScenario = { programs: [[{ id: 1, op: 'map', kind: 'vmap', pages: 1 }, { id: 2, op: 'unmap', h: 1 }, { id: 3, op: 'pin', h: 1, page: 0, highmem: false }]], schedule: [] };
    let oracle: XenPinOracle | null = null;
    const r = runXen(scn, { variant: 'vanilla', caller: 'no-unmap' }, (w) => {
      oracle = new XenPinOracle(w);
      return { hv: oracle, step: () => oracle!.step() };
    });
    const o = oracle as unknown as XenPinOracle;
    expect(o.pinned.size).toBe(1);
    expect(r.world.violations.filter((v) => v.property === 'pinned_no_writable_alias')).toEqual([]);
    const pfn = [...o.pinned][0]!;
    r.world.mm.set_pte_at(r.world.mm.vpn(r.world.layout.VMALLOC_START), pfn);
    o.step();
    expect(r.world.violations.map((v) => v.property)).toContain('pinned_no_writable_alias');
  });
});

describe('auditXenPin', () => {
  it('verdicts per variant and caller, with counterexamples that replay', () => {
    const a = auditXenPin({ variants: ['vanilla', 'rewrite-v2'], callers: ['unaliased'], campaigns: ['xen-pin-1cpu'], scale: 0.1 });
    const [van, v2] = a.cells;
    expect(van!.holds).toEqual({ pin_never_refused: true, pin_lazy_pte: true, pinned_no_writable_alias: true });
    expect(v2!.holds.pin_lazy_pte).toBe(false);
    for (const cx of v2!.counterexamples) expect(replayXen(cx.scenario, v2!.config).world.violations.some((v) => v.property === cx.property)).toBe(true);
  });
});

describe('determinism', () => {
  it('the same seed and config give the same audit, byte for byte', () => {
    const once = (): string => JSON.stringify(auditXenPin({ variants: ['rewrite-v2'], callers: ['no-unmap'], campaigns: ['xen-pin-2cpu'], scale: 0.05 }), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(once()).toBe(once());
  });
});
