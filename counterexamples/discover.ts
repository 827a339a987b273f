/**
 * Discovery: find, shrink and classify every finding each campaign shows on each base, and
 * build the finding-centric manifest from it.
 *
 *  1. Survey the base; shrink one counterexample per broken property; classify it by
 *     experiment (classify.ts). Each finding it belongs to keeps its shortest one.
 *  2. Dig: a known finding hides others (F9's oops takes the run before F3 can show), so for
 *     every finding of the base not yet seen in the campaign, search the base with every
 *     OTHER fix applied (`<base>-fixed-without-Fx`; `<base>-fixed` for a contract), shrinking
 *     under "Fx's experiment removes it". The counterexample is recorded on the base when it
 *     reproduces there and Fx still explains it, else on the dig variant.
 *  3. PCT runs and the hand-made templates (explore/handmade.ts) add races the random
 *     budget misses, classified the same way.
 * A violation no experiment explains is a new finding: it is reported, written under
 * counterexamples/unclassified/, and never filed under a neighbour.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import seedrandom from 'seedrandom';
import type { Scenario } from '../model/engine/program';
import { FINDINGS, findingById } from '../model/variants/findings';
import { fixesFor, isRewriteBase, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';
import { campaignByName, type Campaign } from '../explore/campaigns';
import { explainer } from '../explore/explain';
import { runScenario } from '../explore/check';
import { findAndShrink, findAndShrinkBy, survey } from '../explore/fastcheck';
import { instantiate, TEMPLATES } from '../explore/handmade';
import { PCT_DEPTH, PCT_K, PCT_SEED, pctChooser, pctK, pctRunSeed, randomScenario } from '../explore/pct';
import { shrinkScenario } from '../explore/shrink';
import { audit, isPerformance } from '../explore/audit';
import { buildCounterexample } from './build';
import { breaks, experimentRemoves } from './classify';
import type { CounterexampleFile, SearchRecord } from './format';
import { MANIFEST_FORMAT, type Manifest } from './manifest';

/** Options of a discovery run. */
export interface DiscoverOptions {
  readonly runs?: number;
  readonly pct?: number;
  readonly dig?: boolean;
  readonly log?: (line: string) => void;
}

/** What discovery found: the manifest and the files it references, plus the unexplained. */
export interface Discovery {
  readonly manifest: Manifest;
  readonly files: Map<string, CounterexampleFile>;
  readonly unclassified: CounterexampleFile[];
}

/** The file of a base × campaign × finding counterexample. */
export function findingPath(base: string, campaign: string, finding: string): string {
  return `counterexamples/${base}.${campaign}.${finding}.json`;
}

const size = (ce: CounterexampleFile): number => ce.stats.ops * 1_000_000 + ce.stats.contextSwitches * 10_000 + ce.stats.steps;

