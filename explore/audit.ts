/**
 * The audit: every chosen variant under every chosen campaign, compared with the
 * finding-centric expectations manifest (counterexamples/manifest.ts).
 *
 * For each variant × campaign:
 *  1. the campaign's budget of generated runs (fast-check survey); every failing run is
 *     replayed once with the recorded findings removed (explain.ts). A failure that
 *     survives is shrunk and classified by experiment: a known finding not recorded there is
 *     an `unexpected-finding`, none at all an `unclassified` (new) finding;
 *  2. every recorded finding's counterexample must still break its property on its variant
 *     (`not-reproduced` otherwise) and its finding's experiment must still remove it
 *     (`not-explained` otherwise).
 * A `-fixed` variant has no recorded findings, so any violation there fails; campaigns that
 * exist for a contract of the base (interrupt context on a layer that is not irq-safe) are
 * not run on it. Performance properties are reported, never failures. An applicable
 * sometimes-property no campaign reached is a failure (`unreached`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Variant } from '../model/engine/variant';
import { parseVariantName, variantByName } from '../model/variants/registry';
import { FINDINGS, findingById } from '../model/variants/findings';
import { LifecycleCoverage } from '../model/lifecycles/coverage';
import { ALL_LIFECYCLES } from '../model/lifecycles/index';
import type { Scenario } from '../model/engine/program';
import { SAFETY, classOf, propertyByName, sometimesFor } from '../properties/index';
import { parseCounterexample, type CounterexampleFile } from '../counterexamples/format';
import { replayFile } from '../counterexamples/replay';
import { buildCounterexample } from '../counterexamples/build';
import { experimentRemoves } from '../counterexamples/classify';
import { expectedFindings, type Manifest } from '../counterexamples/manifest';
import { IRQ_CAMPAIGNS, campaignByName, type Campaign } from './campaigns';
import { findAndShrinkBy, survey } from './fastcheck';
import { explainer } from './explain';
import { irqCells, type IrqCell } from './irq_cells';
import { auditAllConsumers, type ConsumerCell } from './consumer_audit';
import { hunt, huntFailures, huntRuns, type HuntBudget } from './hunt';

export type { IrqCell } from './irq_cells';

/** One variant × campaign × property cell (the property matrix). */
export interface Cell {
  readonly variant: string;
  readonly campaign: string;
  readonly property: string;
  /** 'violated' when a recorded finding of this variant × campaign shows through it. */
  readonly expected: 'holds' | 'violated';
  readonly observed: 'holds' | 'violated' | 'reproduced' | 'not-reproduced';
  /** Runs of the survey that broke it. */
  readonly count: number;
  readonly message?: string;
  /** A recorded counterexample of a finding showing through it here. */
  readonly counterexample?: string;
  /** The recorded findings showing through it here. */
  readonly findings?: readonly string[];
}

/** One variant × campaign × finding: recorded, and what the audit saw of it. */
export interface FindingCell {
  readonly variant: string;
  readonly campaign: string;
  readonly finding: string;
  readonly kind: string;
  /** reproduced: its counterexample still fails and its experiment removes it. */
  readonly observed: 'reproduced' | 'not-reproduced' | 'not-explained' | 'bad-counterexample';
  readonly counterexample: string;
  readonly property: string;
}

/** A mismatch with the manifest. */
export interface Failure {
  readonly variant: string;
  readonly campaign: string;
  readonly property: string;
  readonly kind: 'unexpected-finding' | 'unclassified' | 'not-reproduced' | 'not-explained' | 'unreached' | 'bad-counterexample' | 'consumer-mismatch';
  readonly detail: string;
  /** The finding concerned (the recorded one, or the known one seen unexpectedly). */
  readonly finding?: string;
  readonly counterexample?: CounterexampleFile;
}

/** Per variant × campaign figures. */
export interface CampaignFigures {
  readonly variant: string;
  readonly campaign: string;
  readonly runs: number;
  readonly steps: number;
  readonly ms: number;
  /** Failing runs replayed without the recorded findings (the explain experiment). */
  readonly explained: number;
  /** The check's swarm search phase (hunt.ts), when it ran. */
  readonly hunt?: { readonly runs: number; readonly steps: number; readonly ms: number };
}

