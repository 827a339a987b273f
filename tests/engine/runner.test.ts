/**
 * The step engine under explicit schedules: the exact step sequence of the demo under a
 * fixed schedule, reproducibility of seeded random schedules, the fallback policy when the
 * schedule runs out, and a CPU spinning on a held lock never being scheduled.
 */
import { describe, it, expect } from 'vitest';
import { run, type RunResult } from '../../model/engine/runner';
import type { Choice, Op } from '../../model/engine/program';
import type { World } from '../../model/engine/world';
import { allSites } from '../../model/exec/site';
import { TINY } from '../../model/config/layout';
import { DEMO, DEMO_ALIASES, DEMO_MAP, DEMO_UNMAP, demoPrograms, seededSchedule } from '../support/demo_variant';

/** Short names of the demo's statements, by site id. */
const NAMES = new Map<number, string>();
for (const [prefix, group] of [['map', DEMO_MAP], ['unmap', DEMO_UNMAP], ['aliases', DEMO_ALIASES]] as const) {
  for (const [key, site] of Object.entries(group)) NAMES.set(site.id, `${prefix}.${key}`);
}

/** `cpu:name` of every traced step, in order. */
function steps(w: World): string[] {
  const out: string[] = [];
  for (const e of w.trace.events) if (e.t === 'step') out.push(`${e.cpu}:${NAMES.get(e.site) ?? allSites()[e.site]!.stmt}`);
  return out;
}

/** Run the demo on two CPUs with tracing (teardown off: these tests are about the programs' steps). */
function demo(programs: Op[][], schedule: Choice[], teardown = false): RunResult {
  return run({ programs, schedule }, { variant: DEMO, layout: TINY, cpus: 2, trace: true, teardown });
}

const MAP_UNMAP: Op[][] = [
  [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }],
  [{ id: 3, op: 'vm_map_ram', pages: 1 }, { id: 4, op: 'touch', h: 3, page: 0 }],
];

