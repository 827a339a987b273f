/**
 * `vmapcheck pct`: a long seeded PCT campaign. Every new property broken is replayed from
 * the executed schedule, shrunk greedily and printed as a counterexample (with its seed).
 */
import type { Campaign } from '../explore/campaigns';
import type { Variant } from '../model/variants/variant';
import { runScenario } from '../explore/check';
import { pctBound, pctChooser, randomScenario } from '../explore/pct';
import { shrinkScenario } from '../explore/shrink';
import { buildCounterexample } from '../counterexamples/build';
import seedrandom from 'seedrandom';

/** Run PCT over the selection; prints findings, returns 0. */
export function runPct(flags: Record<string, unknown>, sel: { variants: Variant[]; campaigns: Campaign[] }): number {
  const seed = (flags.seed as number | undefined) ?? 1;
  const depth = (flags.depth as number | undefined) ?? 3;
  for (const v of sel.variants) {
    for (const c of sel.campaigns) {
      const runs = (flags.runs as number | undefined) ?? c.runs * 4;
      const seen = new Set<string>();
      let steps = 0;
      const t0 = performance.now();
      for (let run = 0; run < runs; run++) {
        const rs = `${seed}/${v.name}/${c.name}/${run}`;
        const scn = randomScenario(c, seedrandom(rs + '/prog'));
        const o = runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth, k: 400 }, scn) });
        steps += o.result.steps;
        if (run > 0 && run % 500 === 0) console.log(`  ${v.name}/${c.name}: ${run}/${runs} runs, ${seen.size} properties broken so far`);
        for (const p of o.violated) {
          if (seen.has(p)) continue;
          seen.add(p);
          const replayable = { ...scn, schedule: o.result.executed };
          const { scenario } = shrinkScenario(replayable, (s) => runScenario(v, c, s).violated.has(p), 600);
          const ce = buildCounterexample(v, c, p, scenario, { strategy: 'pct', seed, depth, run });
          console.log(`${v.name}/${c.name} run ${run} (seed ${rs}): ${p}${ce ? ` — shrunk to ${ce.stats.ops} ops, ${ce.stats.contextSwitches} switches [${ce.finding ?? 'unclassified'}]: ${ce.violation.message.split('\n')[0]}` : ''}`);
        }
      }
      const k = Math.max(1, Math.round(steps / runs));
      console.log(`${v.name}/${c.name}: ${runs} PCT runs (d=${depth}, mean k=${k} steps) in ${((performance.now() - t0) / 1000).toFixed(1)} s; per-run bound for a depth-${depth} bug: ${pctBound(c.cpus, k, depth).toExponential(2)}; broke ${[...seen].join(', ') || 'nothing'}`);
    }
  }
  return 0;
}
