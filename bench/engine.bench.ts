/**
 * Engine throughput benchmark (a script, not a test): runs the demo variant on two CPUs,
 * each with a seeded workload of map/touch/unmap ops, under seeded random schedules with
 * speculative TLB fills, and prints the median steps/second and runs/second over several
 * repetitions. Run with `npx tsx bench/engine.bench.ts [opsPerCpu] [runsPerRep] [reps]`.
 */
import { run } from '../model/engine/runner';
import { TINY } from '../model/config/layout';
import { DEMO, demoPrograms, seededSchedule } from '../tests/support/demo_variant';

const OPS_PER_CPU = Number(process.argv[2] ?? 200);
const RUNS_PER_REP = Number(process.argv[3] ?? 100);
const REPS = Number(process.argv[4] ?? 7);
const WARMUP_RUNS = 10;

/** One run of seed `i`; returns its step count (throws if the demo broke a property). */
function once(i: number): number {
  const seed = `bench-${i}`;
  const r = run(
    { programs: demoPrograms(seed, OPS_PER_CPU), schedule: seededSchedule(seed, OPS_PER_CPU * 8, 2, 6, 0.05) },
    { variant: DEMO, layout: TINY, cpus: 2 },
  );
  if (r.ending !== 'done' || r.world.violations.length > 0) throw new Error(`bench run ${seed} ended ${r.ending} with ${r.world.violations.length} violations`);
  return r.steps;
}

/** Median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Thousands separators for readability. */
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

for (let i = 0; i < WARMUP_RUNS; i++) once(1_000_000 + i);

const stepsPerSec: number[] = [];
const runsPerSec: number[] = [];
let stepsPerRun = 0;
for (let rep = 0; rep < REPS; rep++) {
  let steps = 0;
  const t0 = process.hrtime.bigint();
  // The same seeds every repetition, so each repetition does identical work.
  for (let i = 0; i < RUNS_PER_REP; i++) steps += once(i);
  const sec = Number(process.hrtime.bigint() - t0) / 1e9;
  stepsPerSec.push(steps / sec);
  runsPerSec.push(RUNS_PER_REP / sec);
  stepsPerRun = steps / RUNS_PER_REP;
}

console.log(`vmapcheck engine benchmark (node ${process.version}, ${process.platform}/${process.arch})`);
console.log(`workload: demo variant, 2 CPUs, ${OPS_PER_CPU} map/touch/unmap ops per CPU, seeded random schedule with speculative fills`);
console.log(`repetitions: ${REPS} x ${RUNS_PER_REP} runs (after ${WARMUP_RUNS} warm-up runs)`);
console.log(`steps per run:      ${fmt(stepsPerRun)}`);
console.log(`median steps/sec:   ${fmt(median(stepsPerSec))}  (min ${fmt(Math.min(...stepsPerSec))}, max ${fmt(Math.max(...stepsPerSec))})`);
console.log(`median runs/sec:    ${median(runsPerSec).toFixed(1)}`);
