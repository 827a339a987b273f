/**
 * The aligned lib/test_vmalloc.c cases (fix_align, random_size_align, align_shift) on every
 * base variant and every -fixed one, x86-32 and x86-64: they run to the end without a
 * JavaScript exception, every address an aligned vmalloc returns is aligned as asked, and
 * align_shift's failures are exactly the alignments no address of [VMALLOC_START,
 * VMALLOC_END) satisfies — judged by exact integer arithmetic here, never by the allocator's.
 *
 * On vanilla and the unfixed rewrites a large align makes the C's unsigned `ALIGN(start,
 * align)` wrap past ULONG_MAX (the rewrites' F5; vanilla's first fit has the same unchecked
 * ALIGN, unreachable in 2.6.26, whose only align is VM_IOREMAP's <= 1 << IOREMAP_MAX_ORDER):
 * the area lands at 0, outside the range, and areas_in_range reports it.
 */
import { describe, expect, it } from 'vitest';
import { X86_32, X86_64, type Layout } from '../../model/config/layout';
import type { Op, Scenario } from '../../model/engine/program';
import { run, type RunResult } from '../../model/engine/runner';
import { HarnessInputError } from '../../model/engine/harness';
import type { Variant } from '../../model/engine/variant';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import { checksFor } from '../../properties/index';
import { generate, threadSize, workloadByName } from '../../explore/workloads';

const ALL: readonly Variant[] = [...VARIANTS, ...FIXED_VARIANT_NAMES.map((n) => variantByName(n))];
const FIXED = new Set(FIXED_VARIANT_NAMES);
const LAYOUTS: readonly Layout[] = [X86_32, X86_64];
/** F2 (flush_cache_vmap from the end of the range): every vmalloc of an unfixed rewrite breaks it. */
const F2_PROPERTY = 'flush_cache_vmap_covers_mapping';

type Aligned = Extract<Op, { op: 'vmalloc_align' }>;

/** Run one workload's scenario on one CPU with every safety check. */
function runIt(name: string, v: Variant, layout: Layout, loops: number, cpus = 1): { s: Scenario; r: RunResult } {
  const s = generate(workloadByName(name), { cpus, loops, layout }).scenario;
  return { s, r: run(s, { variant: v, layout, cpus, checks: checksFor(v) }) };
}

/** The aligned vmalloc ops of a scenario. */
const alignedOps = (s: Scenario): Aligned[] => s.programs.flat().filter((o): o is Aligned => o.op === 'vmalloc_align');

/** Returned addresses that are not multiples of their op's alignment. */
function misaligned(s: Scenario, r: RunResult): string[] {
  const out: string[] = [];
  for (const o of alignedOps(s)) {
    const h = r.harness.handles.get(o.id);
    if (h !== undefined && h.addr % (1n << BigInt(o.align_shift)) !== 0n) out.push(`#${o.id} 1<<${o.align_shift} at 0x${h.addr.toString(16)}`);
  }
  return out;
}

/** Shifts of the ops that returned NULL. */
function failedShifts(s: Scenario, r: RunResult): number[] {
  const failed = new Set(r.harness.failedMaps.map((f) => f.op));
  return alignedOps(s).filter((o) => failed.has(o.id)).map((o) => o.align_shift);
}

/** Property names broken, deduplicated and sorted. */
const broken = (r: RunResult): string[] => [...new Set(r.world.violations.map((x) => x.property))].sort();

/**
 * Oracle: the shifts i < BITS_PER_LONG for which no one-page vmalloc (plus its guard page)
 * aligned to 1 << i fits in [VMALLOC_START, VMALLOC_END]: exact integers, no wrap.
 */
function unsatisfiable(layout: Layout): number[] {
  const size = 2n << BigInt(layout.PAGE_SHIFT);
  const out: number[] = [];
  for (let i = 0; i < layout.BITS_PER_LONG; i++) {
    const a = 1n << BigInt(i);
    const first = ((layout.VMALLOC_START + a - 1n) / a) * a;
    if (first + size > layout.VMALLOC_END) out.push(i);
  }
  return out;
}

const CASES = ALL.flatMap((v) => LAYOUTS.map((l) => [v.name, l.name, v, l] as const));

describe('fix_align_alloc_test: 5 pages aligned to 2 * THREAD_ALIGN', () => {
  it.each(CASES)('%s on %s', (_v, _l, v, layout) => {
    const { s, r } = runIt('fix_align_alloc_test', v, layout, 10);
    expect(r.ending).toBe('done');
    const ops = alignedOps(s);
    expect(ops).toHaveLength(10);
    expect(ops.every((o) => o.pages === 5 && 1 << o.align_shift === 2 * threadSize(layout))).toBe(true);
    expect(r.harness.failedMaps).toEqual([]);
    expect(misaligned(s, r)).toEqual([]);
    expect(broken(r)).toEqual(FIXED.has(v.name) || v.name === 'vanilla' ? [] : [F2_PROPERTY]);
  });

  it('THREAD_ALIGN is 8 KiB on 32-bit layouts and 16 KiB on x86-64', () => {
    expect(threadSize(X86_32)).toBe(8192);
    expect(threadSize(X86_64)).toBe(16384);
  });
});

