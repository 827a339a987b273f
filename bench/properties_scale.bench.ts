/**
 * Properties-on/off ratio at scale (a script, not a test): lib/test_vmalloc.c's
 * long_busy_list_alloc_test on the x86-64 layout, one CPU, with N = 1,000, 15,000 and 100,000
 * live 1-page areas. The N busy areas are built with checks (and the KVA ghost) off; then the
 * test's loop (vmalloc(100), vmalloc(1), touch both, vfree both) runs LOOPS times and is timed,
 * once with every safety property checked and once with none, alternating, REPS times. The
 * figure is the median of the per-pair time ratios: on and off run back to back, so a shared
 * machine slows both alike. Checks are switched off again before the busy areas are freed.
 * "Off" also leaves the KVA ghost (model/engine/kva_ghost.ts) off: only alloc_fails_only_when_full reads it.
 *
 * Run with `npx tsx bench/properties_scale.bench.ts [sizes=1000,15000,100000] [loops] [reps] [variants]`.
 */
import { run, type Check, type RunChecks } from '../model/engine/runner';
import { X86_64 } from '../model/config/layout';
import { VARIANTS, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';
import type { World } from '../model/engine/world';
import { generate, KERNEL_BUSY, workloadByName } from '../explore/workloads';
import { checksFor, SAFETY } from '../properties/index';
import { fmt, machineLine, median } from './bench_util';

const SIZES = (process.argv[2] ?? '1000,15000,100000').split(',').map(Number);
const LOOPS = Number(process.argv[3] ?? 5);
const REPS = Number(process.argv[4] ?? 3);
const VARS: readonly Variant[] = process.argv[5] ? process.argv[5].split(',').map(variantByName) : VARIANTS;
const WL = workloadByName('long_busy_list_alloc_test');

/** One timed run: ms of the loop phase, its steps, and the check calls made in it. */
function once(v: Variant, busy: number, on: boolean): { ms: number; steps: number; calls: number; violated: string[] } {
  const gen = generate(WL, { cpus: 1, layout: X86_64, loops: LOOPS, busyDivisor: KERNEL_BUSY / busy, mode: 'performance' });
  // Op ids run 1..: the pointer array, the busy vmallocs, then 6 ops per loop.
  const firstLoopOp = busy + 2;
  const lastLoopOp = busy + 1 + 6 * LOOPS;
  const full = checksFor(v, SAFETY);
  let armed = false;
  let calls = 0;
  let t0 = 0;
  let t1 = 0;
  let s0 = 0;
  let s1 = 0;
  const gate = (fs: readonly Check[] | undefined): Check[] => (fs ?? []).map((f) => (w: World) => void (armed && (calls++, f(w))));
  const checks: RunChecks = {
    step: on ? gate(full.step) : [],
    quiescent: on ? gate(full.quiescent) : [],
    final: [],
    afterCall: [
      (w, op) => {
        if (op.id === firstLoopOp - 1) {
          armed = on;
          // The KVA ghost serves alloc_fails_only_when_full only: it is property cost.
          w.kva.enabled = on;
          s0 = w.stepNo;
          t0 = performance.now();
        } else if (op.id === lastLoopOp) {
          t1 = performance.now();
          s1 = w.stepNo;
          armed = false;
          w.kva.enabled = false;
        }
      },
      ...(on ? (full.afterCall ?? []).map((f): NonNullable<RunChecks['afterCall']>[number] => (w, op, start, k) => void (armed && f(w, op, start, k))) : []),
    ],
  };
  const r = run(gen.scenario, {
    variant: v,
    layout: X86_64,
    cpus: 1,
    maxSteps: 1e9,
    maxCallSteps: 1e9,
    teardown: false,
    checks,
    setup: (w) => void (w.kva.enabled = false),
  });
  if (r.ending !== 'done' || t1 === 0) throw new Error(`${v.name} busy=${busy}: run ended ${r.ending} before the loop phase finished`);
  return { ms: t1 - t0, steps: s1 - s0, calls, violated: [...new Set(r.world.violations.map((x) => x.property))] };
}

console.log(`vmapcheck properties-scale benchmark (${machineLine()})`);
console.log(`long_busy_list_alloc_test, x86-64, 1 CPU, ${LOOPS} loops timed after the busy areas are built, ${REPS} on/off pairs; on = every safety property (lockdep not attached in either)`);
console.log(['variant', 'live areas', 'steps', 'check calls', 'on ms', 'off ms', 'on/off', 'ms/check', 'violated'].join('\t'));
for (const v of VARS) {
  for (const n of SIZES) {
    const on: number[] = [];
    const off: number[] = [];
    let last = once(v, n, true);
    for (let i = 0; i < REPS; i++) {
      last = once(v, n, true);
      on.push(last.ms);
      off.push(once(v, n, false).ms);
    }
    const ratio = median(on.map((x, i) => x / off[i]!));
    console.log([v.name, fmt(n), fmt(last.steps), fmt(last.calls), median(on).toFixed(1), median(off).toFixed(1), ratio.toFixed(1) + 'x', ((median(on) - median(off)) / Math.max(1, last.calls)).toFixed(3), last.violated.join(',') || '-'].join('\t'));
  }
}
