/**
 * Scenario tests for the `vanilla` variant (2.6.26 mm/vmalloc.c, before the rewrite).
 */
import { randomScenario } from '../support/random_scenario';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { run, type RunOptions, type RunResult } from '../../model/engine/runner';
import type { Choice, Op, Scenario } from '../../model/engine/program';
import { allSites } from '../../model/exec/site';
import type { World } from '../../model/engine/world';
import { KernelPanic } from '../../model/kernel/assert';
import { TINY, TINY_TOP, X86_32, type Layout } from '../../model/config/layout';
import { vanilla } from '../../model/variants/vanilla/index';

const P = 4096n;

function go(scn: Scenario, o: Partial<RunOptions> & { layout?: Layout; cpus?: number } = {}): RunResult {
  return run(scn, { variant: vanilla, layout: TINY, cpus: 1, teardown: false, trace: true, ...o });
}

/** Step number at which API op `id` returned (from the trace). */
function endStep(r: RunResult, id: number): number {
  const e = r.world.trace.events.find((x) => x.t === 'call' && x.phase === 'end' && x.op.startsWith(`#${id} `));
  if (e === undefined) throw new Error(`op #${id} never ended`);
  return e.i;
}

/** The (fn, stmt) of every step, in order. */
function stepSites(r: RunResult): string[] {
  const S = allSites();
  return r.world.trace.events.flatMap((e) => (e.t === 'step' ? [`${S[e.site]!.fn}: ${S[e.site]!.stmt}`] : []));
}

/** Record, after each API call returns, what a property would look at. */
function recorder() {
  const at = new Map<number, { flushes: number; ipis: number; ptes: number; steps: number; tlb1: number }>();
  const afterCall = [
    (w: World, op: Op, start: number) => {
      at.set(op.id, { flushes: w.mm.flushes, ipis: w.mm.ipis, ptes: w.mm.pte.size, steps: w.stepNo - start, tlb1: w.cpus[1]?.tlb.size ?? 0 });
    },
  ];
  return { at, checks: { afterCall } };
}

describe('vanilla: vunmap is an eager global unmap', () => {
  for (const cpus of [2, 3, 4]) {
    it(`clears the PTEs and flushes every TLB inside vunmap (${cpus} CPUs: ${cpus - 1} IPIs)`, () => {
      const programs: Op[][] = [
        [{ id: 1, op: 'vmap', pages: 2 }, { id: 2, op: 'touch', h: 1, page: 0 }, { id: 3, op: 'vunmap', h: 1 }],
        [{ id: 4, op: 'touch', h: 1, page: 1 }],
      ];
      const dry = go({ programs, schedule: [] }, { cpus });
      const schedule: Choice[] = [{ t: 'run', cpu: 0, n: endStep(dry, 1) }, { t: 'run', cpu: 1, n: 10 }];
      const rec = recorder();
      const r = go({ programs, schedule }, { cpus, checks: rec.checks });
      const w = r.world;
      expect(r.ending).toBe('done');
      expect(w.violations).toEqual([]);
      // vmap maps without flushing; CPU 1 then caches page 1.
      expect(rec.at.get(1)).toMatchObject({ flushes: 0, ipis: 0, ptes: 2 });
      expect(rec.at.get(4)!.tlb1).toBe(1);
      // When vunmap returns, the PTEs are gone and one flush reached every other CPU.
      expect(rec.at.get(3)).toMatchObject({ flushes: 1, ipis: cpus - 1, ptes: 0, tlb1: 0 });
      for (const c of w.cpus) expect(c.tlb.size).toBe(0);
      expect(vanilla.view(w).areas()).toEqual([]);
      // ... and the flush ran under vmlist_lock, before the area left vmlist.
      const s = stepSites(r);
      const flush = s.indexOf('unmap_kernel_range: flush_tlb_kernel_range(start, end)');
      const unlink = s.indexOf('__remove_vm_area: *p = tmp->next; tmp->size -= PAGE_SIZE;');
      const unlock = s.lastIndexOf('remove_vm_area: write_unlock(&vmlist_lock)');
      expect(flush).toBeGreaterThan(0);
      expect(flush).toBeLessThan(unlink);
      expect(unlink).toBeLessThan(unlock);
      // unmap_kernel_range covers the guard page too: 3 PTE clears for a 2-page vmap.
      expect(s.filter((x) => x.startsWith('vunmap_pte_range:')).length).toBe(3);
    });
  }
});

