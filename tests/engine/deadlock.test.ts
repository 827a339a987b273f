/**
 * Deadlock detection: two CPUs taking two locks in opposite order, a flusher waiting for
 * the IPI of a CPU that spins with irqs off on a lock the flusher holds, and the flusher
 * staying blocked (but not deadlocked) until a target with irqs off re-enables them.
 */
import { describe, it, expect } from 'vitest';
import { run, type RunResult } from '../../model/engine/runner';
import type { Choice, Op } from '../../model/engine/program';
import { allSites, sites } from '../../model/exec/site';
import type { Gen } from '../../model/exec/gen';
import type { K } from '../../model/engine/exec';
import { TINY } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { flush_tlb_kernel_range } from '../../model/kernel/mm';
import { spin_lock, spin_lock_irq, spin_unlock, spin_unlock_irq } from '../../model/kernel/spinlock';
import { DEMO, DEMO_ALIASES, DEMO_UNMAP, demoGlobals } from '../support/demo_variant';

const S = sites('deadlock_test', {
  a: 'spin_lock(&demo_lock)',
  b: 'spin_lock(&init_mm.page_table_lock)',
  ua: 'spin_unlock(&demo_lock)',
  ub: 'spin_unlock(&init_mm.page_table_lock)',
  flush: 'flush_tlb_kernel_range(start, end)',
});

/** The demo with vmalloc and vmap replaced by the given bodies (both return NULL). */
function withPaths(vmalloc: (k: K) => Gen, vmap: (k: K) => Gen): Variant {
  return {
    ...DEMO,
    api: {
      ...DEMO.api,
      *vmalloc(k: K): Gen<bigint> {
        yield* vmalloc(k);
        return 0n;
      },
      *vmap(k: K): Gen<bigint> {
        yield* vmap(k);
        return 0n;
      },
    },
  };
}

/** cpu0 calls vmalloc, cpu1 calls vmap. */
function twoCalls(variant: Variant, schedule: Choice[]): RunResult {
  const programs: Op[][] = [[{ id: 1, op: 'vmalloc', pages: 1 }], [{ id: 2, op: 'vmap', pages: 1 }]];
  return run({ programs, schedule }, { variant, layout: TINY, cpus: 2, trace: true });
}

/** demo_lock then page_table_lock on vmalloc, the opposite order on vmap. */
const ABBA = withPaths(
  function* (k) {
    const g = demoGlobals(k.w);
    yield* spin_lock(k, g.demo_lock, S.a);
    yield* spin_lock(k, k.w.mm.page_table_lock, S.b);
    yield* spin_unlock(k, k.w.mm.page_table_lock, S.ub);
    yield* spin_unlock(k, g.demo_lock, S.ua);
  },
  function* (k) {
    const g = demoGlobals(k.w);
    yield* spin_lock(k, k.w.mm.page_table_lock, S.b);
    yield* spin_lock(k, g.demo_lock, S.a);
    yield* spin_unlock(k, g.demo_lock, S.ua);
    yield* spin_unlock(k, k.w.mm.page_table_lock, S.ub);
  },
);

describe('lock-order deadlock', () => {
  it('two CPUs taking two locks in opposite order, each holding one, is no_deadlock', () => {
    const r = twoCalls(ABBA, [{ t: 'run', cpu: 0, n: 2 }, { t: 'run', cpu: 1, n: 2 }]);
    expect(r.ending).toBe('deadlock');
    expect(r.world.violations.map((v) => v.property)).toEqual(['no_deadlock']);
    const msg = r.world.violations[0]!.splat.message;
    expect(msg).toContain('cpu0 process waits for init_mm.page_table_lock held by cpu1');
    expect(msg).toContain('cpu1 process waits for demo_lock held by cpu0');
    expect(r.steps).toBe(4);
  });

  it('the same programs under a serial schedule finish', () => {
    const r = twoCalls(ABBA, []);
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
  });
});

describe('TLB-flush IPIs', () => {
  // cpu0 flushes while holding demo_lock; cpu1 spins on demo_lock with irqs disabled.
  const IPI = withPaths(
    function* (k) {
      const g = demoGlobals(k.w);
      yield* spin_lock(k, g.demo_lock, S.a);
      yield* flush_tlb_kernel_range(k, k.w.layout.VMALLOC_START, k.w.layout.VMALLOC_END, S.flush);
      yield* spin_unlock(k, g.demo_lock, S.ua);
    },
    function* (k) {
      const g = demoGlobals(k.w);
      yield* spin_lock_irq(k, g.demo_lock, S.a);
      yield* spin_unlock_irq(k, g.demo_lock, S.ua);
    },
  );

  it('a flusher waiting for a CPU that spins with irqs off on a lock it holds is no_deadlock', () => {
    const r = twoCalls(IPI, [{ t: 'run', cpu: 0, n: 2 }, { t: 'run', cpu: 1, n: 1 }]);
    expect(r.ending).toBe('deadlock');
    expect(r.world.violations.map((v) => v.property)).toEqual(['no_deadlock']);
    expect(r.world.violations[0]!.splat.message).toContain('cpu0 waits for flush IPIs to cpu1 (irqs disabled there)');
    expect(r.world.mm.ipis).toBe(1);
  });

  it('the same paths finish when cpu1 takes the lock before the flush', () => {
    const r = twoCalls(IPI, [{ t: 'run', cpu: 1, n: 10 }]);
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
  });

  it('the flusher stays blocked until the target re-enables irqs, then continues', () => {
    // cpu1 starts vm_unmap_aliases (irqs off for two steps); cpu0 maps and unmaps, flushing.
    const programs: Op[][] = [
      [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }],
      [{ id: 3, op: 'vm_unmap_aliases' }],
    ];
    const r = run({ programs, schedule: [{ t: 'run', cpu: 1, n: 1 }, { t: 'run', cpu: 0, n: 100 }] }, { variant: DEMO, layout: TINY, cpus: 2, trace: true });
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    const st = r.world.trace.events.flatMap((e) => (e.t === 'step' ? [e] : []));
    const flush = st.findIndex((e) => e.site === DEMO_UNMAP.flush.id);
    // cpu0 takes call_lock and sends the IPI; cpu1 has irqs off, so cpu0 waits.
    const callLock = st.findIndex((e, i) => i > flush && e.cpu === 0);
    expect(allSites()[st[callLock]!.site]!.stmt).toBe('spin_lock(&call_lock)');
    const waitDone = st.findIndex((e, i) => i > callLock && e.cpu === 0);
    // Between the IPI and cpu0's next step, only cpu1 runs: its two irqs-off statements.
    expect(st.slice(callLock + 1, waitDone).map((e) => [e.cpu, e.site])).toEqual([
      [1, DEMO_ALIASES.set.id],
      [1, DEMO_ALIASES.clear.id],
    ]);
    expect(allSites()[st[waitDone]!.site]!.stmt).toBe('wait for every CPU to run the flush IPI');
    expect([r.world.mm.flushes, r.world.mm.ipis]).toEqual([1, 1]);
  });
});
