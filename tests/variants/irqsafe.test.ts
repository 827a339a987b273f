/**
 * Scenario tests for `irqsafe` (rewrite-v2 + the untested irq-safety incremental patch of
 * 2008-08-20, as posted), against rewrite-v2; and the whole rewrite family on random
 * programs.
 */
import { randomScenario } from '../support/random_scenario';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { run, type RunOptions, type RunResult } from '../../model/engine/runner';
import type { Choice, Op, Scenario } from '../../model/engine/program';
import { allSites } from '../../model/exec/site';
import { Context } from '../../model/kernel/cpu';
import { TINY, TINY_TOP, X86_32 } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import type { Rw } from '../../model/variants/rewrite-v2/state';
import { rewriteV1 } from '../../model/variants/rewrite-v1/index';
import { irqsafe } from '../../model/variants/irqsafe/index';
import { purge_work } from '../../model/variants/irqsafe/lazy_purge';
import { pendingWork, run_workqueue, schedule_work } from '../../model/variants/irqsafe/workqueue';
import { sites } from '../../model/exec/site';
import { drain, mkWorld } from '../support/kctx';

function go(variant: Variant, scn: Scenario, o: Partial<RunOptions> = {}): RunResult {
  return run(scn, { variant, layout: TINY, cpus: 1, teardown: false, trace: true, ...o });
}

/** Step at which API op `id` returned (from the trace). */
function endStep(r: RunResult, id: number): number {
  const e = r.world.trace.events.find((x) => x.t === 'call' && x.phase === 'end' && x.op.startsWith(`#${id} `));
  if (e === undefined) throw new Error(`op #${id} never ended`);
  return e.i;
}

/** [property, fn, context] of every violation. */
function props(r: RunResult): string[][] {
  return r.world.violations.map((v) => [v.property, v.splat.fn, v.splat.context]);
}

/** The steps of one context kind, as fn: stmt. */
function stepSites(r: RunResult, ctx?: string): string[] {
  const S = allSites();
  return r.world.trace.events.flatMap((e) => (e.t === 'step' && (ctx === undefined || e.ctx === ctx) ? [`${S[e.site]!.fn}: ${S[e.site]!.stmt}`] : []));
}

describe('irqsafe: vb_alloc\'s success path leaves irqs disabled (as posted)', () => {
  const programs: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }]];

  it('vm_map_ram in process context returns with irqs disabled: irq_state_balanced', () => {
    const r = go(irqsafe, { programs, schedule: [] });
    expect(r.ending).toBe('done');
    // With irqs left off, vmap_page_range's GFP_KERNEL pte_alloc_kernel may sleep with irqs disabled.
    expect(props(r)).toEqual([
      ['no_sleep_in_atomic', '__pte_alloc_kernel', 'process'],
      ['irq_state_balanced', 'vm_map_ram', 'process'],
    ]);
    expect(r.world.violations[1]!.splat.message).toBe('irq state leak: #1 vm_map_ram(1) entered with irqs enabled and returned with irqs disabled');
    // The lock was taken with irqsave and released with the plain spin_unlock.
    const ev = r.world.trace.events;
    expect(ev.filter((e) => (e.t === 'lock' || e.t === 'unlock') && /^vmap_block#/.test(e.lock)).map((e) => e.t === 'lock' || e.t === 'unlock' ? `${e.t} ${e.how} irqs=${e.irqs}` : '')).toEqual([
      'lock spin_lock_irqsave irqs=false',
      'unlock spin_unlock irqs=false', // vb_alloc: success
      'lock spin_lock_irqsave irqs=false', // vb_free (vm_unmap_ram entered with irqs off: balanced)
      'unlock spin_unlock_irqrestore irqs=false',
    ]);
    // The leak lasts until the program ends; the task's return to user space re-enables irqs.
    expect(r.world.cpus[0]!.irqsEnabled).toBe(true);
  });

  it('rewrite-v2: the same program is balanced', () => {
    const r = go(rewriteV2, { programs, schedule: [] });
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    expect(r.world.violations.some((v) => v.property === 'irq_state_balanced')).toBe(false);
    expect(r.world.cpus[0]!.irqsEnabled).toBe(true);
  });

  it('a miss in a block restores irqs (spin_unlock_irqrestore)', () => {
    // 8-page blocks, power-of-two regions: 2 pages take bits 0-1, 4 pages bits 4-7; the
    // block keeps 2 free pages (still on the free list), so the next 4-page request misses it.
    const r = go(irqsafe, { programs: [[{ id: 1, op: 'vm_map_ram', pages: 2 }, { id: 2, op: 'vm_map_ram', pages: 4 }, { id: 3, op: 'vm_map_ram', pages: 4 }]], schedule: [] });
    expect(stepSites(r)).toContain('vb_alloc: spin_unlock_irqrestore(&vb->lock, flags)');
    expect(r.world.metrics.blocksCreated).toBe(2);
  });
});