describe('vanilla: vmlist first fit', () => {
  it('vmalloc(n) places consecutive areas with one guard page after each', () => {
    const programs: Op[][] = [[{ id: 1, op: 'vmalloc', pages: 2 }, { id: 2, op: 'vmalloc', pages: 3 }, { id: 3, op: 'vmalloc', pages: 1 }]];
    const r = go({ programs, schedule: [] });
    const w = r.world;
    const S = TINY.VMALLOC_START;
    expect(r.ending).toBe('done');
    expect(w.violations).toEqual([]);
    expect([1, 2, 3].map((id) => r.harness.handles.get(id)!.addr)).toEqual([S, S + 3n * P, S + 7n * P]);
    const areas = vanilla.view(w).areas();
    expect(areas.map((a) => [a.va_start, a.va_end - a.va_start])).toEqual([
      [S, 3n * P],
      [S + 3n * P, 4n * P],
      [S + 7n * P, 2n * P],
    ]);
    for (const a of areas) expect(a).toMatchObject({ flags: ['VM_ALLOC'], vstart: TINY.VMALLOC_START, vend: TINY.VMALLOC_END, state: 'allocated' });
    for (let i = 1; i < areas.length; i++) expect(areas[i]!.va_start).toBe(areas[i - 1]!.va_end);
    // Guard pages are never mapped.
    for (const g of [S + 2n * P, S + 6n * P, S + 8n * P]) expect(w.mm.pte_none(w.mm.vpn(g))).toBe(true);
    expect(vanilla.view(w).structureProblems()).toEqual([]);
    // kmemleak roots: three vm_structs and their three kmalloc'd pages arrays.
    expect(vanilla.view(w).reachable().size).toBe(6);
    expect([...w.slab.live.keys()].every((id) => vanilla.view(w).reachable().has(id))).toBe(true);
  });

  it('fills the hole a vfree leaves (first fit from VMALLOC_START)', () => {
    const programs: Op[][] = [[
      { id: 1, op: 'vmalloc', pages: 2 }, { id: 2, op: 'vmalloc', pages: 2 }, { id: 3, op: 'vfree', h: 1 }, { id: 4, op: 'vmalloc', pages: 1 },
    ]];
    const r = go({ programs, schedule: [] });
    expect(r.harness.handles.get(4)!.addr).toBe(TINY.VMALLOC_START);
    expect(vanilla.view(r.world).structureProblems()).toEqual([]);
  });

  it('fails when vmalloc space is exhausted (NULL -> MAP_FAIL) and succeeds again after a vfree', () => {
    // TINY has 48 pages: 21 + 21 are taken, 11 more do not fit.
    const programs: Op[][] = [[
      { id: 1, op: 'vmalloc', pages: 20 }, { id: 2, op: 'vmalloc', pages: 20 }, { id: 3, op: 'vmalloc', pages: 10 },
      { id: 4, op: 'vfree', h: 1 }, { id: 5, op: 'vmalloc', pages: 10 },
    ]];
    const r = run({ programs, schedule: [] }, { variant: vanilla, layout: TINY, cpus: 1, trace: true });
    const w = r.world;
    expect(r.ending).toBe('done');
    expect(w.violations).toEqual([]);
    expect(r.harness.handles.has(3)).toBe(false);
    expect(w.metrics.allocFailures).toBe(1);
    expect(w.reached.has('alloc_failed')).toBe(true);
    expect(w.reached.has('alloc_failed_and_recovered')).toBe(true);
    expect(r.harness.handles.get(5)!.addr).toBe(TINY.VMALLOC_START);
    // The failed attempt kfree'd its vm_struct on the `out:` path; teardown freed the rest.
    expect(stepSites(r)).toContain('__get_vm_area_node: kfree(area)');
    expect(w.slab.live.size).toBe(0);
    expect(w.mm.livePages.size).toBe(0);
  });

  it('fits an area that ends exactly at VMALLOC_END and refuses one page more', () => {
    const ok = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 47 }, { id: 2, op: 'vmalloc', pages: 1 }]], schedule: [] });
    expect(ok.harness.handles.get(1)!.addr).toBe(TINY.VMALLOC_START);
    expect(vanilla.view(ok.world).areas()[0]!.va_end).toBe(TINY.VMALLOC_END);
    expect(ok.harness.handles.has(2)).toBe(false);
    const no = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 48 }]], schedule: [] });
    expect(no.harness.handles.has(1)).toBe(false);
    // At the top of the address space the same arithmetic must not wrap into a false fit.
    const top = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 47 }, { id: 2, op: 'vmalloc', pages: 1 }]], schedule: [] }, { layout: TINY_TOP });
    expect(top.harness.handles.get(1)!.addr).toBe(TINY_TOP.VMALLOC_START);
    expect(top.harness.handles.has(2)).toBe(false);
    expect(top.world.violations).toEqual([]);
  });
});

