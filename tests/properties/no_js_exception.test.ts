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
import { CAMPAIGNS, campaignByName } from '../../explore/campaigns';
import { runScenario } from '../../explore/check';
import type { Scenario } from '../../model/engine/program';
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

describe('where the C dereferences NULL, the model oopses', () => {
  // PCT seed 7, rewrite-v2/tiny-2cpu run 80067 (its executed schedule): after the static-va
  // race (F9) remove_vm_area finds VM_VM_AREA on a va whose private was never stored. This
  // used to die with "TypeError: Cannot read properties of null (reading 'freed')".
  const RUN_80067: Scenario = {
    programs: [
      [{ id: 6, op: 'vmap', pages: 1 }, { id: 8, op: 'vmalloc', pages: 1 }],
      [{ id: 2, op: 'vm_unmap_aliases' }, { id: 3, op: 'vmap', pages: 2 }, { id: 4, op: 'vm_map_ram', pages: 4 }, { id: 7, op: 'vmalloc', pages: 5 }, { id: 9, op: 'vm_map_ram', pages: 1 }],
    ],
    schedule: [
      { t: 'run', cpu: 1, n: 16 }, { t: 'run', cpu: 0, n: 29 }, { t: 'run', cpu: 1, n: 48 }, { t: 'spec', cpu: 0, pick: 57 }, { t: 'run', cpu: 1, n: 18 }, { t: 'run', cpu: 0, n: 8 },
    ],
    faults: [],
  };
  it('remove_vm_area with a NULL va->private is an oops at vm->size -= PAGE_SIZE', () => {
    const o = runScenario(rewriteV2, campaignByName('tiny-2cpu'), RUN_80067);
    const v = o.violations.find((x) => x.property === 'no_oops');
    expect(v?.splat.fn).toBe('remove_vm_area');
    expect(v?.splat.stmt).toBe('vm->size -= PAGE_SIZE');
    expect(v?.splat.message).toMatch(/NULL pointer dereference at vm->size \(va->private of vmap_area#\d+ is NULL\)/);
    expect(o.result.ending).toBe('panic');
  });
});
