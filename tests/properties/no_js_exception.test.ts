/**
 * No JavaScript exception is ever a result: every campaign of explore/campaigns.ts, on every
 * variant, under a guard that fails on any exception escaping the engine (a kernel BUG or
 * oops is a violation, never an exception).
 *
 * Budget: 10x a per-test smoke budget of 1% of each campaign's CI runs (so 10% of the CI
 * budget), half fast-check samples and half PCT runs, on seeds distinct from the CI's, so it
 * explores runs the manifest test does not. The full 10x CI budget runs as a script:
 * `npx tsx bench/js_exceptions.bench.ts 10`.
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS } from '../../explore/campaigns';
import { sweepForExceptions } from '../../explore/exception_sweep';
import { VARIANTS } from '../../model/variants/registry';
import { HarnessInputError, validateOp } from '../../model/engine/harness';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';

const SMOKE = (runs: number): number => Math.ceil(runs / 100);

describe.each(VARIANTS.map((v) => [v.name, v] as const))('%s: no JavaScript exception in any campaign', (_n, v) => {
  it.each(CAMPAIGNS.map((c) => [c.name, c] as const))('%s', (_c, c) => {
    const r = sweepForExceptions(v, c, 10 * SMOKE(c.runs), c.seed + 7919);
    expect(r.escaped.map((e) => `${e.strategy} #${e.index} (seed ${e.seed}): ${e.error}\n${JSON.stringify(e.scenario)}`)).toEqual([]);
    expect(r.steps).toBeGreaterThan(0);
  });
});

describe('inputs outside the API are harness errors, not kernel results', () => {
  it('vm_map_ram of 0 pages is rejected before it reaches the layer', () => {
    expect(() => validateOp({ id: 1, op: 'vm_map_ram', pages: 0 })).toThrow(HarnessInputError);
    expect(() => run({ programs: [[{ id: 1, op: 'vm_map_ram', pages: 0 }]], schedule: [] }, { variant: rewriteV2, layout: TINY, cpus: 1 })).toThrow(/vm_map_ram needs a count of 1/);
    expect(() => validateOp({ id: 2, op: 'vm_unmap_ram_count', h: 1, count: 0 })).toThrow(HarnessInputError);
    expect(() => validateOp({ id: 3, op: 'vm_map_ram', pages: 1 })).not.toThrow();
  });
});