describe('vanilla: error paths', () => {
  it('vmap: a failing pte_alloc_kernel makes map_vm_area fail, and vmap vunmaps the area', () => {
    // allocation attempts: 0 = kmalloc_node(vm_struct), 1 = pte_alloc_one_kernel
    const r = go({ programs: [[{ id: 1, op: 'vmap', pages: 2 }]], schedule: [], faults: [1] });
    expect(r.harness.handles.has(1)).toBe(false);
    expect(r.world.violations).toEqual([]);
    expect(vanilla.view(r.world).areas()).toEqual([]);
    expect(r.world.slab.live.size).toBe(0);
  });

  it('vmalloc: a failing pages-array kmalloc removes the area and kfrees it', () => {
    const r = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 2 }]], schedule: [], faults: [1] });
    expect(r.harness.handles.has(1)).toBe(false);
    expect(stepSites(r)).toContain('__vmalloc_area_node: kfree(area)');
    expect(r.world.slab.live.size).toBe(0);
  });

  it('vmalloc: a failing alloc_page sets nr_pages = i and vfree frees the i pages', () => {
    // 0 = vm_struct, 1 = pages array, 2..4 = alloc_page: the second page fails
    const r = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 3 }]], schedule: [], faults: [3] });
    const s = stepSites(r);
    expect(r.harness.handles.has(1)).toBe(false);
    expect(s.filter((x) => x === '__vunmap: __free_page(page)').length).toBe(1);
    expect(r.world.mm.livePages.size).toBe(0);
    expect(r.world.slab.live.size).toBe(0);
    expect(r.world.violations).toEqual([]);
  });

  it('a pages array above PAGE_SIZE is vmalloc\'d (VM_VPAGES) and vfree\'d with the area', () => {
    // x86-32: 1025 * sizeof(struct page *) = 4100 > PAGE_SIZE
    const r = run({ programs: [[{ id: 1, op: 'vmalloc', pages: 1025 }, { id: 2, op: 'touch', h: 1, page: 1024 }]], schedule: [] }, {
      variant: vanilla, layout: X86_32, cpus: 1, teardown: false,
    });
    const v = vanilla.view(r.world);
    expect(v.areas().map((a) => [a.flags, (a.va_end - a.va_start) / P])).toEqual([
      [['VM_ALLOC', 'VM_VPAGES'], 1026n],
      [['VM_ALLOC'], 3n], // the nested vmalloc of the 4100-byte array (2 pages + guard)
    ]);
    const done = run({ programs: [[{ id: 1, op: 'vmalloc', pages: 1025 }, { id: 2, op: 'vfree', h: 1 }]], schedule: [] }, {
      variant: vanilla, layout: X86_32, cpus: 1, teardown: false,
    });
    expect(done.world.violations).toEqual([]);
    expect(vanilla.view(done.world).areas()).toEqual([]);
    expect(done.world.mm.livePages.size).toBe(0);
    expect(done.world.slab.live.size).toBe(0);
    expect(done.world.mm.flushes).toBe(2); // the area, then its pages array
  });

  it('a second vfree of the same address WARNs "nonexistent vm area" (misuse: an assertion, not a violation)', () => {
    const r = go({ programs: [[{ id: 1, op: 'vmalloc', pages: 1 }, { id: 2, op: 'unmap_again', h: 1 }]], schedule: [] });
    expect(r.world.violations).toEqual([]);
    expect(r.world.assertions.map((a) => [a.kind, a.fn])).toEqual([['WARN', '__vunmap']]);
    expect(r.world.assertions[0]!.message).toContain('Trying to vfree() nonexistent vm area');
  });
});

