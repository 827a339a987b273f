/**
 * The runs the incremental-oracle tests compare on (tests/properties/incremental*.test.ts):
 * three of lib/test_vmalloc.c's workloads in stress mode on the tiny layout, 2 CPUs, two
 * seeds each, with a check after every step and at the end. Shared so that every incremental
 * index is judged against its full recomputation on the same interleavings.
 */
import { run, type Check } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import { generate, workloadByName } from '../../explore/workloads';

/** The workloads compared on: allocation churn, vm_map_ram blocks, a long busy list. */
export const INCREMENTAL_RUNS = ['random_size_alloc_test', 'vm_map_ram_test', 'long_busy_list_alloc_test'] as const;

/**
 * Run every comparison run of `v` with `step` after each step and `final` at the end (default:
 * `step`), stopping at the first run after which `failed()` says a mismatch was found.
 */
export function runComparisons(v: Variant, failed: () => boolean, step: Check, final: Check = step): void {
  for (const name of INCREMENTAL_RUNS) {
    for (const seed of ['a', 'b']) {
      const cpus = 2;
      const gen = generate(workloadByName(name), { cpus, layout: TINY, loops: 6, mode: 'stress', seed, busyDivisor: 1000 });
      run(gen.scenario, { variant: v, layout: TINY, cpus, maxSteps: 20000, maxCallSteps: 5000, checks: { step: [step], quiescent: [], final: [final], afterCall: [] } });
      if (failed()) return;
    }
  }
}
