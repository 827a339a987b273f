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
      // Then PCT (seeded, depth 3) for races fast-check's budget did not reach.
      for (let run = 0; run < pctRuns; run++) {
        const rs = `discover/${v.name}/${c.name}/${run}`;
        const scn = randomScenario(c, seedrandom(rs + '/prog'));
        const o = runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth: 3, k: 400 }, scn) });
        for (const p of [...o.violated].sort()) {
          if (s.violated.has(p) || entry.violated[p] !== undefined) continue;
          const { scenario } = shrinkScenario({ ...scn, schedule: o.result.executed }, (x) => runScenario(v, c, x).violated.has(p), 600);
          const ce = buildCounterexample(v, c, p, scenario, { strategy: 'pct', seed: 0, depth: 3, run });
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
