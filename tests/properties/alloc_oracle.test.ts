/**
 * alloc_fails_only_when_full as an independent oracle: its own exact hole scan, the areas
 * live during the call, lazily freed areas and empty per-CPU blocks counted free.
 */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import type { Op } from '../../model/engine/program';
import type { Variant } from '../../model/engine/variant';
import type { AllocFailure } from '../../model/engine/world';
import { World } from '../../model/engine/world';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { vanilla } from '../../model/variants/vanilla/index';
import { checksFor, propertyByName } from '../../properties/index';
import { judgeFailure, lowestHole } from '../../properties/alloc';

const P = 0x1000n;
const S = TINY.VMALLOC_START;

function problems(variant: Variant, ops: Op[]): { failures: number; problems: string[] } {
  const r = run({ programs: [ops], schedule: [] }, { variant, layout: TINY, cpus: 1, checks: checksFor(variant, [propertyByName('alloc_fails_only_when_full')!]) });
  return { failures: r.world.allocFailures.length, problems: r.world.violations.filter((v) => v.property === 'alloc_fails_only_when_full').map((v) => v.splat.message) };
}

/** The definition, by brute force: the lowest candidate disjoint from every span (O(n^2)). */
function bruteHole(occ: readonly { start: bigint; end: bigint }[], size: bigint, align: bigint, vstart: bigint, vend: bigint): bigint | null {
  const up = (x: bigint): bigint => (x % align === 0n ? x : x + (align - (x % align)));
  const cands = [up(vstart), ...occ.filter((o) => o.end > vstart).map((o) => up(o.end))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const a of cands) if (a >= vstart && a + size <= vend && occ.every((o) => o.end <= a || o.start >= a + size)) return a;
  return null;
}

describe('lowestHole: an exact scan of its own', () => {
  it('finds what the brute-force definition finds, on random spans (overlapping, empty, inverted)', () => {
    const rng = seedrandom('lowestHole');
    const int = (n: number): bigint => BigInt(Math.floor(rng() * n));
    for (let t = 0; t < 3000; t++) {
      const occ = Array.from({ length: Number(int(12)) }, () => {
        const start = S + int(64) * P;
        return { start, end: rng() < 0.1 ? start - int(3) * P : start + int(10) * P };
      });
      const size = (1n + int(8)) * P;
      const align = rng() < 0.5 ? P : (1n + int(6)) * P;
      const vstart = S + int(8) * P;
      const vend = vstart + int(80) * P;
      expect(lowestHole(occ, size, align, vstart, vend)).toBe(bruteHole(occ, size, align, vstart, vend));
    }
  });
  it('accepts an exact fit (the guard page is inside size)', () => {
    expect(lowestHole([{ start: S, end: S + 24n * P }], 24n * P, 1n, S, S + 48n * P)).toBe(S + 24n * P);
    expect(lowestHole([{ start: S, end: S + 25n * P }], 24n * P, 1n, S, S + 48n * P)).toBeNull();
  });
  it('aligns to any align (multiples, also not a power of two) and never wraps', () => {
    expect(lowestHole([], 3n * P, 12n * P, 0x1000n, 0x100000n)).toBe(0xc000n);
    expect(lowestHole([], 2n * P, 1n, 0xffffe000n, 0xffffffffn)).toBeNull();
    expect(lowestHole([{ start: S + P, end: S + 2n * P }], P, 1n, S, S + 3n * P)).toBe(S);
  });
  it('counts every area live during the call as occupied, even one gone at the failure', () => {
    const w = new World({ layout: TINY, cpus: 1 });
    const f: AllocFailure = {
      step: 10, cpu: 0, op: 1, beganStep: 1, size: 8n * P, align: 1n, vstart: S, vend: S + 16n * P, fn: [], purged: true,
      seen: [{ id: 7, start: S, end: S + 9n * P, block: null }],
      lazy: new Set(),
    };
    expect(judgeFailure(w, f).hole).toBeNull();
    expect(judgeFailure(w, { ...f, lazy: new Set([7]) }).hole).toBe(S);
  });
});

describe('alloc_fails_only_when_full on runs', () => {
  const exact: Op[] = [
    { id: 1, op: 'vmalloc', pages: 23 },
    { id: 2, op: 'vmalloc', pages: 23 },
  ];
  it('fails: rewrite-v2 refuses an exact fit (addr + size >= first->va_start skips a page after each area)', () => {
    const r = problems(rewriteV2, exact);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/\[0xf8818000, 0xf8830000\) was free/);
  });
  it('holds: vanilla places the exact fit; rewrite-v2 failing on a truly full space', () => {
    expect(problems(vanilla, exact)).toEqual({ failures: 0, problems: [] });
    const full = problems(rewriteV2, [{ id: 1, op: 'vmalloc', pages: 47 }, { id: 2, op: 'vmalloc', pages: 1 }]);
    expect(full.failures).toBe(1);
    expect(full.problems).toEqual([]);
  });
  it('fails: a per-CPU block with nothing live in it holds the space the request needs', () => {
    const r = problems(rewriteV2, [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }, { id: 3, op: 'vmalloc', pages: 40 }]);
    expect(r.failures).toBe(1);
    expect(r.problems[0]).toMatch(/1 vmap block\(s\) with nothing live in them counted free/);
  });
  it('holds: the same block with a live mapping in it is occupied', () => {
    expect(problems(rewriteV2, [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 3, op: 'vmalloc', pages: 40 }])).toEqual({ failures: 1, problems: [] });
  });
});
