/**
 * kmalloc_node/kfree: GFP_KERNEL may sleep (so it is a violation in atomic context or with
 * irqs off) while GFP_ATOMIC may not; the fault plan fails exactly the listed attempts;
 * kfree(NULL) is a no-op and a double free is a BUG; the live registry is kmemleak's view.
 */
import { describe, it, expect } from 'vitest';
import { mkWorld, drain, expectPanic } from '../support/kctx';
import { sites } from '../../model/exec/site';
import type { K } from '../../model/engine/exec';
import { local_irq_disable, preempt_disable, preempt_enable } from '../../model/kernel/irq';
import { FaultPlan, GFP_ATOMIC, GFP_KERNEL, GFP_RECLAIM_MASK, KObject, __GFP_WAIT, kfree, kmalloc_node } from '../../model/kernel/slab';

const S = sites('slab_test', { alloc: 'kmalloc_node(sizeof(*p), gfp, node)', free: 'kfree(p)' });

/** A typed kmalloc object. */
class Obj extends KObject {
  constructor(id: number) {
    super('obj', id);
  }
}

/** One kmalloc_node from `k`. */
const alloc = (k: K, gfp: number): Obj | null => drain(kmalloc_node(k, S.alloc, gfp, (id) => new Obj(id)));

describe('gfp and might_sleep', () => {
  it('GFP_KERNEL with a preempt count > 0 reports no_sleep_in_atomic and still allocates', () => {
    const { w, ks } = mkWorld(1);
    preempt_disable(ks[0]!);
    const o = alloc(ks[0]!, GFP_KERNEL);
    expect(o).not.toBeNull();
    expect(w.violations.map((v) => v.property)).toEqual(['no_sleep_in_atomic']);
    expect(w.violations[0]!.splat.kind).toBe('might_sleep');
    expect(w.violations[0]!.splat.message).toMatch(/preempt=1/);
  });

  it('GFP_KERNEL with irqs disabled or in interrupt context is also a violation', () => {
    const { w, ks } = mkWorld(2);
    local_irq_disable(ks[0]!);
    alloc(ks[0]!, GFP_KERNEL);
    ks[1]!.cpu.softirq++;
    alloc(ks[1]!, GFP_KERNEL);
    expect(w.violations.map((v) => [v.property, v.splat.cpu])).toEqual([
      ['no_sleep_in_atomic', 0],
      ['no_sleep_in_atomic', 1],
    ]);
  });

  it('GFP_ATOMIC in atomic context is fine', () => {
    const { w, ks } = mkWorld(1);
    preempt_disable(ks[0]!);
    local_irq_disable(ks[0]!);
    expect(alloc(ks[0]!, GFP_ATOMIC)).not.toBeNull();
    expect(w.violations).toEqual([]);
  });

  it('GFP_KERNEL in plain process context is fine', () => {
    const { w, ks } = mkWorld(1);
    preempt_disable(ks[0]!);
    preempt_enable(ks[0]!);
    expect(alloc(ks[0]!, GFP_KERNEL)).not.toBeNull();
    expect(w.violations).toEqual([]);
  });

  it('the gfp constants are 2.6.26 values', () => {
    expect(GFP_KERNEL).toBe(0xd0);
    expect(GFP_ATOMIC).toBe(0x20);
    expect(GFP_KERNEL & __GFP_WAIT).toBe(__GFP_WAIT);
    expect(GFP_ATOMIC & __GFP_WAIT).toBe(0);
    expect(GFP_KERNEL & GFP_RECLAIM_MASK).toBe(GFP_KERNEL);
  });
});

describe('FaultPlan', () => {
  it('fails exactly the listed attempts', () => {
    const p = new FaultPlan(new Set([1, 3]));
    expect(Array.from({ length: 6 }, () => p.shouldFail())).toEqual([false, true, false, true, false, false]);
    expect(p.count).toBe(6);
  });

  it('kmalloc_node returns NULL for exactly the failing attempts of the run', () => {
    const { w, ks } = mkWorld(1, undefined, [0, 2]);
    const got = Array.from({ length: 4 }, () => alloc(ks[0]!, GFP_KERNEL));
    expect(got.map((o) => o === null)).toEqual([true, false, true, false]);
    expect(w.slab.live.size).toBe(2);
    expect(w.slab.allocated).toBe(2);
  });

  it('an empty plan never fails', () => {
    const p = new FaultPlan();
    for (let i = 0; i < 100; i++) expect(p.shouldFail()).toBe(false);
  });
});

describe('kfree', () => {
  it('frees the object and removes it from the live registry', () => {
    const { w, ks } = mkWorld(1);
    const o = alloc(ks[0]!, GFP_KERNEL)!;
    expect(w.slab.live.get(o.id)).toBe(o);
    expect(o.allocSite).toBe(S.alloc);
    drain(kfree(ks[0]!, o, S.free));
    expect(o.freed).toBe(true);
    expect(w.slab.live.has(o.id)).toBe(false);
    expect(w.slab.freedCount).toBe(1);
  });

  it('kfree(NULL) is a no-op', () => {
    const { w, ks } = mkWorld(1);
    drain(kfree(ks[0]!, null, S.free));
    expect(w.slab.freedCount).toBe(0);
  });

  it('a double kfree is a BUG', () => {
    const { ks } = mkWorld(1);
    const o = alloc(ks[0]!, GFP_KERNEL)!;
    drain(kfree(ks[0]!, o, S.free));
    expectPanic(() => drain(kfree(ks[0]!, o, S.free)), 'BUG', /double free of obj#1|already freed obj#1/);
  });

  it('object ids are per run, so runs are reproducible', () => {
    const a = mkWorld(1);
    const b = mkWorld(1);
    expect(alloc(a.ks[0]!, GFP_ATOMIC)!.id).toBe(alloc(b.ks[0]!, GFP_ATOMIC)!.id);
  });
});