/** The whole audit. */
export interface AuditResult {
  readonly variants: readonly string[];
  readonly campaigns: readonly string[];
  readonly cells: Cell[];
  readonly findings: FindingCell[];
  readonly sometimes: { variant: string; property: string; reached: number }[];
  readonly failures: Failure[];
  /** Performance findings seen (reported, never failures): variant, campaign, property, message. */
  readonly performance: { variant: string; campaign: string; property: string; count: number; message: string }[];
  readonly figures: CampaignFigures[];
  readonly coverage: Record<string, ReturnType<LifecycleCoverage['toJSON']>>;
  /** Counterexamples referenced by cells, parsed (for reports). */
  readonly counterexamples: Record<string, CounterexampleFile>;
  /** The irq-safety verdicts, from the irq campaigns' findings (empty when not run). */
  readonly irq: IrqCell[];
  /** The consumers' verdict cells (empty when not run). */
  readonly consumers: ConsumerCell[];
  readonly ok: boolean;
}

/** Progress callback for long audits. */
export type Progress = (line: string) => void;

/** Performance properties are reported and recorded, never failures. */
export function isPerformance(property: string): boolean {
  const p = propertyByName(property);
  return p !== undefined && classOf(p) === 'performance';
}

/** Does the base of `variant` have a contract finding recorded in campaign `c` (so `-fixed` skips it)? */
export function contractCampaign(manifest: Manifest, variant: string, c: string): boolean {
  const spec = parseVariantName(variant);
  return Object.keys(expectedFindings(manifest, spec.base, c)).some((id) => findingById(id)?.kind === 'contract');
}

/** What the audit will run for one variant: its campaigns (irq ones included when asked), with survey and hunt runs. */
export function auditPlan(v: Variant, campaigns: readonly Campaign[], manifest: Manifest, opts: { runs?: number; irq?: boolean; hunt?: HuntBudget }): { campaign: Campaign; runs: number; hunt: number }[] {
  const all = opts.irq ? [...campaigns, ...IRQ_CAMPAIGNS.filter((c) => !campaigns.includes(c))] : campaigns;
  // A -fixed variant is not run under a contract's campaigns: it keeps the defects' fixes, not the callers' contracts.
  const fixed = v.name.includes('-fixed');
  return all.filter((c) => !(fixed && contractCampaign(manifest, v.name, c.name))).map((c) => ({ campaign: c, runs: opts.runs ?? c.runs, hunt: huntRuns(opts.hunt, opts.runs ?? c.runs) }));
}

/** Options of one audit. `tick(n)` is told of every n runs done (survey runs one by one, a campaign's hunt at its end). */
export interface AuditOptions {
  runs?: number;
  progress?: Progress;
  tick?: (runs: number) => void;
  irq?: boolean;
  consumers?: boolean;
  hunt?: HuntBudget;
}

/** Run the audit. `runs` overrides each campaign's budget when given; `irq` adds the irq campaigns. */
export function audit(variants: readonly Variant[], campaigns: readonly Campaign[], manifest: Manifest, opts: AuditOptions = {}): AuditResult {
  const r: AuditResult = { variants: variants.map((v) => v.name), campaigns: campaigns.map((c) => c.name), cells: [], findings: [], sometimes: [], failures: [], performance: [], figures: [], coverage: {}, counterexamples: {}, irq: [], consumers: [], ok: true };
  const all = opts.irq ? [...campaigns, ...IRQ_CAMPAIGNS.filter((c) => !campaigns.includes(c))] : campaigns;
  for (const v of variants) {
    const reached = new Map<string, number>();
    const cov = new LifecycleCoverage(ALL_LIFECYCLES);
    const exercised = new Map<string, number>();
    for (const { campaign: c, runs, hunt } of auditPlan(v, campaigns, manifest, opts)) {
      auditCampaign(r, v, c, manifest, runs, cov, reached, exercised, hunt, opts.tick);
      const f = r.figures.at(-1)!;
      opts.progress?.(`${v.name} / ${c.name}: ${f.runs} runs${f.hunt ? ` + ${f.hunt.runs} swarm` : ''}, ${((f.ms + (f.hunt?.ms ?? 0)) / 1000).toFixed(1)} s`);
    }
    for (const p of sometimesFor(v)) {
      const n = reached.get(p.name) ?? 0;
      r.sometimes.push({ variant: v.name, property: p.name, reached: n });
      if (n === 0) r.failures.push({ variant: v.name, campaign: '*', property: p.name, kind: 'unreached', detail: `${p.name} was never reached by any campaign on ${v.name}` });
    }
    r.coverage[v.name] = cov.toJSON();
    if (opts.irq) r.irq.push(...irqCells(v.name, manifest, exercised, all));
  }
  if (opts.consumers) {
    const c = auditAllConsumers(manifest);
    r.consumers.push(...c.cells);
    for (const m of c.mismatches) r.failures.push({ variant: m.key, campaign: m.consumer, property: '*', kind: 'consumer-mismatch', detail: m.detail });
    opts.progress?.(`consumers: ${c.cells.length} cells, ${c.mismatches.length} mismatch(es)`);
  }
  return { ...r, ok: r.failures.length === 0 };
}

