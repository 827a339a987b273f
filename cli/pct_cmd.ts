/**
 * `vmapcheck pct`: a long seeded PCT campaign. Every new property broken is replayed from
 * the executed schedule, shrunk greedily and printed as a counterexample with the seed,
 * depth and run that regenerate it.
 */
import type { Campaign } from '../explore/campaigns';
import type { Variant } from '../model/engine/variant';
import { runScenario } from '../explore/check';
import { PCT_DEPTH, PCT_K, PCT_SEED, pctBound, pctChooser, pctK, pctRunSeed, randomScenario } from '../explore/pct';
import { shrinkScenario } from '../explore/shrink';
import { buildCounterexample } from '../counterexamples/build';
import { searchCommand } from '../reports/reproduce';
import seedrandom from 'seedrandom';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { pickCampaigns, pickVariants } from './select';
import { progressEnabled } from './progress';

export { PCT_DEPTH, PCT_K, PCT_SEED, pctRunSeed } from '../explore/pct';

/** Run PCT over the selection; prints findings, returns 0. */
export function runPct(flags: Record<string, unknown>, sel: { variants: Variant[]; campaigns: Campaign[] }): number {
  const seed = (flags.seed as number | undefined) ?? PCT_SEED;
  const depth = (flags.depth as number | undefined) ?? PCT_DEPTH;
  const chatty = progressEnabled(flags.quiet === true);
  for (const v of sel.variants) {
    for (const c of sel.campaigns) {
      const runs = (flags.runs as number | undefined) ?? c.runs * 4;
      const seen = new Set<string>();
      let steps = 0;
      // k for each run: the most choice points (steps with more than one runnable CPU) any
      // earlier run of this campaign had (PCT's bound needs k >= the run's choice points).
      const choice: number[] = [];
      const t0 = performance.now();
      for (let run = 0; run < runs; run++) {
        const rs = pctRunSeed(seed, v.name, c.name, run);
        const scn = randomScenario(c, seedrandom(rs + '/prog'));
        const stats = { choicePoints: 0 };
        const o = runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth, k: pctK(choice, PCT_K) }, scn, stats) });
        choice.push(stats.choicePoints);
        steps += o.result.steps;
        if (chatty && run > 0 && run % 500 === 0) process.stderr.write(`  ${v.name}/${c.name}: ${run}/${runs} runs, ${seen.size} properties broken so far, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
        for (const p of o.violated) {
          if (seen.has(p)) continue;
          seen.add(p);
          const replayable = { ...scn, schedule: o.result.executed };
          const { scenario } = shrinkScenario(replayable, (s) => runScenario(v, c, s).violated.has(p), 600);
          const ce = buildCounterexample(v, c, p, scenario, { strategy: 'pct', seed, depth, run });
          console.log(`${v.name}/${c.name} run ${run} (seed ${rs}): ${p}${ce ? ` — shrunk to ${ce.stats.ops} ops, ${ce.stats.contextSwitches} switches [${ce.finding ?? 'unclassified'}]: ${ce.violation.message.split('\n')[0]}` : ''}`);
          if (ce) console.log(`  regenerate: ${searchCommand(ce)}`);
        }
      }
      const k = pctK(choice, PCT_K);
      console.log(`${v.name}/${c.name}: ${runs} PCT runs (d=${depth}, k=${k} choice points, ${Math.round(steps / runs)} steps per run) in ${((performance.now() - t0) / 1000).toFixed(1)} s; per-run bound for a depth-${depth} bug: ${pctBound(c.cpus, k, depth).toExponential(2)}; broke ${[...seen].join(', ') || 'nothing'}`);
    }
  }
  return EXIT.OK;
}

/** `vmapcheck pct`. */
export const PCT: Command = {
  name: 'pct',
  summary: 'long seeded PCT campaign (probabilistic concurrency testing, not fast-check generated)',
  synopsis: '[--variant V,…] [--campaign C,…] [--runs N] [--depth D] [--seed S] [--quiet]',
  flags: [
    { name: 'variant', kind: 'list', help: 'variant(s) (default: all)' },
    { name: 'campaign', kind: 'list', help: 'campaign(s) (default: all)' },
    { name: 'runs', kind: 'int', min: 1, help: 'PCT runs per campaign (default: 4 x the campaign budget)' },
    { name: 'depth', kind: 'int', min: 1, max: 10, help: `bug depth d >= 1 (default ${PCT_DEPTH})` },
    { name: 'seed', kind: 'seed', help: `seed (default ${PCT_SEED})` },
    { name: 'quiet', kind: 'bool', short: 'q', help: 'no progress lines' },
  ],
  examples: [
    ['npx vmapcheck pct --variant rewrite-v2 --campaign tiny-2cpu --runs 2000', 'one campaign'],
    ['npx vmapcheck pct --runs 10000 --depth 4 --seed 7', 'a long depth-4 sweep'],
  ],
  run: ({ flags }: Parsed) => runPct(flags, { variants: pickVariants('pct', flags.variant as string[] | undefined), campaigns: pickCampaigns('pct', flags.campaign as string[] | undefined) }),
};