/** Discover on `bases` × `campaigns`; `fixedChecks` are the `-fixed` variants to search for leftovers. */
export function discover(bases: readonly Variant[], campaigns: readonly Campaign[], fixedChecks: readonly Variant[], opts: DiscoverOptions = {}): Discovery {
  const log = opts.log ?? (() => {});
  const files = new Map<string, CounterexampleFile>();
  const unclassified: CounterexampleFile[] = [];
  const shows = new Map<string, Set<string>>();
  const manifest: Manifest = { format: MANIFEST_FORMAT, findings: {}, variants: {} };
  for (const v of bases) {
    for (const c of campaigns) {
      const best = new Map<string, CounterexampleFile>();
      const keep = (ce: CounterexampleFile | null, how: string): void => {
        if (ce === null) return;
        const ids = ce.findings ?? [];
        log(`  ${v.name} / ${c.name}: ${ce.property} via ${how} on ${ce.variant}: ${ids.join('+') || 'UNCLASSIFIED'} (${ce.stats.ops} ops, ${ce.stats.contextSwitches} switches)`);
        if (ids.length === 0) {
          // No single experiment removes it. Removed by all of them together: several known
          // findings are needed at once (the dig gives each its own counterexample); else new.
          const all = explainer(ce.variant, FINDINGS.map((f) => f.id));
          if (!all.survives(campaignByName(ce.campaign), ce.property, ce.scenario)) {
            log(`    (explained only jointly by the known fixes and contracts: not recorded; the dig isolates each finding)`);
            return;
          }
          unclassified.push(ce);
        }
        for (const id of ids) {
          (shows.get(id) ?? shows.set(id, new Set()).get(id)!).add(ce.property);
          const cur = best.get(id);
          if (cur === undefined || size(ce) < size(cur)) best.set(id, ce);
        }
      };
      const runs = opts.runs ?? c.runs;
      const s = survey(v, c, runs, c.seed);
      for (const p of [...s.violated.keys()].sort()) {
        if (isPerformance(p)) continue;
        const found = findAndShrink(v, c, p, runs, c.seed);
        if (found) keep(buildCounterexample(v, c, p, found.scenario, { strategy: 'fast-check', seed: found.seed, path: found.path }), 'fast-check');
      }
      const choice: number[] = [];
      for (let run = 0; run < (opts.pct ?? 0); run++) keepPct(v, c, run, choice, s.violated, keep);
      for (const t of TEMPLATES.filter((x) => x.campaign === c.name)) {
        const hit = instantiate(t, v);
        if (hit) keep(buildCounterexample(v, c, t.property, hit.scenario, { strategy: 'hand', note: t.note }), `template ${t.name}`);
      }
      if (opts.dig !== false && isRewriteBase(v.name)) dig(v, c, runs, best, keep);
      const entry: Record<string, string> = {};
      for (const id of [...best.keys()].sort(byId)) {
        const path = findingPath(v.name, c.name, id);
        files.set(path, best.get(id)!);
        entry[id] = path;
      }
      (manifest.variants[v.name] ??= {})[c.name] = { findings: entry };
      log(`${v.name} / ${c.name}: ${Object.keys(entry).join(', ') || 'no finding'}`);
    }
  }
  for (const v of fixedChecks) {
    for (const c of campaigns) {
      const base = v.name.replace(/-fixed.*$/, '');
      const rec = manifest.variants[base]?.[c.name]?.findings ?? {};
      if (Object.keys(rec).some((id) => findingById(id)?.kind === 'contract')) continue;
      const s = survey(v, c, opts.runs ?? c.runs, c.seed);
      for (const p of [...s.violated.keys()].sort()) {
        if (isPerformance(p)) continue;
        const found = findAndShrink(v, c, p, opts.runs ?? c.runs, c.seed);
        const ce = found && buildCounterexample(v, c, p, found.scenario, { strategy: 'fast-check', seed: found.seed, path: found.path });
        if (ce) {
          log(`  LEFTOVER on ${v.name} / ${c.name}: ${p}: ${ce.violation.message.split('\n')[0]}`);
          unclassified.push(ce);
        }
      }
      (manifest.variants[v.name] ??= {})[c.name] = { findings: {} };
    }
  }
  for (const f of FINDINGS) if (shows.has(f.id)) manifest.findings[f.id] = { kind: f.kind, properties: [...shows.get(f.id)!].sort() };
  return { manifest, files, unclassified };
}

/** Numeric finding order. */
function byId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b);
}

/**
 * PCT run `run` of `c` on `v`, exactly as `vmapcheck pct --seed 1` runs it (same seed string,
 * depth and measured k), shrunk and kept for the properties fast-check missed.
 */
function keepPct(v: Variant, c: Campaign, run: number, choice: number[], seen: ReadonlyMap<string, unknown>, keep: (ce: CounterexampleFile | null, how: string) => void): void {
  const rs = pctRunSeed(PCT_SEED, v.name, c.name, run);
  const scn = randomScenario(c, seedrandom(rs + '/prog'));
  const stats = { choicePoints: 0 };
  const o = runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth: PCT_DEPTH, k: pctK(choice, PCT_K) }, scn, stats) });
  choice.push(stats.choicePoints);
  for (const p of [...o.violated].sort()) {
    if (seen.has(p) || isPerformance(p)) continue;
    const { scenario } = shrinkScenario({ ...scn, schedule: o.result.executed }, (x) => runScenario(v, c, x).violated.has(p), 600);
    const search: SearchRecord = { strategy: 'pct', seed: PCT_SEED, depth: PCT_DEPTH, run };
    keep(buildCounterexample(v, c, p, scenario, search), `PCT run ${run} (seed '${rs}')`);
  }
}

