/**
 * Properties-on/off ratio at scale (a script, not a test): lib/test_vmalloc.c's
 * long_busy_list_alloc_test on the x86-64 layout, one CPU, with N = 1,000, 15,000 and 100,000
 * live 1-page areas.
 *
 * Building the N busy areas is quadratic (the 2008 allocators walk the whole list per
 * allocation: faithful, and the same with or without properties), so each (variant, N) builds
 * them ONCE, with checks and the KVA ghost off, in one run whose workload then has 2*REPS+1
 * loop phases of LOOPS iterations each (vmalloc(100), vmalloc(1), touch both, vfree both).
 * The afterCall hook switches properties per phase: phase 0 is an untimed warm-up with them
 * on (it also builds the oracles' own indexes), then REPS pairs, each one phase on and one off
 * back to back (the order alternates per pair, so drift in the layer's lazy state falls on
 * both alike). The figure is the median of the per-pair time ratios.
 *
 * "Off" does no property work: the gated checks return before reading anything, and the KVA
 * ghost (model/engine/kva_ghost.ts: only alloc_fails_only_when_full reads it) opens no record.
 * What stays on in both is the engine's own cost: the change notifications, queued for the
 * incremental area index and applied at its next check, are a Map write per linked/unlinked area.
 * Checks are off again before the busy areas are freed (no teardown).
 *
 * Run with `npx tsx bench/properties_scale.bench.ts [sizes=1000,15000,100000] [loops=5] [reps=3] [variants]`,
 * or the same through SCALE_SIZES, SCALE_LOOPS, SCALE_REPS, SCALE_VARIANTS (comma lists).
 */