describe('fixed schedule', () => {
  it('gives the exact expected step/CPU sequence', () => {
    const r = demo(MAP_UNMAP, [{ t: 'run', cpu: 0, n: 3 }, { t: 'run', cpu: 1, n: 3 }, { t: 'run', cpu: 0, n: 20 }]);
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    // cpu0 takes demo_lock at step 3; cpu1's run choice ends when it starts spinning on it
    // (step 5), so cpu0 runs to completion and cpu1 only then acquires the lock.
    expect(steps(r.world)).toEqual([
      '0:map.alloc', '0:map.lock', '1:map.alloc',
      '0:map.add', '0:map.unlock', '0:map.pte',
      '0:unmap.walk', '0:unmap.lock', '0:unmap.del', '0:unmap.unlock', '0:unmap.clear', '0:unmap.flush',
      // on_each_cpu: smp_call_function under call_lock, then the local flush with irqs off
      '0:spin_lock(&call_lock)', '0:spin_unlock(&call_lock)', '0:local_irq_disable(); func(info); local_irq_enable()',
      '0:unmap.free',
      '1:map.lock', '1:map.add', '1:map.unlock', '1:map.pte',
      '1:*(volatile char *)(addr + i * PAGE_SIZE)',
    ]);
    const ev = r.world.trace.events;
    expect(ev.filter((e) => e.t === 'step').map((e) => e.i)).toEqual([2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(ev.filter((e) => e.t === 'lock' || e.t === 'unlock').map((e) => `${e.t}@${e.i}:cpu${e.cpu}`)).toEqual([
      'lock@3:cpu0', 'unlock@7:cpu0', 'lock@10:cpu0', 'unlock@12:cpu0', 'lock@15:cpu0', 'unlock@16:cpu0', 'lock@19:cpu1', 'unlock@21:cpu1',
    ]);
    expect(ev.filter((e) => e.t === 'rcu').map((e) => e.i)).toEqual([18]);
    expect(r.steps).toBe(23);
    // cpu1's mapping is still live: one PTE, one object on the list.
    expect(r.world.mm.pte.size).toBe(1);
    expect(DEMO.view(r.world).areas().map((a) => a.va_start)).toEqual([0xf8820000n]);
  });

  it('then teardown on cpu0 unmaps what is left', () => {
    const r = demo(MAP_UNMAP, [{ t: 'run', cpu: 0, n: 3 }, { t: 'run', cpu: 1, n: 3 }, { t: 'run', cpu: 0, n: 20 }], true);
    expect(r.ending).toBe('done');
    const after = r.world.trace.events.filter((e) => e.i > 23 && (e.t === 'step' || e.t === 'lock' || e.t === 'call'));
    expect(after.every((e) => e.t !== 'step' || e.cpu === 0)).toBe(true);
    expect(after.filter((e) => e.t === 'call' && e.phase === 'begin').map((e) => e.t === 'call' && e.op)).toEqual(['#-1 vm_unmap_ram(#3)', '#-2 vm_unmap_aliases()']);
    expect(r.world.mm.pte.size).toBe(0);
    expect(r.world.slab.live.size).toBe(0);
  });

  it('never schedules a CPU that spins on a held lock, even when the schedule asks for it', () => {
    const r = demo(MAP_UNMAP, [{ t: 'run', cpu: 0, n: 3 }, { t: 'run', cpu: 1, n: 50 }, { t: 'run', cpu: 1, n: 50 }]);
    const s = steps(r.world);
    // cpu1 spins from step 5; both of its choices are cut short and cpu0 runs until its unlock.
    expect(s.slice(0, 5)).toEqual(['0:map.alloc', '0:map.lock', '1:map.alloc', '0:map.add', '0:map.unlock']);
    expect(r.world.cpus.every((c) => c.done)).toBe(true);
  });

  it('a schedule naming a CPU that does not exist is ignored', () => {
    const a = demo(MAP_UNMAP, [{ t: 'run', cpu: 7, n: 3 }]);
    const b = demo(MAP_UNMAP, []);
    expect(a.world.trace.events).toEqual(b.world.trace.events);
  });
});

describe('seeded random schedule', () => {
  const programs = demoPrograms('runner-test', 12);

  it('the same seed gives the same trace twice', () => {
    const a = demo(programs, seededSchedule('seed-1', 80));
    const b = demo(programs, seededSchedule('seed-1', 80));
    expect(a.world.trace.events.length).toBeGreaterThan(50);
    expect(b.world.trace.events).toEqual(a.world.trace.events);
    expect(b.steps).toBe(a.steps);
  });

  it('a different seed gives a different interleaving', () => {
    const a = demo(programs, seededSchedule('seed-1', 80));
    const b = demo(programs, seededSchedule('seed-2', 80));
    expect(steps(b.world)).not.toEqual(steps(a.world));
    expect(a.ending).toBe('done');
    expect(b.ending).toBe('done');
  });

  it('replaying the executed schedule (with irqs and speculative fills) reproduces the run', () => {
    const irq: Op = { id: 500, op: 'vm_map_ram', pages: 1 };
    const sched: Choice[] = [...seededSchedule('seed-3', 40, 2, 4, 0.2)];
    sched.splice(7, 0, { t: 'irq', cpu: 1, kind: 'hardirq', op: irq });
    const a = demo(programs, sched);
    expect(a.executed.some((c) => c.t === 'spec')).toBe(true);
    expect(a.executed.some((c) => c.t === 'irq')).toBe(true);
    const b = demo(programs, [...a.executed]);
    expect(b.world.trace.events).toEqual(a.world.trace.events);
  });

  it('the schedule is built from the seed only', () => {
    expect(seededSchedule('x', 30)).toEqual(seededSchedule('x', 30));
    expect(seededSchedule('x', 30)).not.toEqual(seededSchedule('y', 30));
  });
});

describe('fallback policy', () => {
  it('with an empty schedule, CPU 0 runs to completion before CPU 1 starts', () => {
    const r = demo(MAP_UNMAP, []);
    const cpus = steps(r.world).map((s) => s[0]);
    const firstOne = cpus.indexOf('1');
    expect(firstOne).toBeGreaterThan(0);
    expect(cpus.slice(0, firstOne).every((c) => c === '0')).toBe(true);
    expect(cpus.slice(firstOne).every((c) => c === '1')).toBe(true);
  });

  it('when CPU 0 blocks, CPU 1 runs and keeps running until it finishes', () => {
    // cpu0 first touches the handle cpu1 creates, so it waits for it.
    const programs: Op[][] = [
      [{ id: 2, op: 'touch', h: 1, page: 0 }, { id: 3, op: 'vm_map_ram', pages: 1 }],
      [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 4, op: 'touch', h: 1, page: 0 }],
    ];
    const r = demo(programs, []);
    const s = steps(r.world);
    expect(s).toEqual([
      '1:map.alloc', '1:map.lock', '1:map.add', '1:map.unlock', '1:map.pte', '1:*(volatile char *)(addr + i * PAGE_SIZE)',
      '0:wait for the handle another CPU is creating', '0:*(volatile char *)(addr + i * PAGE_SIZE)',
      '0:map.alloc', '0:map.lock', '0:map.add', '0:map.unlock', '0:map.pte',
    ]);
    expect(r.world.violations).toEqual([]);
  });

  it('stops at the step limit', () => {
    const r = run({ programs: MAP_UNMAP, schedule: [] }, { variant: DEMO, layout: TINY, cpus: 2, maxSteps: 5 });
    expect(r.ending).toBe('step-limit');
    expect(r.steps).toBe(5);
  });
});
