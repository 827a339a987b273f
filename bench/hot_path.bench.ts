/**
 * Search throughput (a script, not a test): the runs a default `check` does — the
 * campaign's generated scenarios, run with every safety and performance property and lockdep
 * attached — per variant and layout, and the same scenarios with no checks at all. Prints
 * median steps/s and runs/s over several repetitions, and the checks-on/off ratio (on and
 * off repetitions alternate, so a shared machine slows both alike). Steps and runs are
 * deterministic counts (same seeds every repetition).
 *
 * Run with `npx tsx bench/hot_path.bench.ts [runsPerRep] [reps] [campaign,...] [variant,...]`.
 */
import fc from 'fast-check';
import { run } from '../model/engine/runner';
import { VARIANTS, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';
import type { Scenario } from '../model/engine/program';
import { campaignByName, layoutOf, type Campaign } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import { scenarioArb } from '../explore/arbitraries';
import { fmt, machineLine, median, secondsSince } from './bench_util';

const RUNS = Number(process.argv[2] ?? 400);
const REPS = Number(process.argv[3] ?? 5);
const CAMPAIGNS = (process.argv[4] ?? 'tiny-2cpu,x86-64-2cpu').split(',').map(campaignByName);
const VARS: readonly Variant[] = process.argv[5] ? process.argv[5].split(',').map(variantByName) : VARIANTS;

/** The scenarios of one row: what `check` generates for the campaign (seeded), the same every repetition. */
function scenarios(c: Campaign): Scenario[] {
  return fc.sample(scenarioArb(c), { seed: c.seed, numRuns: RUNS });
}

/** Steps of all scenarios, and seconds taken, with checks on (as `check` runs them) or off. */
function rep(v: Variant, c: Campaign, scns: readonly Scenario[], on: boolean): { steps: number; sec: number } {
  let steps = 0;
  const t0 = performance.now();
  for (const s of scns) {
    const r = on
      ? runScenario(v, c, s).result
      : run(s, { variant: v, layout: layoutOf(c), cpus: c.cpus, maxSteps: c.maxSteps, maxCallSteps: c.maxCallSteps });
    steps += r.steps;
  }
  return { steps, sec: secondsSince(t0) };
}

console.log(`vmapcheck hot-path benchmark (${machineLine()})`);
console.log(`${RUNS} scenarios per row (the campaign's fast-check arbitrary, explore/arbitraries.ts, seeded by the campaign), ${REPS} repetitions; on = every safety+performance property and lockdep (explore/check.ts runScenario), off = bare engine`);
console.log(['campaign', 'variant', 'steps/run', 'on steps/s', 'on runs/s', 'off steps/s', 'off runs/s', 'on/off time'].join('\t'));
for (const c of CAMPAIGNS) {
  for (const v of VARS) {
    const scns = scenarios(c);
    rep(v, c, scns.slice(0, 20), true); // warm-up (JIT)
    rep(v, c, scns.slice(0, 20), false);
    const on: { steps: number; sec: number }[] = [];
    const off: { steps: number; sec: number }[] = [];
    for (let i = 0; i < REPS; i++) {
      on.push(rep(v, c, scns, true));
      off.push(rep(v, c, scns, false));
    }
    const steps = on[0]!.steps;
    const ratio = median(on.map((o, i) => o.sec / off[i]!.sec));
    console.log(
      [c.name, v.name, (steps / RUNS).toFixed(1), fmt(median(on.map((o) => o.steps / o.sec))), fmt(median(on.map((o) => RUNS / o.sec))), fmt(median(off.map((o) => o.steps / o.sec))), fmt(median(off.map((o) => RUNS / o.sec))), ratio.toFixed(2) + 'x'].join('\t'),
    );
  }
}
