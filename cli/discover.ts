/**
 * `vmapcheck discover`: find every property a campaign breaks on a variant, shrink each,
 * and (with --write) save the counterexamples and record them in the manifest.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Variant } from '../model/variants/variant';
import type { Campaign } from '../explore/campaigns';
import { findAndShrink, survey } from '../explore/fastcheck';
import { buildCounterexample, counterexamplePath } from '../counterexamples/build';
import { runScenario } from '../explore/check';
import { pctChooser, randomScenario } from '../explore/pct';
import { shrinkScenario } from '../explore/shrink';
import seedrandom from 'seedrandom';
import { TEMPLATES, instantiate } from '../explore/handmade';
import { MANIFEST_FORMAT, MANIFEST_PATH, readManifest, writeManifest, type Manifest } from '../counterexamples/manifest';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { PCT_DEPTH, PCT_K, PCT_SEED, pctRunSeed } from './pct_cmd';
import { pickCampaigns, pickVariants } from './select';

/** Discover, shrink and optionally record violations. Returns the lines to print. */
export function discover(variants: readonly Variant[], campaigns: readonly Campaign[], write: boolean, runs?: number, log: (s: string) => void = console.log, pctRuns = 0): void {
  const manifest: Manifest = existsSync(MANIFEST_PATH) ? readManifest() : { format: MANIFEST_FORMAT, variants: {} };
  for (const v of variants) {
    for (const c of campaigns) {
      const s = survey(v, c, runs ?? c.runs);
      log(`${v.name} / ${c.name}: ${s.runs} runs in ${(s.ms / 1000).toFixed(1)} s; broke ${[...s.violated.keys()].join(', ') || 'nothing'}`);
      const entry = ((manifest.variants[v.name] ??= {})[c.name] ??= { violated: {} });
      for (const p of [...s.violated.keys()].sort()) {
        const found = findAndShrink(v, c, p, runs ?? c.runs, c.seed);
        if (found === null) {
          log(`  ${p}: seen in the survey but fast-check did not re-find it (flaky?)`);
          continue;
        }
        const ce = buildCounterexample(v, c, p, found.scenario, { strategy: 'fast-check', seed: found.seed, path: found.path });
        if (ce === null) {
          log(`  ${p}: the shrunk scenario no longer reproduces (non-deterministic model?)`);
          continue;
        }
        const path = counterexamplePath(v.name, c.name, p);
        log(`  ${p}: ${ce.stats.ops} ops, ${ce.stats.contextSwitches} switches, ${ce.stats.steps} steps [${ce.finding ?? 'unclassified'}] ${ce.violation.message.split('\n')[0]!.slice(0, 120)}`);
        if (write) {
          writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
          entry.violated[p] = path;
        }
      }
      // Then PCT for races fast-check's budget did not reach: the same runs as `vmapcheck pct`
      // with its default seed and depth, so a recorded run regenerates with that command.
      for (let run = 0; run < pctRuns; run++) {
        const rs = pctRunSeed(PCT_SEED, v.name, c.name, run);
        const scn = randomScenario(c, seedrandom(rs + '/prog'));
        const o = runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth: PCT_DEPTH, k: PCT_K }, scn) });
        for (const p of [...o.violated].sort()) {
          if (s.violated.has(p) || entry.violated[p] !== undefined) continue;
          const { scenario } = shrinkScenario({ ...scn, schedule: o.result.executed }, (x) => runScenario(v, c, x).violated.has(p), 600);
          const ce = buildCounterexample(v, c, p, scenario, { strategy: 'pct', seed: PCT_SEED, depth: PCT_DEPTH, run });
          if (ce === null) continue;
          const path = counterexamplePath(v.name, c.name, p);
          log(`  ${p} (PCT run ${run}): ${ce.stats.ops} ops, ${ce.stats.contextSwitches} switches [${ce.finding ?? 'unclassified'}] ${ce.violation.message.split('\n')[0]!.slice(0, 120)}`);
          if (write) writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
          entry.violated[p] = path;
        }
      }
    }
  }
  // Hand-made templates (races outside the random budgets), for the selected campaigns.
  for (const t of TEMPLATES) {
    if (!campaigns.some((c) => c.name === t.campaign)) continue;
    for (const v of variants) {
      const found = instantiate(t, v);
      if (found === null) continue;
      const ce = buildCounterexample(v, found.campaign, t.property, found.scenario, { strategy: 'hand', note: t.note });
      if (ce === null) continue;
      const path = counterexamplePath(v.name, t.campaign, t.property);
      log(`  ${v.name} / ${t.campaign}: ${t.property} (template ${t.name}) [${ce.finding ?? 'unclassified'}]`);
      if (write) writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
      (((manifest.variants[v.name] ??= {})[t.campaign] ??= { violated: {} }).violated)[t.property] = path;
    }
  }
  if (write) writeManifest(manifest);
}

/** `vmapcheck discover`. */
export const DISCOVER: Command = {
  name: 'discover',
  summary: 'find and shrink violations (fast-check, then PCT, then the hand-made templates); --write saves counterexamples and updates expectations.json',
  synopsis: '[--variant V,…] [--campaign C,…] [--runs N] [--pct N] [--write]',
  flags: [
    { name: 'variant', kind: 'list', help: 'variant(s) (default: all)' },
    { name: 'campaign', kind: 'list', help: 'campaign(s) (default: all)' },
    { name: 'runs', kind: 'int', min: 1, help: 'fast-check runs per campaign (default: the campaign budget)' },
    { name: 'pct', kind: 'int', min: 0, help: `also run this many PCT runs per campaign (seed ${PCT_SEED}, depth ${PCT_DEPTH}; default 0)` },
    { name: 'write', kind: 'bool', help: 'write counterexamples/*.json and expectations.json' },
  ],
  examples: [
    ['npx vmapcheck discover --variant rewrite-v2 --campaign tiny-2cpu', 'what does this campaign break? (writes nothing)'],
    ['npx vmapcheck discover --pct 800 --write', 'after a model change: re-derive the corpus and the manifest'],
  ],
  run: ({ flags }: Parsed) => {
    discover(pickVariants('discover', flags.variant as string[] | undefined), pickCampaigns('discover', flags.campaign as string[] | undefined), flags.write === true, flags.runs as number | undefined, console.log, (flags.pct as number | undefined) ?? 0);
    return EXIT.OK;
  },
};