/** Survey one campaign on one variant and compare with its recorded findings. */
function auditCampaign(r: AuditResult, v: Variant, c: Campaign, manifest: Manifest, runs: number, cov: LifecycleCoverage, reached: Map<string, number>, exercised: Map<string, number>, huntRuns: number, tick?: (runs: number) => void): void {
  const expected = expectedFindings(manifest, v.name, c.name);
  const ex = explainer(v.name, Object.keys(expected));
  const unexplained = new Map<string, Scenario>();
  let explainedRuns = 0;
  const s = survey(v, c, runs, c.seed, (_i, o, scn) => {
    tick?.(1);
    cov.merge(o.result.world.coverage);
    if (c.name.startsWith('irq-') && irqExercised(o.result.harness.started, scn, c)) exercised.set(c.name, (exercised.get(c.name) ?? 0) + 1);
    // One replay without the recorded findings answers every property this run broke.
    const open = [...o.violated].filter((p) => !isPerformance(p) && !unexplained.has(p));
    if (open.length === 0) return;
    const left = ex.identity ? o.violated : ex.surviving(c, scn);
    if (!ex.identity) explainedRuns++;
    for (const p of open) if (left.has(p)) unexplained.set(p, scn);
  });
  // The check's search phase: swarm runs for what the variant's record does not explain.
  const h = huntRuns > 0 ? hunt(v, c, manifest, huntRuns, c.seed, isPerformance) : null;
  if (huntRuns > 0) tick?.(huntRuns);
  r.figures.push({ variant: v.name, campaign: c.name, runs, steps: s.steps, ms: s.ms, explained: explainedRuns, ...(h ? { hunt: { runs: h.runs, steps: h.steps, ms: h.ms } } : {}) });
  if (h) for (const f of huntFailures(v, c, h, c.seed)) if (!unexplained.has(f.property)) r.failures.push({ variant: v.name, campaign: c.name, ...f });
  for (const [p, n] of s.reached) reached.set(p, (reached.get(p) ?? 0) + n);
  for (const [p, e] of s.violated) if (isPerformance(p)) r.performance.push({ variant: v.name, campaign: c.name, property: p, count: e.count, message: e.message });
  for (const [p, scn] of unexplained) reportUnexplained(r, v, c, p, scn, ex, runs);
  const showing = new Map<string, { path: string; ids: string[] }>();
  for (const [id, path] of Object.entries(expected)) {
    const ce = checkRecorded(r, v.name, c, id, path);
    if (ce === null) continue;
    const e = showing.get(ce.property) ?? { path, ids: [] };
    e.ids.push(id);
    showing.set(ce.property, e);
  }
  for (const p of SAFETY) {
    const seen = s.violated.get(p.name);
    const rec = showing.get(p.name);
    r.cells.push({
      variant: v.name,
      campaign: c.name,
      property: p.name,
      expected: rec ? 'violated' : 'holds',
      // A recorded property shows how its findings' counterexamples replayed.
      observed: rec ? (r.findings.some((f) => f.variant === v.name && f.campaign === c.name && rec.ids.includes(f.finding) && f.observed !== 'reproduced') ? 'not-reproduced' : 'reproduced') : seen ? 'violated' : 'holds',
      count: seen?.count ?? 0,
      ...(seen ? { message: seen.message } : {}),
      ...(rec ? { counterexample: rec.path, findings: rec.ids } : {}),
    });
  }
}