/** Search for each not-yet-seen finding of `v` with every other known finding fixed. */
function dig(v: Variant, c: Campaign, runs: number, best: ReadonlyMap<string, CounterexampleFile>, keep: (ce: CounterexampleFile | null, how: string) => void): void {
  const candidates: { id: string; on: string }[] = [
    ...fixesFor(v.name).map((f) => ({ id: f.id, on: `${v.name}-fixed-without-${f.id}` })),
    ...FINDINGS.filter((f) => f.contract?.bases.includes(v.name)).map((f) => ({ id: f.id, on: `${v.name}-fixed` })),
  ];
  for (const { id, on } of candidates) {
    if (best.has(id)) continue;
    const d = variantByName(on);
    const s = survey(d, c, runs, c.seed);
    for (const p of [...s.violated.keys()].sort()) {
      if (isPerformance(p)) continue;
      const ofThis = (x: Scenario): boolean => breaks(on, c, p, x) && experimentRemoves(id, on, c, p, x);
      const found = findAndShrinkBy(c, p, ofThis, runs, c.seed, 600);
      if (found === null) continue;
      const onBase = breaks(v.name, c, p, found.scenario) && experimentRemoves(id, v.name, c, p, found.scenario);
      const search: SearchRecord = { strategy: 'fast-check', seed: found.seed, path: found.path };
      keep(buildCounterexample(onBase ? v : d, c, p, found.scenario, search), `dig with the other fixes applied`);
      break;
    }
  }
}

/** Write the files of a discovery (counterexamples, unclassified) and return the paths written. */
export function writeDiscovery(d: Discovery): string[] {
  const out: string[] = [];
  for (const [path, ce] of d.files) {
    writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
    out.push(path);
  }
  if (d.unclassified.length > 0) mkdirSync('counterexamples/unclassified', { recursive: true });
  d.unclassified.forEach((ce, i) => {
    const path = `counterexamples/unclassified/${ce.variant}.${ce.campaign}.${ce.property}.${i}.json`;
    writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
    out.push(path);
  });
  return out;
}

/**
 * Close the loop with the CI check: audit each base against `m` and adopt every failure the
 * audit shrank and classified as a known finding not recorded for that variant × campaign
 * (the audit's survey sees runs the discovery's one-counterexample-per-property shrink did
 * not keep, and fix points that only several fixes reach together). Repeats until the audit
 * finds nothing more to adopt, at most `rounds` times; unclassified failures are returned.
 */
export function adoptFromAudit(m: Manifest, bases: readonly Variant[], campaigns: readonly Campaign[], log: (line: string) => void, rounds = 3): { files: Map<string, CounterexampleFile>; unclassified: CounterexampleFile[] } {
  const files = new Map<string, CounterexampleFile>();
  const unclassified: CounterexampleFile[] = [];
  for (let round = 0; round < rounds; round++) {
    let adopted = 0;
    for (const v of bases) {
      const normal = campaigns.filter((c) => c.irqOps.length === 0 && c.irqsOff === undefined);
      const irq = campaigns.length > normal.length;
      const r = audit([v], normal, m, { irq });
      for (const f of r.failures) {
        const ce = f.counterexample;
        if (f.kind === 'unclassified' && ce) unclassified.push(ce);
        if (f.kind !== 'unexpected-finding' || ce === undefined || (ce.findings ?? []).length === 0) continue;
        const cell = ((m.variants[v.name] ??= {})[f.campaign] ??= { findings: {} });
        for (const id of ce.findings ?? []) {
          if (cell.findings[id] !== undefined) continue;
          const path = findingPath(v.name, f.campaign, id);
          cell.findings[id] = path;
          files.set(path, ce);
          const rec = (m.findings[id] ??= { kind: findingById(id)?.kind ?? 'defect', properties: [] });
          if (!rec.properties.includes(ce.property)) (m.findings[id] = { ...rec, properties: [...rec.properties, ce.property].sort() });
          adopted++;
          log(`  adopted ${id} for ${v.name} / ${f.campaign} from the audit (${ce.property} on ${ce.variant})`);
        }
      }
    }
    if (adopted === 0) break;
  }
  return { files, unclassified };
}