import { run, type Check, type RunChecks } from '../model/engine/runner';
import { X86_64 } from '../model/config/layout';
import { VARIANTS, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';
import type { World } from '../model/engine/world';
import { generate, KERNEL_BUSY, workloadByName } from '../explore/workloads';
import { checksFor, SAFETY } from '../properties/index';
import { fmt, machineLine, median } from './bench_util';
import { emitJson, type Table } from './emit';

const arg = (i: number, env: string, dflt: string): string => process.argv[i] ?? process.env[env] ?? dflt;
const SIZES = arg(2, 'SCALE_SIZES', '1000,15000,100000').split(',').map(Number);
const LOOPS = Number(arg(3, 'SCALE_LOOPS', '5'));
const REPS = Number(arg(4, 'SCALE_REPS', '3'));
const VARS: readonly Variant[] = arg(5, 'SCALE_VARIANTS', '') ? arg(5, 'SCALE_VARIANTS', '').split(',').map(variantByName) : VARIANTS;
const WL = workloadByName('long_busy_list_alloc_test');
const PHASES = 2 * REPS + 1;

/** One phase's measurements. */
interface Phase {
  readonly on: boolean;
  ms: number;
  steps: number;
  calls: number;
}

/** Is phase `p` (0 = warm-up) timed with properties on? Pairs alternate on-off, off-on. */
const phaseOn = (p: number): boolean => p === 0 || (((p - 1) >> 1) % 2 === 0) === ((p - 1) % 2 === 0);

/** One run of `v` with `busy` live areas: the build time and every phase's timing. */
function measure(v: Variant, busy: number): { buildS: number; phases: Phase[]; violated: string[] } {
  const gen = generate(WL, { cpus: 1, layout: X86_64, loops: PHASES * LOOPS, busyDivisor: KERNEL_BUSY / busy, mode: 'performance' });
  // Op ids run 1..: the pointer array, the busy vmallocs, then 6 ops per loop. Phase p starts
  // after op busy+1+6*LOOPS*p returns and ends when op busy+1+6*LOOPS*(p+1) returns.
  const boundary = (p: number): number => busy + 1 + 6 * LOOPS * p;
  const full = checksFor(v, SAFETY);
  const phases: Phase[] = [];
  let cur: Phase | null = null;
  let armed = false;
  let t0 = 0;
  let s0 = 0;
  const tStart = performance.now();
  let buildS = 0;
  const gate = (fs: readonly Check[] | undefined): Check[] => (fs ?? []).map((f) => (w: World) => void (armed && (cur!.calls++, f(w))));
  const switchTo = (w: World, on: boolean): void => {
    armed = on;
    // The KVA ghost serves alloc_fails_only_when_full only: it is property cost.
    w.kva.enabled = on;
  };
  const checks: RunChecks = {
    step: gate(full.step),
    quiescent: gate(full.quiescent),
    final: [],
    afterCall: [
      (w, op) => {
        if (op.id < boundary(0) || (op.id - boundary(0)) % (6 * LOOPS) !== 0) return;
        const p = (op.id - boundary(0)) / (6 * LOOPS);
        if (p > PHASES) return;
        const now = performance.now();
        if (cur !== null) {
          cur.ms = now - t0;
          cur.steps = w.stepNo - s0;
          const pn = phases.length - 1;
          console.log(`  ${v.name} n=${fmt(busy)} phase ${pn}${pn === 0 ? ' (warm-up)' : ''} ${cur.on ? 'on ' : 'off'} ${cur.ms.toFixed(1)} ms, ${fmt(cur.steps)} steps, ${fmt(cur.calls)} check calls`);
        } else {
          buildS = (now - tStart) / 1000;
          console.log(`  ${v.name} n=${fmt(busy)} built in ${buildS.toFixed(1)} s (${fmt(w.stepNo)} steps)`);
        }
        if (p >= PHASES) {
          cur = null;
          switchTo(w, false);
          return;
        }
        cur = { on: phaseOn(p), ms: 0, steps: 0, calls: 0 };
        phases.push(cur);
        switchTo(w, cur.on);
        s0 = w.stepNo;
        t0 = performance.now();
      },
      ...(full.afterCall ?? []).map((f): NonNullable<RunChecks['afterCall']>[number] => (w, op, start, k) => void (armed && f(w, op, start, k))),
    ],
  };
  const r = run(gen.scenario, {
    variant: v,
    layout: X86_64,
    cpus: 1,
    maxSteps: 1e12,
    maxCallSteps: 1e9,
    teardown: false,
    checks,
    setup: (w) => void (w.kva.enabled = false),
  });
  if (r.ending !== 'done' || phases.length !== PHASES || phases.some((x) => x.ms === 0)) throw new Error(`${v.name} busy=${busy}: run ended ${r.ending} before the loop phases finished`);
  return { buildS, phases, violated: [...new Set(r.world.violations.map((x) => x.property))] };
}

console.log(`vmapcheck properties-scale benchmark (${machineLine()})`);
console.log(`long_busy_list_alloc_test, x86-64, 1 CPU, busy areas built once per variant and size; then ${REPS} on/off pairs of ${LOOPS}-loop phases after a warm-up phase, in the same run; on = every safety property (lockdep not attached in either)`);
const header = ['variant', 'live areas', 'build s', 'steps/phase', 'check calls', 'on ms', 'off ms', 'on/off', 'ms/check', 'violated'];
const rows: (string | number)[][] = [];
for (const v of VARS) {
  for (const n of SIZES) {
    const m = measure(v, n);
    const timed = m.phases.slice(1);
    const pairs: number[] = [];
    for (let i = 0; i + 1 < timed.length; i += 2) {
      const [a, b] = [timed[i]!, timed[i + 1]!];
      pairs.push(a.on ? a.ms / b.ms : b.ms / a.ms);
    }
    const on = timed.filter((x) => x.on);
    const off = timed.filter((x) => !x.on);
    const onMs = median(on.map((x) => x.ms));
    const offMs = median(off.map((x) => x.ms));
    const calls = median(on.map((x) => x.calls));
    const row = [v.name, n, Number(m.buildS.toFixed(1)), median(timed.map((x) => x.steps)), calls, Number(onMs.toFixed(1)), Number(offMs.toFixed(1)), median(pairs).toFixed(2) + 'x', ((onMs - offMs) / Math.max(1, calls)).toFixed(3), m.violated.join(',') || '-'];
    rows.push(row);
    console.log(header.join('\t'));
    console.log(row.map((x) => (typeof x === 'number' ? fmt(x) : x)).join('\t'));
  }
}
console.log('');
console.log(header.join('\t'));
for (const row of rows) console.log(row.map((x) => (typeof x === 'number' && !Number.isInteger(x) ? x.toFixed(1) : typeof x === 'number' ? fmt(x) : x)).join('\t'));
const table: Table = { title: 'Properties on/off, long_busy_list_alloc_test, x86-64', rows: [header, ...rows] };
emitJson('properties_scale', rows.map((r) => ({ name: `on/off ${r[0]} ${fmt(Number(r[1]))}`, value: String(r[7]), note: `build ${r[2]} s` })), [table]);
