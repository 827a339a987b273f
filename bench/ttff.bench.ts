/**
 * Time to first failure per finding (issue 12, "Search power"): for every finding recorded
 * in expectations.json, on its measuring cell (counterexamples/ttff.ts), each strategy's
 * runs and seconds until a run is attributed to the finding by experiment, over 10 seeds:
 * median, spread (min–max), hits; plus the shrink size (ops/steps before -> after) of the
 * first seed's hit. Runs are the deterministic measure (same seed -> same runs); seconds are
 * search time on one core (attribution experiments excluded), secondary on a loaded machine.
 *
 * Run: npx tsx bench/ttff.bench.ts [--strategy fast-check,swarm] [--seeds 10] [--cap-runs N] [--cap-s S] [--finding F7,F8] [--on-base]
 */
import { readManifest } from '../counterexamples/manifest';
import { experimentRemoves } from '../counterexamples/classify';
import { firstFailure, ttffTargets, type FirstFailure } from '../counterexamples/ttff';
import { runScenario } from '../explore/check';
import { shrinkScenario } from '../explore/shrink';
import { STRATEGIES, type StrategyName } from '../explore/strategy';
import { variantByName } from '../model/variants/registry';
import type { Scenario } from '../model/engine/program';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const strategies = (arg('strategy') ?? 'fast-check,swarm').split(',') as StrategyName[];
for (const s of strategies) if (!STRATEGIES.includes(s)) throw new Error(`unknown strategy '${s}' (known: ${STRATEGIES.join(', ')})`);
const seeds = Number(arg('seeds') ?? 10);
const capRuns = Number(arg('cap-runs') ?? 20_000);
const capS = Number(arg('cap-s') ?? 60);
const only = arg('finding')?.split(',');

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ops = (s: Scenario): number => s.programs.reduce((n, p) => n + p.length, 0) + s.schedule.filter((x) => x.t === 'irq').length;

console.log(`time to first failure: ${seeds} seeds, caps ${capRuns} runs / ${capS} s per seed, one core; a default check makes its campaign's budget of swarm runs per cell (the last column: seeds hit within it)`);
console.log('finding | cell (searched variant) | strategy | hits | median runs | runs min-max | median s | s min-max | shrink ops | shrink steps | hits within check budget');
const targets = ttffTargets(readManifest(), process.argv.includes('--on-base')).filter((t) => only === undefined || only.includes(t.finding));
for (const t of targets) {
  for (const strategy of strategies) {
    const results: FirstFailure[] = [];
    for (let seed = 1; seed <= seeds; seed++) results.push(firstFailure(t, strategy, seed, capRuns, capS));
    const hits = results.filter((r) => r.hit);
    // Median over all seeds, a miss counting as the cap (so the median is a lower bound when hits < seeds/2).
    const runs = results.map((r) => (r.hit ? r.runs : Infinity));
    const secs = results.map((r) => (r.hit ? r.searchS : Infinity));
    const fmt = (x: number, d = 0): string => (Number.isFinite(x) ? x.toFixed(d) : `>cap`);
    let shrink = '-';
    let steps = '-';
    const first = hits[0];
    if (first?.scenario !== undefined) {
      const v = variantByName(t.variant);
      const fails = (x: Scenario): boolean => runScenario(v, t.campaign, x).violated.has(first.property!) && experimentRemoves(t.finding, t.variant, t.campaign, first.property!, x);
      const { scenario } = shrinkScenario(first.scenario, fails, 600);
      shrink = `${ops(first.scenario)}->${ops(scenario)}`;
      steps = `${first.steps}->${runScenario(v, t.campaign, scenario).result.steps}`;
    }
    const minmax = (xs: number[], d = 0): string => (hits.length === 0 ? '-' : `${fmt(Math.min(...xs), d)}-${fmt(Math.max(...xs), d)}`);
    console.log(
      [
        t.finding,
        `${t.base}/${t.campaign.name}${t.variant === t.base ? '' : ` (${t.variant})`}`,
        strategy,
        `${hits.length}/${seeds}`,
        fmt(median(runs)),
        minmax(hits.map((r) => r.runs)),
        fmt(median(secs), 2),
        minmax(hits.map((r) => r.searchS), 2),
        shrink,
        steps,
        `${results.filter((r) => r.hit && r.runs <= t.campaign.runs).length}/${seeds} (${t.campaign.runs})`,
      ].join(' | '),
    );
  }
}
