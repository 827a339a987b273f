/**
 * MM state under the vmap layer: TLB fill on touch, speculative fill of any present PTE
 * (including a released one), flush_tlb_kernel_range with its IPIs and their deferral
 * while irqs are off, the lazy-alias states, and reuse of a page with a stale translation.
 */
import { describe, it, expect } from 'vitest';
import { mkWorld, drain, expectPanic } from '../support/kctx';
import { sites } from '../../model/exec/site';
import type { K } from '../../model/engine/exec';
import { local_irq_disable, local_irq_enable, preempt_disable } from '../../model/kernel/irq';
import { flush_tlb_kernel_range, pte_alloc_kernel, touch } from '../../model/kernel/mm';

const S = sites('mm_test', { touch: '*(char *)addr', flush: 'flush_tlb_kernel_range(s, e)' });

/** Byte address of a vmalloc page of the TINY layout. */
const base = 0xf8800000n;
const addrOf = (vpn: number): bigint => BigInt(vpn) << 12n;
const V = Number(base >> 12n);

describe('TLB fill', () => {
  it('set_pte_at then touch fills only the touching CPU', () => {
    const { w, ks } = mkWorld(2);
    const pfn = w.mm.newPage();
    w.mm.set_pte_at(V, pfn);
    expect([w.mm.alias.stateName(V, 0), w.mm.alias.stateName(V, 1)]).toEqual(['mapped', 'mapped']);
    expect(touch(ks[0]!, base, S.touch)).toBe(pfn);
    expect(ks[0]!.cpu.tlb.get(V)).toBe(pfn);
    expect(ks[1]!.cpu.tlb.has(V)).toBe(false);
    expect([w.mm.alias.stateName(V, 0), w.mm.alias.stateName(V, 1)]).toEqual(['mapped_cached', 'mapped']);
  });

  it('touching an address with no PTE and no TLB entry is an oops', () => {
    const { ks } = mkWorld(1);
    expectPanic(() => touch(ks[0]!, base, S.touch), 'Oops', /paging request at 0xf8800000 \(no PTE\)/);
  });

  it('a cached translation outlives its PTE until a flush (the lazy alias)', () => {
    const { w, ks } = mkWorld(2);
    w.mm.set_pte_at(V, 7);
    touch(ks[1]!, base, S.touch);
    w.mm.alias.release(V, w.stepNo);
    w.mm.ptep_get_and_clear(V);
    expect(touch(ks[1]!, base, S.touch)).toBe(7);
    expect(w.mm.alias.stateName(V, 1)).toBe('alias_stale');
    expect(w.mm.alias.aliases()).toEqual([{ vpn: V, cpu: 1, state: 'alias_stale' }]);
  });

  it('a speculative fill can cache any present PTE, even one the user already released', () => {
    const { w } = mkWorld(2);
    w.mm.set_pte_at(V, 5);
    w.mm.alias.release(V, 3);
    expect(w.mm.alias.releasedAt.get(V)).toBe(3);
    expect(w.mm.alias.stateName(V, 1)).toBe('alias_pte');
    expect(w.mm.fill(w.cpus[1]!, V)).toBe(5);
    expect(w.cpus[1]!.tlb.get(V)).toBe(5);
    expect(w.mm.alias.stateName(V, 1)).toBe('alias_cached');
    expect(w.mm.alias.isAlias(V)).toBe(true);
    expect(w.mm.fill(w.cpus[1]!, V + 1)).toBeUndefined();
  });
});

