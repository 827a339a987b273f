/**
 * Interrupt injection: a raised interrupt waits for irqs to be enabled, a hardirq handler
 * runs with irqs off on top of the interrupted context which then resumes, a handler
 * spinning on a lock its own CPU holds is a deadlock, and an API call that returns with a
 * different irq state than it entered with breaks irq_state_balanced.
 */
import { describe, it, expect } from 'vitest';
import { run, type RunResult } from '../../model/engine/runner';
import type { Choice, Op } from '../../model/engine/program';
import type { TraceEvent } from '../../model/engine/trace';
import type { CallCheck } from '../../model/engine/harness';
import { TINY } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { DEMO, DEMO_MAP, makeDemoVariant } from '../support/demo_variant';

const HANDLER_OP: Op = { id: 100, op: 'vm_map_ram', pages: 1 };

/** Run on two CPUs with tracing. */
function go(programs: Op[][], schedule: Choice[], variant: Variant = DEMO, afterCall: CallCheck[] = []): RunResult {
  return run({ programs, schedule }, { variant, layout: TINY, cpus: 2, trace: true, checks: { afterCall } });
}

/** An afterCall check recording the handler op's context, softirq/hardirq counts and irq state. */
function handlerState(): { seen: unknown[]; check: CallCheck } {
  const seen: unknown[] = [];
  return { seen, check: (_w, op, _s, k) => void (op.id === HANDLER_OP.id && seen.push([k.ctx.kind, k.cpu.softirq, k.cpu.hardirq, k.cpu.irqsEnabled])) };
}

/** Index in the trace of the first event matching `f`. */
const at = (ev: TraceEvent[], f: (e: TraceEvent) => boolean): number => ev.findIndex(f);

describe('interrupt delivery', () => {
  // cpu0: vm_unmap_aliases runs two steps with irqs disabled, then a map.
  const programs: Op[][] = [[{ id: 1, op: 'vm_unmap_aliases' }, { id: 2, op: 'vm_map_ram', pages: 1 }], []];

  it('an interrupt raised while irqs are enabled is taken at the next step', () => {
    const r = go(programs, [{ t: 'irq', cpu: 0, kind: 'hardirq', op: HANDLER_OP }]);
    const ev = r.world.trace.events;
    const enter = at(ev, (e) => e.t === 'irq' && e.phase === 'enter');
    expect(ev[enter]).toMatchObject({ i: 1, cpu: 0, kind: 'hardirq' });
    expect(at(ev, (e) => e.t === 'call' && e.op === '#1 vm_unmap_aliases()')).toBeGreaterThan(enter);
    expect(r.world.violations).toEqual([]);
  });

  it('an interrupt raised while irqs are disabled is delivered only after they are re-enabled', () => {
    const r = go(programs, [{ t: 'run', cpu: 0, n: 1 }, { t: 'irq', cpu: 0, kind: 'hardirq', op: HANDLER_OP }]);
    expect(r.ending).toBe('done');
    const ev = r.world.trace.events;
    const enter = at(ev, (e) => e.t === 'irq' && e.phase === 'enter');
    const end1 = at(ev, (e) => e.t === 'call' && e.op === '#1 vm_unmap_aliases()' && e.phase === 'end');
    expect(enter).toBeGreaterThan(end1);
    // Every process step before the interrupt ran with irqs off except the one that re-enabled them.
    const before = ev.slice(0, enter).filter((e) => e.t === 'step');
    expect(before.map((e) => e.t === 'step' && e.irqs)).toEqual([false, false]);
    expect(ev[enter]).toMatchObject({ t: 'irq', i: 4, cpu: 0 });
    expect(r.world.violations).toEqual([]);
  });

  it('a hardirq handler runs with irqs off in hardirq context, then the interrupted context resumes', () => {
    const hs = handlerState();
    const r = go([[{ id: 1, op: 'vm_map_ram', pages: 1 }], []], [{ t: 'run', cpu: 0, n: 2 }, { t: 'irq', cpu: 0, kind: 'hardirq', op: HANDLER_OP }], DEMO, [hs.check]);
    expect(hs.seen).toEqual([['hardirq', 0, 1, false]]);
    const ev = r.world.trace.events;
    const enter = at(ev, (e) => e.t === 'irq' && e.phase === 'enter');
    const exit = at(ev, (e) => e.t === 'irq' && e.phase === 'exit');
    const inside = ev.slice(enter, exit).filter((e) => e.t === 'step');
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.every((e) => e.t === 'step' && e.ctx === 'hardirq' && !e.irqs)).toBe(true);
    const after = ev.slice(exit).filter((e) => e.t === 'step');
    expect(after[0]).toMatchObject({ ctx: 'process', irqs: true, site: DEMO_MAP.lock.id });
    expect(r.world.cpus[0]!.hardirq).toBe(0);
    expect(r.world.violations).toEqual([]);
    expect(r.harness.handles.size).toBe(2);
  });

  it('a softirq handler runs with irqs on and uses GFP_ATOMIC (no sleep-in-atomic)', () => {
    const hs = handlerState();
    const r = go([[{ id: 1, op: 'vm_map_ram', pages: 1 }], []], [{ t: 'irq', cpu: 0, kind: 'softirq', op: HANDLER_OP }], DEMO, [hs.check]);
    expect(hs.seen).toEqual([['softirq', 1, 0, true]]);
    const steps = r.world.trace.events.filter((e) => e.t === 'step' && e.ctx === 'softirq');
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((e) => e.t === 'step' && e.irqs)).toBe(true);
    expect(r.world.violations).toEqual([]);
    expect([r.world.cpus[0]!.softirq, r.world.cpus[0]!.hardirq]).toEqual([0, 0]);
  });
});

