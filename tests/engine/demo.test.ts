/**
 * The demo variant end to end: an RCU list walk racing with removal (safe with
 * list_del_rcu + call_rcu, an oops with list_del + kfree), a speculative TLB fill of a
 * released page cleaned up by the flush, teardown, and a small seeded exploration.
 */
import { describe, it, expect } from 'vitest';
import { run, type RunResult } from '../../model/engine/runner';
import type { Choice, Op } from '../../model/engine/program';
import { TINY } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { TLB_ALIAS, TLB_EV, TLB_ST } from '../../model/lifecycles/tlb_alias';
import { DEMO, DEMO_UNMAP, demoPrograms, makeDemoVariant, seededSchedule } from '../support/demo_variant';

/** Run on two CPUs with tracing. */
function go(variant: Variant, programs: Op[][], schedule: Choice[]): RunResult {
  return run({ programs, schedule }, { variant, layout: TINY, cpus: 2, trace: true });
}

describe('list walk racing with removal', () => {
  // cpu0 maps A then walks to unmap it; cpu1 maps B (at the list head) and unmaps it while
  // cpu0's walk stands on B.
  const programs: Op[][] = [
    [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 3, op: 'vm_unmap_ram', h: 1 }],
    [{ id: 2, op: 'vm_map_ram', pages: 1 }, { id: 4, op: 'vm_unmap_ram', h: 2 }],
  ];
  const schedule: Choice[] = [
    { t: 'run', cpu: 0, n: 5 },
    { t: 'run', cpu: 1, n: 6 },
    { t: 'run', cpu: 0, n: 2 },
    { t: 'run', cpu: 1, n: 20 },
  ];

  it('list_del + kfree under a walker is an oops on the walking CPU', () => {
    const r = go(makeDemoVariant({ unsafeFree: true }), programs, schedule);
    expect(r.ending).toBe('panic');
    expect(r.world.violations.map((v) => v.property)).toEqual(['no_oops']);
    const s = r.world.violations[0]!.splat;
    expect([s.cpu, s.fn, s.stmt]).toEqual([0, 'demo_vm_unmap_ram', DEMO_UNMAP.walk.stmt]);
    expect(s.message).toMatch(/freed demo_map#2/);
  });

  it('list_del_rcu + call_rcu lets the walker continue; the free waits for it', () => {
    const r = go(DEMO, programs, schedule);
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    const ev = r.world.trace.events;
    const rcu = ev.findIndex((e) => e.t === 'rcu' && e.label === 'demo_free_rcu(demo_map#2)');
    const walks0 = ev.flatMap((e, i) => (e.t === 'step' && e.cpu === 0 && e.site === DEMO_UNMAP.walk.id ? [i] : []));
    expect(walks0.length).toBe(2);
    const lastWalk0 = walks0[1]!;
    const unmapEnd1 = ev.findIndex((e) => e.t === 'call' && e.op === '#4 vm_unmap_ram(#2)' && e.phase === 'end');
    expect(unmapEnd1).toBeGreaterThan(0);
    expect(rcu).toBeGreaterThan(unmapEnd1);
    expect(rcu).toBeGreaterThan(lastWalk0);
    expect(r.world.slab.live.size).toBe(0);
  });
});

describe('speculative TLB fill', () => {
  it('can cache a released page; the unmap flush removes it from that CPU', () => {
    const programs: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }], []];
    // After 10 steps cpu0 has released the page and is about to clear its PTE.
    const r = go(DEMO, programs, [{ t: 'run', cpu: 0, n: 10 }, { t: 'spec', cpu: 1, pick: 0 }, { t: 'run', cpu: 0, n: 50 }]);
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    const spec = r.world.trace.events.find((e) => e.t === 'tlb' && e.what === 'spec');
    expect(spec).toMatchObject({ i: 10, cpu: 1, vpn: r.world.mm.vpn(0xf8810000n) });
    const c = r.world.coverage.counters(TLB_ALIAS);
    const taken = (st: number, ev: number): number => c.taken[st * TLB_ALIAS.events.length + ev]!;
    expect(taken(TLB_ST.alias_pte, TLB_EV.FILL)).toBe(1);
    expect(taken(TLB_ST.alias_cached, TLB_EV.CLEAR_PTE)).toBe(1);
    expect(taken(TLB_ST.alias_stale, TLB_EV.FLUSH)).toBe(1);
    expect(r.world.cpus[1]!.tlb.size).toBe(0);
    expect(r.world.mm.alias.aliases()).toEqual([]);
  });

  it('fills the pick-th present PTE (mod the count) into the named CPU only', () => {
    const programs: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 2 }], []];
    const schedule: Choice[] = [{ t: 'run', cpu: 0, n: 7 }, { t: 'spec', cpu: 1, pick: 3 }];
    const r = run({ programs, schedule }, { variant: DEMO, layout: TINY, cpus: 2, trace: true, teardown: false });
    const vpn = r.world.mm.vpn(0xf8810000n) + 1;
    expect([...r.world.cpus[1]!.tlb]).toEqual([[vpn, r.harness.handles.get(1)!.pages[1]]]);
    expect(r.world.cpus[0]!.tlb.size).toBe(0);
    expect([r.world.mm.alias.stateName(vpn, 0), r.world.mm.alias.stateName(vpn, 1)]).toEqual(['mapped', 'mapped_cached']);
  });

  it('is ignored when no PTE is present', () => {
    const r = go(DEMO, [[{ id: 1, op: 'vm_map_ram', pages: 1 }], []], [{ t: 'spec', cpu: 1, pick: 3 }]);
    expect(r.world.trace.events.some((e) => e.t === 'tlb')).toBe(false);
  });
});

describe('teardown', () => {
  it('unmaps what is still live, runs vm_unmap_aliases and drains RCU', () => {
    const programs: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 3 }], [{ id: 2, op: 'vm_map_ram', pages: 2 }]];
    const r = go(DEMO, programs, []);
    expect(r.ending).toBe('done');
    expect(r.world.mm.pte.size).toBe(0);
    expect(r.world.slab.live.size).toBe(0);
    expect(r.world.rcu.queue.length).toBe(0);
    expect(DEMO.view(r.world).areas()).toEqual([]);
    expect([...r.harness.handles.values()].map((h) => h.life.stateName)).toEqual(['released', 'released']);
  });
});

describe('seeded exploration of the demo', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => `explore-${i}`);
  const explore = (v: Variant): string[] =>
    seeds.map((s) => {
      const r = run({ programs: demoPrograms(s, 20), schedule: seededSchedule(s, 150, 2, 4, 0.1) }, { variant: v, layout: TINY, cpus: 2 });
      return `${r.ending}:${r.world.violations.map((x) => x.property).join(',')}`;
    });

  it('the correct demo breaks no property under any of the seeds', () => {
    expect(new Set(explore(DEMO))).toEqual(new Set(['done:']));
  });

  it('the buggy demo (list_del + kfree) oopses under some seeds', () => {
    const out = explore(makeDemoVariant({ unsafeFree: true }));
    expect(out).toContain('panic:no_oops');
    expect(out.every((o) => o === 'done:' || o === 'panic:no_oops')).toBe(true);
  });
});