describe('vanilla: the rewrite\'s API mapped onto vmap/vunmap', () => {
  it('vm_map_ram is vmap(pages, count, VM_MAP, PAGE_KERNEL) and vm_unmap_ram is vunmap', () => {
    const ram: Op[][] = [[{ id: 1, op: 'vm_map_ram', pages: 3 }, { id: 2, op: 'touch', h: 1, page: 2 }, { id: 3, op: 'vm_unmap_ram', h: 1 }]];
    const plain: Op[][] = [[{ id: 1, op: 'vmap', pages: 3 }, { id: 2, op: 'touch', h: 1, page: 2 }, { id: 3, op: 'vunmap', h: 1 }]];
    const rec = recorder();
    const a = go({ programs: ram, schedule: [] }, { cpus: 2, checks: rec.checks });
    const b = go({ programs: plain, schedule: [] }, { cpus: 2 });
    expect(a.world.violations).toEqual([]);
    expect(a.harness.handles.get(1)!.addr).toBe(TINY.VMALLOC_START);
    expect(stepSites(a)).toEqual(stepSites(b));
    expect(rec.at.get(3)).toMatchObject({ flushes: 1, ipis: 1, ptes: 0 });
  });

  it('vm_map_ram creates a VM_MAP vm_struct', () => {
    const r = go({ programs: [[{ id: 1, op: 'vm_map_ram', pages: 2 }]], schedule: [] });
    expect(vanilla.view(r.world).areas().map((x) => x.flags)).toEqual([['VM_MAP']]);
  });

  it('vm_unmap_aliases is a no-op: no steps, no flush, no PTE change', () => {
    const rec = recorder();
    const r = go({ programs: [[{ id: 1, op: 'vmap', pages: 2 }, { id: 2, op: 'vm_unmap_aliases' }]], schedule: [] }, { cpus: 2, checks: rec.checks });
    expect(rec.at.get(2)).toEqual({ ...rec.at.get(1)!, steps: 0 });
    expect(r.world.mm.flushes).toBe(0);
    expect(r.world.mm.pte.size).toBe(2);
  });
});

describe('vanilla: BUG_ON(in_interrupt())', () => {
  const cases: [string, Op, string][] = [
    ['vfree from a hardirq', { id: 10, op: 'vfree', h: 1 }, 'vfree'],
    ['vunmap of a vmalloc handle runs vfree', { id: 10, op: 'vunmap', h: 1 }, 'vfree'],
    ['vmalloc from a hardirq', { id: 10, op: 'vmalloc', pages: 1 }, '__get_vm_area_node'],
    ['vmap from a hardirq', { id: 10, op: 'vmap', pages: 1 }, '__get_vm_area_node'],
  ];
  for (const [name, op, fn] of cases) {
    it(`${name} hits BUG_ON(in_interrupt()) -> no_bug`, () => {
      const programs: Op[][] = [[{ id: 2, op: 'touch', h: 1, page: 0 }], [{ id: 1, op: 'vmalloc', pages: 2 }]];
      const schedule: Choice[] = [{ t: 'run', cpu: 1, n: 1000 }, { t: 'irq', cpu: 0, kind: 'hardirq', op }, { t: 'run', cpu: 0, n: 100 }];
      const r = go({ programs, schedule }, { cpus: 2 });
      expect(r.ending).toBe('panic');
      expect(r.world.violations.map((v) => [v.property, v.splat.kind, v.splat.fn, v.splat.context])).toEqual([['no_bug', 'BUG', fn, 'hardirq']]);
      expect(r.world.violations[0]!.splat.message).toContain('in_interrupt()');
    });
  }

  it('vunmap from a softirq hits it too', () => {
    const programs: Op[][] = [[{ id: 2, op: 'touch', h: 1, page: 0 }], [{ id: 1, op: 'vmap', pages: 2 }]];
    const schedule: Choice[] = [{ t: 'run', cpu: 1, n: 1000 }, { t: 'irq', cpu: 0, kind: 'softirq', op: { id: 10, op: 'vunmap', h: 1 } }];
    const r = go({ programs, schedule }, { cpus: 2 });
    expect(r.world.violations.map((v) => [v.property, v.splat.fn, v.splat.context])).toEqual([['no_bug', 'vunmap', 'softirq']]);
  });
});


describe('vanilla: random programs', () => {
  for (const layout of [TINY, TINY_TOP, X86_32]) {
    it(`1-4 CPUs on ${layout.name}: only KernelPanic may end a run early`, () => {
      const rng = seedrandom(`vanilla-${layout.name}`);
      const endings = new Map<string, number>();
      for (let n = 0; n < 300; n++) {
        const cpus = 1 + (n % 4);
        const scn = randomScenario(rng, cpus);
        let r: RunResult;
        try {
          r = run(scn, { variant: vanilla, layout, cpus, maxSteps: 50_000 });
        } catch (e) {
          expect(e instanceof KernelPanic, `scenario ${JSON.stringify(scn)} threw ${String(e)}`).toBe(true);
          continue;
        }
        endings.set(r.ending, (endings.get(r.ending) ?? 0) + 1);
      }
      expect([...endings.values()].reduce((a, b) => a + b, 0)).toBe(300);
    });
  }
});