describe('irqsafe: vm_unmap_ram from a hardirq while the process context is in vb_free', () => {
  // cpu1 maps #1 and #2 (one block); cpu0 unmaps #1, then vmallocs; a hardirq on cpu0
  // unmaps #2 while cpu0's process context holds vb->lock inside vb_free.
  const programs: Op[][] = [
    [{ id: 3, op: 'vm_unmap_ram', h: 1 }, { id: 4, op: 'vmalloc', pages: 1 }],
    [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_map_ram', pages: 1 }],
  ];
  const IRQ: Op = { id: 10, op: 'vm_unmap_ram', h: 2 };

  /** Run cpu1 to completion, cpu0 until it holds the block's lock, then raise the irq. */
  function inCriticalSection(variant: Variant): RunResult {
    const probe = go(variant, { programs, schedule: [{ t: 'run', cpu: 1, n: 1000 }, { t: 'run', cpu: 0, n: 1000 }] }, { cpus: 2 });
    const taken = probe.world.trace.events.find((e) => e.t === 'lock' && e.cpu === 0 && /^vmap_block#\d+\.lock$/.test(e.lock));
    expect(taken).toBeDefined();
    expect(allSites().some((s) => s.fn === 'vb_free')).toBe(true);
    const schedule: Choice[] = [
      { t: 'run', cpu: 1, n: 1000 },
      { t: 'run', cpu: 0, n: taken!.i - endStep(probe, 2) },
      { t: 'irq', cpu: 0, kind: 'hardirq', op: IRQ },
      { t: 'run', cpu: 0, n: 1000 },
    ];
    return go(variant, { programs, schedule }, { cpus: 2 });
  }

  it('rewrite-v2: the handler spins on the vb->lock its own CPU holds (plain spin_lock): no_deadlock', () => {
    const r = inCriticalSection(rewriteV2);
    expect(r.ending).toBe('deadlock');
    expect(props(r)).toEqual([['no_deadlock', 'vb_free', 'hardirq']]);
    // The runner's dedicated 'self-deadlock' text, or its all-blocked report naming both contexts
    // (see tests/engine/irq.test.ts: the self-deadlock branch is currently unreachable).
    expect(r.world.violations[0]!.splat.message).toMatch(
      /self-deadlock: cpu0 hardirq spins on vmap_block#\d+\.lock, held by the process context it interrupted \(taken with spin_lock at vb_free|cpu0 hardirq waits for vmap_block#\d+\.lock held by cpu0 process \(spin_lock at vb_free\)/,
    );
    expect(r.harness.completed.has(IRQ.id)).toBe(false);
  });

  it('irqsafe: irqs are off while vb->lock is held, so the irq waits and its vb_free runs after', () => {
    const r = inCriticalSection(irqsafe);
    expect(r.ending).toBe('done');
    expect(r.world.violations.some((v) => v.property === 'no_deadlock')).toBe(false);
    // Only cpu1's vm_map_ram #1 (irqs left off by vb_alloc) complains.
    expect(props(r)).toEqual([
      ['no_sleep_in_atomic', '__pte_alloc_kernel', 'process'],
      ['irq_state_balanced', 'vm_map_ram', 'process'],
    ]);
    expect(r.world.violations.every((v) => v.splat.cpu === 1)).toBe(true);
    expect(r.harness.completed.has(IRQ.id)).toBe(true);
    // The process context's unlock (irqrestore) precedes the handler's entry.
    const ev = r.world.trace.events;
    const unlock = ev.findIndex((e) => e.t === 'unlock' && e.cpu === 0 && e.ctx === 'process' && /^vmap_block#/.test(e.lock));
    const enter = ev.findIndex((e) => e.t === 'irq' && e.phase === 'enter');
    const hardLock = ev.find((e) => e.t === 'lock' && e.ctx === 'hardirq' && /^vmap_block#/.test(e.lock));
    expect(unlock).toBeGreaterThan(0);
    expect(enter).toBeGreaterThan(unlock);
    expect(hardLock).toMatchObject({ how: 'spin_lock_irqsave', irqs: false });
    expect(stepSites(r, 'hardirq')).toContain('vb_free: spin_unlock_irqrestore(&vb->lock, flags)');
    expect(irqsafe.view(r.world).blocks()[0]).toMatchObject({ dirty: 2, dirtyBits: 2 });
  });
});

describe('irqsafe: what the patch does not touch', () => {
  const cases: [string, Op, string][] = [
    ['vfree from a hardirq', { id: 10, op: 'vfree', h: 1 }, 'vfree'],
    ['vmalloc from a hardirq', { id: 10, op: 'vmalloc', pages: 1 }, '__get_vm_area_node'],
    ['vm_unmap_aliases from a hardirq (the patch adds this BUG_ON)', { id: 10, op: 'vm_unmap_aliases' }, 'vm_unmap_aliases'],
  ];
  for (const [name, op, fn] of cases) {
    it(`${name} hits BUG_ON(in_interrupt()) -> no_bug`, () => {
      const programs: Op[][] = [[{ id: 2, op: 'touch', h: 1, page: 0 }], [{ id: 1, op: 'vmalloc', pages: 2 }]];
      const schedule: Choice[] = [{ t: 'run', cpu: 1, n: 1000 }, { t: 'irq', cpu: 0, kind: 'hardirq', op }, { t: 'run', cpu: 0, n: 100 }];
      const r = go(irqsafe, { programs, schedule }, { cpus: 2 });
      expect(r.ending).toBe('panic');
      expect(r.world.violations.map((v) => [v.property, v.splat.kind, v.splat.fn, v.splat.context, v.splat.message])).toEqual([
        ['no_bug', 'BUG', fn, 'hardirq', 'kernel BUG: BUG_ON(in_interrupt())'],
      ]);
    });
  }

  it('vm_map_ram from a hardirq allocates GFP_ATOMIC, but pte_alloc_kernel still uses GFP_KERNEL', () => {
    const scn: Scenario = { programs: [[{ id: 1, op: 'vm_unmap_aliases' }]], schedule: [{ t: 'irq', cpu: 0, kind: 'hardirq', op: { id: 10, op: 'vm_map_ram', pages: 2 } }] };
    const r = go(irqsafe, scn);
    expect(r.ending).toBe('done');
    expect(props(r)).toEqual([['no_sleep_in_atomic', '__pte_alloc_kernel', 'hardirq']]);
    expect(r.harness.handles.has(10)).toBe(true);
    // rewrite-v2 ignores the gfp argument (GFP_KERNEL throughout): every allocation complains.
    const v2 = go(rewriteV2, scn);
    expect(props(v2).map((p) => p[1])).toEqual(['new_vmap_block', 'alloc_vmap_area', 'new_vmap_block', '__pte_alloc_kernel']);
  });

  it('a hardirq vm_map_ram that finds KVA full purges, and __purge_vmap_area_lazy BUG_ONs', () => {
    // 41 of the 48 pages taken; 9 more do not fit, so alloc_vmap_area purges and retries.
    const programs: Op[][] = [[{ id: 1, op: 'vmalloc', pages: 40 }, { id: 2, op: 'touch', h: 1, page: 0 }]];
    const dry = go(irqsafe, { programs, schedule: [] });
    const r = go(irqsafe, { programs, schedule: [{ t: 'run', cpu: 0, n: endStep(dry, 1) }, { t: 'irq', cpu: 0, kind: 'hardirq', op: { id: 10, op: 'vm_map_ram', pages: 9 } }] });
    expect(r.ending).toBe('panic');
    expect(r.world.violations.map((v) => [v.property, v.splat.fn, v.splat.context, v.splat.message])).toEqual([
      ['no_bug', '__purge_vmap_area_lazy', 'hardirq', 'kernel BUG: BUG_ON(in_interrupt())'],
    ]);
    expect(r.world.violations[0]!.splat.frames).toEqual(['vm_map_ram', 'alloc_vmap_area', 'purge_vmap_area_lazy', '__purge_vmap_area_lazy']);
  });
});

describe('irqsafe: schedule_work(&purge_work) from interrupt context', () => {
  // One CPU: lazy_max_pages = fls(1) * 4 = 4; a 5-page vm_map_ram (alloc_vmap_area path).
  const programs: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 5 }, { id: 2, op: 'touch', h: 1, page: 0 }]];
  const IRQ: Op = { id: 10, op: 'vm_unmap_ram', h: 1 };
  function unmapInIrq(variant: Variant): RunResult {
    const dry = go(variant, { programs, schedule: [] });
    return go(variant, { programs, schedule: [{ t: 'run', cpu: 0, n: endStep(dry, 1) }, { t: 'irq', cpu: 0, kind: 'hardirq', op: IRQ }] });
  }

  it('past lazy_max_pages in a hardirq: the work is queued, and keventd purges in process context', () => {
    const r = unmapInIrq(irqsafe);
    const w = r.world;
    expect(r.ending).toBe('done');
    expect(w.violations).toEqual([]);
    expect(r.harness.completed.has(IRQ.id)).toBe(true);
    const inIrq = stepSites(r, 'hardirq');
    expect(inIrq).toContain('free_unmap_vmap_area: schedule_work(&purge_work)');
    expect(inIrq.some((x) => x.startsWith('__purge_vmap_area_lazy'))).toBe(false);
    // The runner plays keventd: once cpu0's program is done it runs the work in process
    // context, which purges the lazy area.
    expect(stepSites(r, 'process')).toContain('run_workqueue: work_clear_pending(work); f = work->func');
    expect((w.layer as Rw).purge_work_pending).toBe(false);
    expect(pendingWork(w)).toEqual([]);
    expect(w.metrics.purges).toBe(1);
    expect(irqsafe.view(w).lazyNr()).toBe(0);
    expect(irqsafe.view(w).areas()).toEqual([]);
  });

  it('run_workqueue by hand purges a pending work (the keventd contract)', () => {
    const r = go(irqsafe, { programs: [[]], schedule: [] });
    const w = r.world;
    (w.layer as Rw).purge_work_pending = true;
    const cpu = w.cpus[0]!;
    const ctx = new Context(cpu, 'process', 0);
    cpu.stack.push(ctx);
    drain(run_workqueue({ w, cpu, ctx }));
    expect((w.layer as Rw).purge_work_pending).toBe(false);
    expect(w.metrics.purges).toBe(1);
    expect(cpu.irqsEnabled).toBe(true);
  });

  it('rewrite-v2 purges right there in the hardirq', () => {
    const r = unmapInIrq(rewriteV2);
    expect(r.world.metrics.purges).toBe(1);
    expect((r.world.layer as Rw).purge_work_pending).toBe(false);
    expect(rewriteV2.view(r.world).areas()).toEqual([]);
  });

  it('the same unmap in process context purges at once (no work queued)', () => {
    const r = go(irqsafe, { programs: [[{ id: 1, op: 'vm_map_ram', pages: 5 }, { id: 2, op: 'vm_unmap_ram', h: 1 }]], schedule: [] });
    expect(r.world.violations).toEqual([]);
    expect(r.world.metrics.purges).toBe(1);
    expect((r.world.layer as Rw).purge_work_pending).toBe(false);
  });

  it('schedule_work is test-and-set: 1, then 0 while pending; run_workqueue refuses interrupt context', () => {
    const S = sites('irqsafe_test', { sched: 'schedule_work(&purge_work)' });
    const { w, ks } = mkWorld(1, TINY);
    irqsafe.init(w);
    const k = ks[0]!;
    expect(drain(schedule_work(k, purge_work, S.sched))).toBe(1);
    expect(drain(schedule_work(k, purge_work, S.sched))).toBe(0);
    expect(pendingWork(w)).toEqual([purge_work]);
    const hctx = new Context(w.cpus[0]!, 'hardirq', 1);
    w.cpus[0]!.hardirq++;
    expect(() => drain(run_workqueue({ w, cpu: w.cpus[0]!, ctx: hctx }))).toThrow(/process context/);
    w.cpus[0]!.hardirq--;
    drain(run_workqueue(k));
    expect(pendingWork(w)).toEqual([]);
    // Nothing was lazy: the purge found nothing.
    expect(w.metrics.purges).toBe(1);
  });
});

describe('irqsafe: nothing else changed', () => {
  it('without interrupts and without block-sized vm_map_ram, the same steps and outcome as v2 (lock flavours aside)', () => {
    const rng = seedrandom('irqsafe-vs-v2');
    const int = (n: number): number => Math.floor(rng() * n);
    const flavour = (s: string): string => s.replace(/spin_(un)?lock_irq(save|restore)?\(([^,)]*)(, flags)?\)/g, 'spin_$1lock($3)');
    for (let n = 0; n < 100; n++) {
      const ops: Op[] = [];
      const maps: number[] = [];
      for (let id = 1; id <= 1 + int(10); id++) {
        const r = int(10);
        const h = maps.length > 0 ? maps[int(maps.length)]! : 0;
        if (r < 4 || maps.length === 0) {
          maps.push(id);
          const op = (['vmalloc', 'vmap', 'vm_map_ram'] as const)[int(3)]!;
          ops.push({ id, op, pages: op === 'vm_map_ram' ? 5 + int(6) : 1 + int(8) });
        } else if (r < 7) ops.push({ id, op: (['vfree', 'vunmap', 'vm_unmap_ram'] as const)[int(3)]!, h });
        else if (r < 9) ops.push({ id, op: 'touch', h, page: int(8) });
        else ops.push({ id, op: 'vm_unmap_aliases' });
      }
      const scn: Scenario = { programs: [ops], schedule: [], faults: rng() < 0.3 ? [int(10)] : [] };
      const a = run(scn, { variant: irqsafe, layout: TINY, cpus: 1, trace: true });
      const b = run(scn, { variant: rewriteV2, layout: TINY, cpus: 1, trace: true });
      const sum = (r: RunResult) => ({
        ending: r.ending,
        steps: stepSites(r).map(flavour),
        handles: [...r.harness.handles.values()].map((h) => [h.id, h.addr, h.life.stateName]),
        violations: r.world.violations.map((v) => [v.property, v.splat.fn, v.splat.message]),
        metrics: r.world.metrics,
      });
      expect(sum(a), JSON.stringify(scn)).toEqual(sum(b));
    }
  });
});