/** Shrink a failure the recorded findings do not explain, classify it, and record the failure. */
function reportUnexplained(r: AuditResult, v: Variant, c: Campaign, property: string, scn: Scenario, ex: ReturnType<typeof explainer>, runs: number): void {
  const found = findAndShrinkBy(c, property, (x) => ex.survives(c, property, x), runs, c.seed, 800);
  const shrunk = ex.within(c, found?.scenario ?? scn);
  const on = variantByName(ex.variant);
  const ce = buildCounterexample(on, c, property, shrunk, { strategy: 'fast-check', seed: c.seed, path: found?.path ?? '' });
  const ids = ce?.findings ?? [];
  const where = ex.variant === v.name ? v.name : `${v.name} with its recorded findings removed (${ex.variant})`;
  // No single experiment removes it: are all known findings together enough (a joint cause)?
  const joint = ids.length === 0 && !explainer(ex.variant, FINDINGS.map((f) => f.id)).survives(c, property, shrunk);
  r.failures.push({
    variant: v.name,
    campaign: c.name,
    property,
    kind: ids.length === 0 && !joint ? 'unclassified' : 'unexpected-finding',
    detail:
      ids.length > 0
        ? `${property} broke on ${where}: finding ${ids.join(', ')} is not recorded for ${v.name} / ${c.name}`
        : joint
          ? `${property} broke on ${where}: removed only by several known fixes/contracts together, none recorded here; run 'vmapcheck discover --variant ${v.name} --campaign ${c.name} --write'`
          : `${property} broke on ${where} and no fix or contract explains it: a new finding`,
    ...(ids.length > 0 ? { finding: ids[0]! } : {}),
    ...(ce ? { counterexample: ce } : {}),
  });
}

/** Replay a recorded finding's counterexample: still failing, still explained by its finding. */
function checkRecorded(r: AuditResult, variant: string, c: Campaign, id: string, path: string): CounterexampleFile | null {
  const kind = findingById(id)?.kind ?? 'unknown';
  let ce: CounterexampleFile;
  try {
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
    ce = parseCounterexample(readFileSync(path, 'utf8'), path);
  } catch (e) {
    r.failures.push({ variant, campaign: c.name, property: '*', kind: 'bad-counterexample', finding: id, detail: (e as Error).message });
    r.findings.push({ variant, campaign: c.name, finding: id, kind, observed: 'bad-counterexample', counterexample: path, property: '*' });
    return null;
  }
  r.counterexamples[path] = ce;
  const rep = replayFile(ce, path);
  const cc = campaignByName(ce.campaign);
  const observed = !rep.reproduced ? 'not-reproduced' : experimentRemoves(id, ce.variant, cc, ce.property, ce.scenario) ? 'reproduced' : 'not-explained';
  r.findings.push({ variant, campaign: c.name, finding: id, kind, observed, counterexample: path, property: ce.property });
  if (observed === 'not-reproduced') r.failures.push({ variant, campaign: c.name, property: ce.property, kind: observed, finding: id, detail: `${path} (${id}) no longer breaks ${ce.property} on ${ce.variant}` });
  if (observed === 'not-explained') r.failures.push({ variant, campaign: c.name, property: ce.property, kind: observed, finding: id, detail: `${path} still breaks ${ce.property} on ${ce.variant}, but ${id}'s ${kind === 'contract' ? 'contract' : 'fix'} no longer removes it` });
  return ce;
}

/** Did the irq campaign's audited call start in the audited way in this run? */
function irqExercised(started: ReadonlySet<number>, scn: Scenario, c: Campaign): boolean {
  if (c.irqsOff !== undefined) return scn.programs.some((p) => p.some((o) => c.irqsOff!.includes(o.op) && o.irqsOff && started.has(o.id)));
  return scn.schedule.some((ch) => ch.t === 'irq' && c.irqOps.includes(ch.op.op) && started.has(ch.op.id));
}