describe('random_size_align_alloc_test: align 1 << (rnd % 23), (rnd % 10 + 1) pages', () => {
  it('draws sizes 1..10 pages and shifts 0..22, seeded per CPU', () => {
    const s = generate(workloadByName('random_size_align_alloc_test'), { cpus: 2, loops: 400, layout: X86_64 }).scenario;
    const ops = alignedOps(s);
    expect(Math.min(...ops.map((o) => o.pages))).toBe(1);
    expect(Math.max(...ops.map((o) => o.pages))).toBe(10);
    expect(Math.min(...ops.map((o) => o.align_shift))).toBe(0);
    expect(Math.max(...ops.map((o) => o.align_shift))).toBe(22);
    expect(s.programs[0]).not.toEqual(s.programs[1]);
  });

  it.each(CASES)('%s on %s', (_v, _l, v, layout) => {
    const { s, r } = runIt('random_size_align_alloc_test', v, layout, 60);
    expect(r.ending).toBe('done');
    expect(r.harness.failedMaps).toEqual([]);
    expect(misaligned(s, r)).toEqual([]);
    expect(broken(r)).toEqual(FIXED.has(v.name) || v.name === 'vanilla' ? [] : [F2_PROPERTY]);
  });

  it.each(FIXED_VARIANT_NAMES)('%s: stress mode on 2 CPUs, nothing broken', (name) => {
    const v = variantByName(name);
    const { s, r } = runIt('random_size_align_alloc_test', v, X86_32, 20, 2);
    expect(r.ending).toBe('done');
    expect(misaligned(s, r)).toEqual([]);
    expect(broken(r)).toEqual([]);
  });
});

describe('align_shift_alloc_test: one page aligned to 1 << i for every i < BITS_PER_LONG', () => {
  it('the oracle: x86-32 fails from 1 << 27, x86-64 from 1 << 46 (ALIGN(VMALLOC_START, align) is past the range)', () => {
    expect(unsatisfiable(X86_32)).toEqual([27, 28, 29, 30, 31]);
    expect(unsatisfiable(X86_64)).toEqual(Array.from({ length: 18 }, (_, i) => 46 + i));
  });

  it.each(CASES.filter(([n]) => FIXED.has(n)))('%s on %s: exactly the unsatisfiable alignments fail, and that is no violation', (_v, _l, v, layout) => {
    const { s, r } = runIt('align_shift_alloc_test', v, layout, 1);
    expect(r.ending).toBe('done');
    expect(alignedOps(s).map((o) => o.align_shift)).toEqual(Array.from({ length: layout.BITS_PER_LONG }, (_, i) => i));
    expect(failedShifts(s, r)).toEqual(unsatisfiable(layout));
    expect(misaligned(s, r)).toEqual([]);
    for (const h of r.harness.handles.values()) expect(h.addr >= layout.VMALLOC_START && h.addr < layout.VMALLOC_END).toBe(true);
    // alloc_fails_only_when_full among them: an alignment nothing satisfies is an expected failure.
    expect(broken(r)).toEqual([]);
  });

  it.each(CASES.filter(([n]) => !FIXED.has(n)))('%s on %s: the unchecked ALIGN wraps to 0, and areas_in_range says so', (_v, _l, v, layout) => {
    const { s, r } = runIt('align_shift_alloc_test', v, layout, 1);
    expect(r.ending).toBe('done');
    expect(misaligned(s, r)).toEqual([]);
    // The first wrap puts an area at 0: vmalloc returns (void *)0, NULL to its caller.
    expect(failedShifts(s, r).length).toBeGreaterThan(0);
    expect(broken(r)).toContain('areas_in_range');
    expect(r.world.violations.find((x) => x.property === 'areas_in_range')!.splat.message).toMatch(/\[0x0+, 0x0+2000\) lies outside/);
  });
});

describe('vmalloc_align outside the API', () => {
  it.each([
    [32, X86_32],
    [64, X86_64],
    [-1, X86_64],
    [1.5, X86_64],
  ] as const)('align_shift %d on %s is a harness input error, not a kernel result', (shift, layout) => {
    const s: Scenario = { programs: [[{ id: 1, op: 'vmalloc_align', pages: 1, align_shift: shift }]], schedule: [] };
    expect(() => run(s, { variant: variantByName('rewrite-v2-fixed'), layout, cpus: 1 })).toThrow(HarnessInputError);
    expect(() => run(s, { variant: variantByName('vanilla'), layout, cpus: 1 })).toThrow(/vmalloc_align needs an align of 1 << s with s in 0\.\./);
  });
});