describe('the rewrite family on random programs', () => {
  for (const layout of [TINY, TINY_TOP, X86_32]) {
    it(`rewrite-v1, rewrite-v2 and irqsafe, 1-4 CPUs on ${layout.name}: only KernelPanic ends a run early`, () => {
      const rng = seedrandom(`rewrite-family-${layout.name}`);
      const endings = new Map<string, number>();
      for (let n = 0; n < 120; n++) {
        const cpus = 1 + (n % 4);
        const scn = randomScenario(rng, cpus);
        for (const variant of [rewriteV1, rewriteV2, irqsafe]) {
          // run() catches KernelPanic itself; anything else escaping is a model bug.
          let r: RunResult;
          try {
            r = run(scn, { variant, layout, cpus, maxSteps: 50_000 });
          } catch (e) {
            throw new Error(`${variant.name} on ${JSON.stringify(scn)} threw ${e instanceof Error ? e.stack : String(e)}`);
          }
          const key = `${variant.name} ${r.ending}`;
          endings.set(key, (endings.get(key) ?? 0) + 1);
        }
      }
      expect([...endings.values()].reduce((a, b) => a + b, 0)).toBe(360);
      for (const v of ['rewrite-v1', 'rewrite-v2', 'irqsafe']) expect(endings.get(`${v} done`) ?? 0).toBeGreaterThan(0);
    });
  }
});
