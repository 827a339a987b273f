/**
 * `vmapcheck discover`: find every property a campaign breaks on a variant, shrink each,
 * and (with --write) save the counterexamples and record them in the manifest.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Variant } from '../model/variants/variant';
import type { Campaign } from '../explore/campaigns';
import { findAndShrink, survey } from '../explore/fastcheck';
import { buildCounterexample, counterexamplePath } from '../counterexamples/build';
import { MANIFEST_FORMAT, MANIFEST_PATH, readManifest, writeManifest, type Manifest } from '../counterexamples/manifest';

/** Discover, shrink and optionally record violations. Returns the lines to print. */
export function discover(variants: readonly Variant[], campaigns: readonly Campaign[], write: boolean, runs?: number, log: (s: string) => void = console.log): void {
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
    }
  }
  if (write) writeManifest(manifest);
}
