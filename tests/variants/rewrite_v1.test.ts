/**
 * Scenario tests for `rewrite-v1` (the rewrite as first posted, 2008-08-18), against the
 * reference port rewrite-v2: the combined vm_unmap_ram BUG_ON, LAZY_MAX's int arithmetic,
 * the placement of addr_to_vb_idx(), and v2's behaviour everywhere else.
 */
import { randomScenario } from '../support/random_scenario';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { run, type RunOptions, type RunResult } from '../../model/engine/runner';
import type { Op, Scenario } from '../../model/engine/program';
import { allSites } from '../../model/exec/site';
import { KernelPanic } from '../../model/kernel/assert';
import { TINY, X86_32, X86_64, type Layout } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import type { Rw } from '../../model/variants/rewrite-v2/state';
import { LAZY_MAX, rewriteV1 } from '../../model/variants/rewrite-v1/index';
import { drain, mkWorld } from '../support/kctx';

const P = 4096n;

function go(variant: Variant, scn: Scenario, o: Partial<RunOptions> = {}): RunResult {
  return run(scn, { variant, layout: TINY, cpus: 1, teardown: false, trace: true, ...o });
}

/** The (fn: stmt) of every step, in order. */
function stepSites(r: RunResult): string[] {
  const S = allSites();
  return r.world.trace.events.flatMap((e) => (e.t === 'step' ? [`${S[e.site]!.fn}: ${S[e.site]!.stmt}`] : []));
}

/** Call vm_unmap_ram(addr, 1) directly on a fresh world; the splat it panics with. */
function unmapRamSplat(variant: Variant, addr: bigint): string {
  const { w, ks } = mkWorld(1, TINY);
  variant.init(w);
  try {
    drain(variant.api.vm_unmap_ram(ks[0]!, addr, 1));
  } catch (e) {
    if (e instanceof KernelPanic) return `${e.splat.kind} ${e.splat.fn}: ${e.splat.message}`;
    throw e;
  }
  return 'no panic';
}

describe('rewrite-v1: vm_unmap_ram has one combined BUG_ON', () => {
  const bad: [string, bigint, string][] = [
    ['NULL', 0n, '!addr'],
    ['below VMALLOC_START', TINY.VMALLOC_START - P, 'addr < VMALLOC_START'],
    ['above VMALLOC_END', TINY.VMALLOC_END + P, 'addr > VMALLOC_END'],
    ['not page aligned', TINY.VMALLOC_START + 8n, 'addr & (PAGE_SIZE-1)'],
  ];
  for (const [name, addr, v2cond] of bad) {
    it(`${name}: v1 prints the whole condition, v2 the one test that failed`, () => {
      expect(unmapRamSplat(rewriteV1, addr)).toBe(
        'BUG vm_unmap_ram: kernel BUG: BUG_ON(!addr || addr < VMALLOC_START || addr > VMALLOC_END || (addr & (PAGE_SIZE-1)))',
      );
      expect(unmapRamSplat(rewriteV2, addr)).toBe(`BUG vm_unmap_ram: kernel BUG: BUG_ON(${v2cond})`);
    });
  }

  it('a valid address passes the BUG_ON (and reaches vb_free)', () => {
    const r = go(rewriteV1, { programs: [[{ id: 1, op: 'vm_map_ram', pages: 2 }, { id: 2, op: 'vm_unmap_ram', h: 1 }]], schedule: [] });
    expect(r.ending).toBe('done');
    expect(r.world.violations).toEqual([]);
    expect(stepSites(r)).toContain('vb_free: spin_unlock(&vb->lock)');
  });
});

/** LAZY_MAX and v2's lazy_max_pages() (through each variant's function table) on `cpus` CPUs. */
function lazyLimits(layout: Layout, cpus: number): { v1: bigint; v2: bigint } {
  const out = { v1: 0n, v2: 0n };
  for (const [key, variant] of [['v1', rewriteV1], ['v2', rewriteV2]] as const) {
    const { w, ks } = mkWorld(cpus, layout);
    variant.init(w);
    out[key] = (w.layer as Rw).fn.lazy_max_pages(ks[0]!);
  }
  return out;
}