describe('self-deadlock on a lock held by the interrupted context', () => {
  // cpu0 holds demo_lock (spin_lock, irqs on) after 3 steps; the hardirq handler takes it too.
  const scenario = (): RunResult =>
    go([[{ id: 1, op: 'vm_map_ram', pages: 2 }], [{ id: 2, op: 'vm_unmap_aliases' }]], [{ t: 'run', cpu: 0, n: 3 }, { t: 'irq', cpu: 0, kind: 'hardirq', op: HANDLER_OP }]);

  it('is reported as no_deadlock naming both contexts', () => {
    const r = scenario();
    expect(r.ending).toBe('deadlock');
    expect(r.world.violations.map((v) => v.property)).toEqual(['no_deadlock']);
    expect(r.world.violations[0]!.splat.message).toMatch(/cpu0 hardirq .*demo_lock.* process/);
  });

  it('is reported as a self-deadlock at once, even while another CPU could still run', () => {
    const r = scenario();
    expect(r.world.violations[0]!.splat.message).toContain('self-deadlock');
    // Caught when the handler starts spinning, not after cpu1 has run out of work.
    expect(r.harness.completed.has(2)).toBe(false);
  });

  it('a handler that takes a lock the other CPU holds simply waits', () => {
    const r = go(
      [[], [{ id: 1, op: 'vm_map_ram', pages: 1 }]],
      [{ t: 'run', cpu: 1, n: 3 }, { t: 'irq', cpu: 0, kind: 'hardirq', op: HANDLER_OP }, { t: 'run', cpu: 0, n: 5 }],
    );
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    expect(r.harness.handles.has(HANDLER_OP.id)).toBe(true);
  });
});

describe('irq_state_balanced', () => {
  it('an API call that returns with irqs disabled is a violation', () => {
    const r = go([[{ id: 1, op: 'vm_unmap_aliases' }], []], [], makeDemoVariant({ leakIrqs: true }));
    // (Teardown's own vm_unmap_aliases leaks too; the first report is the program's call.)
    expect(new Set(r.world.violations.map((v) => v.property))).toEqual(new Set(['irq_state_balanced']));
    expect(r.world.violations[0]!.splat.message).toMatch(/^irq state leak: #1 vm_unmap_aliases\(\) entered with irqs enabled and returned with irqs disabled/);
  });

  it('the same call without the leak is balanced', () => {
    const r = go([[{ id: 1, op: 'vm_unmap_aliases' }], []], []);
    expect(r.world.violations).toEqual([]);
    expect(r.world.cpus[0]!.irqsEnabled).toBe(true);
  });
});