describe('flush_tlb_kernel_range', () => {
  it('removes the range from every CPU, keeps pages outside it, and counts flushes and IPIs', () => {
    const { w, ks } = mkWorld(3);
    for (let i = 0; i < 3; i++) w.mm.set_pte_at(V + i, 10 + i);
    for (const k of ks) for (let i = 0; i < 3; i++) touch(k, addrOf(V + i), S.touch);
    drain(flush_tlb_kernel_range(ks[0]!, base, addrOf(V + 2), S.flush));
    for (const k of ks) expect([...k.cpu.tlb.keys()]).toEqual([V + 2]);
    expect([w.mm.flushes, w.mm.ipis]).toEqual([1, 2]);
    drain(flush_tlb_kernel_range(ks[1]!, base, addrOf(V + 3), S.flush));
    for (const k of ks) expect(k.cpu.tlb.size).toBe(0);
    expect([w.mm.flushes, w.mm.ipis]).toEqual([2, 4]);
    expect(w.mm.alias.stateName(V, 2)).toBe('mapped');
  });

  it('rounds a partial last page up', () => {
    const { w, ks } = mkWorld(2);
    w.mm.set_pte_at(V, 1);
    touch(ks[1]!, base, S.touch);
    drain(flush_tlb_kernel_range(ks[0]!, base, base + 1n, S.flush));
    expect(ks[1]!.cpu.tlb.size).toBe(0);
  });

  it('a target with irqs disabled takes the IPI only when it enables them; the flusher waits until then', () => {
    const { w, ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    w.mm.set_pte_at(V, 1);
    touch(b, base, S.touch);
    local_irq_disable(b);
    const g = flush_tlb_kernel_range(a, base, addrOf(V + 1), S.flush);
    expect(g.next().done).toBe(false); // the call
    expect(g.next().done).toBe(false); // spin_lock(&call_lock)
    expect(a.ctx.wait?.kind).toBe('lock');
    expect(g.next().done).toBe(false); // IPIs sent, now waiting for acks
    const wt = a.ctx.wait;
    expect(wt?.kind).toBe('ipi');
    expect(wt?.kind === 'ipi' && [...wt.pending]).toEqual([b.cpu]);
    expect(b.cpu.tlb.has(V)).toBe(true);
    expect(b.cpu.pendingFlush.length).toBe(1);
    local_irq_enable(b);
    expect(b.cpu.tlb.has(V)).toBe(false);
    expect(wt?.kind === 'ipi' && wt.pending.size).toBe(0);
    drain(g); // spin_unlock(&call_lock), then local_irq_disable(); flush; local_irq_enable()
    expect(a.ctx.wait).toBeNull();
  });

  it('on_each_cpu ends with local_irq_enable: a caller that had irqs disabled returns with them enabled', () => {
    const { ks } = mkWorld(2);
    local_irq_disable(ks[0]!);
    drain(flush_tlb_kernel_range(ks[0]!, base, addrOf(V + 1), S.flush));
    expect(ks[0]!.cpu.irqsEnabled).toBe(true);
  });

  it('flushing with irqs disabled on the caller is a WARN (smp_call_function with irqs off)', () => {
    const { w, ks } = mkWorld(2);
    local_irq_disable(ks[0]!);
    drain(flush_tlb_kernel_range(ks[0]!, base, addrOf(V + 1), S.flush));
    expect(w.violations.map((v) => v.property)).toEqual(['no_warn']);
  });

  it('the WARN comes before the CPU count: a lone CPU flushing with irqs off still warns', () => {
    const { w, ks } = mkWorld(1);
    local_irq_disable(ks[0]!);
    drain(flush_tlb_kernel_range(ks[0]!, base, addrOf(V + 1), S.flush));
    expect(w.violations.map((v) => v.property)).toEqual(['no_warn']);
  });
});

describe('alias lifecycle violations', () => {
  it('SET_PTE on a page left in alias_stale on some CPU is no_reuse_with_lazy_alias', () => {
    const { w, ks } = mkWorld(2);
    w.mm.set_pte_at(V, 1);
    touch(ks[1]!, base, S.touch);
    w.mm.alias.release(V, 0);
    w.mm.ptep_get_and_clear(V);
    expect(w.violations).toEqual([]);
    w.mm.set_pte_at(V, 2);
    expect(w.violations.map((v) => v.property)).toEqual(['no_reuse_with_lazy_alias']);
    expect(w.violations[0]!.splat.message).toMatch(/SET_PTE rejected in state alias_stale for cpu1/);
  });

  it('reuse after the flush is legal', () => {
    const { w, ks } = mkWorld(2);
    w.mm.set_pte_at(V, 1);
    touch(ks[1]!, base, S.touch);
    w.mm.alias.release(V, 0);
    w.mm.ptep_get_and_clear(V);
    drain(flush_tlb_kernel_range(ks[0]!, base, addrOf(V + 1), S.flush));
    expect(w.mm.alias.isAlias(V)).toBe(false);
    w.mm.set_pte_at(V, 2);
    expect(w.violations).toEqual([]);
  });

  it('clearing the PTE of a live (unreleased) mapping is live_mappings_translate', () => {
    const { w } = mkWorld(2);
    w.mm.set_pte_at(V, 1);
    w.mm.ptep_get_and_clear(V);
    expect(w.violations.map((v) => v.property)).toContain('live_mappings_translate');
  });
});

describe('pte_alloc_kernel', () => {
  it('allocates one page-table page per PMD, and only once', () => {
    const { w, ks } = mkWorld(1);
    expect(drain(pte_alloc_kernel(ks[0]!, V))).toBe(true);
    expect(w.slab.faults.count).toBe(1);
    expect(drain(pte_alloc_kernel(ks[0]!, V + 1))).toBe(true);
    expect(drain(pte_alloc_kernel(ks[0]!, V + 16))).toBe(true);
    expect(w.slab.faults.count).toBe(2);
    expect(w.mm.ptePages.size).toBe(2);
  });

  it('fails when the fault plan says so, and sleeps (GFP_KERNEL) so it is illegal in atomic context', () => {
    const { w, ks } = mkWorld(1, undefined, [0]);
    expect(drain(pte_alloc_kernel(ks[0]!, V))).toBe(false);
    expect(w.mm.ptePages.size).toBe(0);
    preempt_disable(ks[0]!);
    expect(drain(pte_alloc_kernel(ks[0]!, V))).toBe(true);
    expect(w.violations.map((v) => v.property)).toEqual(['no_sleep_in_atomic']);
  });
});