describe('rewrite-v1: LAZY_MAX', () => {
  it('equals v2 lazy_max_pages() on the real and tiny layouts, 1-4 CPUs', () => {
    for (const layout of [TINY, X86_32, X86_64]) {
      for (let cpus = 1; cpus <= 4; cpus++) {
        const { v1, v2 } = lazyLimits(layout, cpus);
        expect(v1).toBe(v2);
      }
    }
    // x86: fls(cpus) * 8192 pages; TINY: fls(cpus) * 4 pages.
    expect(lazyLimits(X86_32, 4).v1).toBe(3n * 8192n);
    expect(lazyLimits(TINY, 2).v1).toBe(2n * 4n);
    const { w, ks } = mkWorld(3, X86_32);
    rewriteV1.init(w);
    expect(LAZY_MAX(ks[0]!)).toBe(2n * 8192n);
  });

  it('multiplies in 32-bit int, then converts to unsigned long (visible only past 2^31 bytes)', () => {
    // fls(2) * 2^30 = 2^31 overflows int to -2^31.
    const big: Layout = { ...X86_64, name: 'x86-64-1G', LAZY_BYTES_PER_LOG: 1n << 30n };
    // 64-bit: -2^31 sign-extends to 2^64 - 2^31, then / 4096; v2's 32UL product does not wrap.
    expect(lazyLimits(big, 2)).toEqual({ v1: ((1n << 64n) - (1n << 31n)) / 4096n, v2: 1n << 19n });
    // 32-bit: reduced modulo 2^32 the wrap is invisible.
    expect(lazyLimits({ ...X86_32, name: 'x86-32-1G', LAZY_BYTES_PER_LOG: 1n << 30n }, 2)).toEqual({ v1: 1n << 19n, v2: 1n << 19n });
  });
});

describe('rewrite-v1: addr_to_vb_idx() inside the radix tree calls', () => {
  // Two 4-page vm_map_rams fill one 8-page block; unmapping both frees it.
  const programs: Op[][] = [[
    { id: 1, op: 'vm_map_ram', pages: 4 }, { id: 2, op: 'vm_map_ram', pages: 4 },
    { id: 3, op: 'vm_unmap_ram', h: 1 }, { id: 4, op: 'vm_unmap_ram', h: 2 },
  ]];

  it('same steps as v2, minus free_vmap_block\'s separate vb_idx load, with v1\'s statements', () => {
    const v1 = go(rewriteV1, { programs, schedule: [] });
    const v2 = go(rewriteV2, { programs, schedule: [] });
    for (const r of [v1, v2]) {
      expect(r.ending).toBe('done');
      expect(r.world.violations).toEqual([]);
      expect(r.world.metrics.blocksFreed).toBe(1);
    }
    const rename: Record<string, string> = {
      'new_vmap_block: err = radix_tree_insert(&vmap_block_tree, vb_idx, vb)': 'new_vmap_block: err = radix_tree_insert(&vmap_block_tree, addr_to_vb_idx(va->va_start), vb)',
      'free_vmap_block: tmp = radix_tree_delete(&vmap_block_tree, vb_idx)': 'free_vmap_block: tmp = radix_tree_delete(&vmap_block_tree, addr_to_vb_idx(vb->va->va_start))',
      'vb_free: vb = radix_tree_lookup(&vmap_block_tree, vb_idx)': 'vb_free: vb = radix_tree_lookup(&vmap_block_tree, addr_to_vb_idx((unsigned long)addr))',
    };
    const s2 = stepSites(v2);
    const idx = 'free_vmap_block: vb_idx = addr_to_vb_idx(vb->va->va_start)';
    expect(s2.filter((s) => s === idx).length).toBe(1);
    expect(stepSites(v1)).toEqual(s2.filter((s) => s !== idx).map((s) => rename[s] ?? s));
    expect(v1.steps).toBe(v2.steps - 1);
  });

  it('v1 loads vb->va->va_start under vmap_block_tree_lock; v2 before taking it', () => {
    const s1 = stepSites(go(rewriteV1, { programs, schedule: [] }));
    const s2 = stepSites(go(rewriteV2, { programs, schedule: [] }));
    const lock = 'free_vmap_block: spin_lock(&vmap_block_tree_lock)';
    expect(s1[s1.indexOf(lock) + 1]).toBe('free_vmap_block: tmp = radix_tree_delete(&vmap_block_tree, addr_to_vb_idx(vb->va->va_start))');
    expect(s2[s2.indexOf(lock) - 1]).toBe('free_vmap_block: vb_idx = addr_to_vb_idx(vb->va->va_start)');
  });
});


describe('rewrite-v1: otherwise v2', () => {
  it('one CPU, default schedule: the same handles, splats, counters and final state as v2', () => {
    const rng = seedrandom('rewrite-v1-vs-v2');
    for (let n = 0; n < 150; n++) {
      const scn = randomScenario(rng, 1, false, 8);
      const a = run(scn, { variant: rewriteV1, layout: TINY, cpus: 1 });
      const b = run(scn, { variant: rewriteV2, layout: TINY, cpus: 1 });
      const sum = (r: RunResult) => ({
        ending: r.ending,
        handles: [...r.harness.handles.values()].map((h) => [h.id, h.addr, h.life.stateName]),
        violations: r.world.violations.map((v) => [v.property, v.splat.fn, v.splat.stmt, v.splat.message]),
        assertions: r.world.assertions.map((s) => [s.fn, s.stmt, s.message]),
        metrics: r.world.metrics,
        areas: r.world.layer === null ? [] : rewriteV2.view(r.world).areas(),
      });
      expect(sum(a), JSON.stringify(scn)).toEqual(sum(b));
    }
  });
});
