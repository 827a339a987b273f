/**
 * The audit: every chosen variant under every chosen campaign, compared with the
 * expectations manifest. A `holds` entry that broke is a failure (with a shrunk
 * counterexample); a `violated` entry whose counterexample no longer reproduces is a
 * failure; an applicable sometimes-property never reached by any campaign is a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Variant } from '../model/variants/variant';
import { LifecycleCoverage } from '../model/lifecycles/coverage';
import { ALL_LIFECYCLES } from '../model/lifecycles/index';
import { SAFETY, sometimesFor } from '../properties/index';
import { parseCounterexample, type CounterexampleFile } from '../counterexamples/format';
import { replayFile } from '../counterexamples/replay';
import { buildCounterexample } from '../counterexamples/build';
import { expectedViolations, type Manifest } from '../counterexamples/manifest';
import { IRQ_CALLS, IRQ_CONTEXTS, irqCampaign, type Campaign } from './campaigns';
import { findAndShrink, survey } from './fastcheck';
import { auditCall } from './irq_audit';

/** One variant × campaign × property cell. */
export interface Cell {
  readonly variant: string;
  readonly campaign: string;
  readonly property: string;
  readonly expected: 'holds' | 'violated';
  /** holds / violated (in the survey) / reproduced / not-reproduced (the recorded counterexample). */
  readonly observed: 'holds' | 'violated' | 'reproduced' | 'not-reproduced';
  /** Runs of the survey that broke it. */
  readonly count: number;
  readonly message?: string;
  readonly counterexample?: string;
}

/** A mismatch with the manifest. */
export interface Failure {
  readonly variant: string;
  readonly campaign: string;
  readonly property: string;
  readonly kind: 'unexpected-violation' | 'not-reproduced' | 'unreached' | 'bad-counterexample' | 'irq-verdict';
  readonly detail: string;
  readonly counterexample?: CounterexampleFile;
}

/** Per variant × campaign figures. */
export interface CampaignFigures {
  readonly variant: string;
  readonly campaign: string;
  readonly runs: number;
  readonly steps: number;
  readonly ms: number;
}

/** The irq-safety verdict of one API call in one context on one variant. */
export interface IrqCell {
  readonly variant: string;
  readonly call: string;
  readonly context: string;
  /** Runs that exercised the call in that context. */
  readonly exercised: number;
  readonly runs: number;
  /** Properties broken by the call there, with the recorded counterexample (manifest). */
  readonly problems: Record<string, string>;
}

/** The whole audit. */
export interface AuditResult {
  readonly variants: readonly string[];
  readonly campaigns: readonly string[];
  readonly cells: Cell[];
  readonly sometimes: { variant: string; property: string; reached: number }[];
  readonly failures: Failure[];
  readonly figures: CampaignFigures[];
  readonly coverage: Record<string, ReturnType<LifecycleCoverage['toJSON']>>;
  /** Counterexamples referenced by cells, parsed (for reports). */
  readonly counterexamples: Record<string, CounterexampleFile>;
  /** The irq-safety audit (empty when not run). */
  readonly irq: IrqCell[];
  readonly ok: boolean;
}

/** Progress callback for long audits. */
export type Progress = (line: string) => void;

/** Run the audit. `runs` overrides each campaign's budget when given. */
export function audit(variants: readonly Variant[], campaigns: readonly Campaign[], manifest: Manifest, opts: { runs?: number; progress?: Progress; irq?: boolean } = {}): AuditResult {
  const cells: Cell[] = [];
  const failures: Failure[] = [];
  const figures: CampaignFigures[] = [];
  const sometimes: AuditResult['sometimes'] = [];
  const coverage: AuditResult['coverage'] = {};
  const ces: Record<string, CounterexampleFile> = {};
  const irq: IrqCell[] = [];
  for (const v of variants) {
    const reached = new Map<string, number>();
    const cov = new LifecycleCoverage(ALL_LIFECYCLES);
    for (const c of campaigns) {
      const runs = opts.runs ?? c.runs;
      const s = survey(v, c, runs, c.seed, (_i, o) => cov.merge(o.result.world.coverage));
      figures.push({ variant: v.name, campaign: c.name, runs, steps: s.steps, ms: s.ms });
      opts.progress?.(`${v.name} / ${c.name}: ${runs} runs, ${s.steps} steps, ${(s.ms / 1000).toFixed(1)} s, broke ${[...s.violated.keys()].join(', ') || 'nothing'}`);
      for (const [r, n] of s.reached) reached.set(r, (reached.get(r) ?? 0) + n);
      const expected = expectedViolations(manifest, v.name, c.name);
      for (const p of SAFETY) {
        const seen = s.violated.get(p.name);
        const cePath = expected[p.name];
        if (cePath === undefined) {
          cells.push({ variant: v.name, campaign: c.name, property: p.name, expected: 'holds', observed: seen ? 'violated' : 'holds', count: seen?.count ?? 0, ...(seen ? { message: seen.message } : {}) });
          if (seen) {
            const found = findAndShrink(v, c, p.name, runs, c.seed);
            const ce = found && buildCounterexample(v, c, p.name, found.scenario, { strategy: 'fast-check', seed: found.seed, path: found.path });
            failures.push({ variant: v.name, campaign: c.name, property: p.name, kind: 'unexpected-violation', detail: seen.message, ...(ce ? { counterexample: ce } : {}) });
          }
          continue;
        }
        let observed: Cell['observed'] = 'not-reproduced';
        try {
          if (!existsSync(cePath)) throw new Error(`${cePath} does not exist`);
          const ce = parseCounterexample(readFileSync(cePath, 'utf8'), cePath);
          ces[cePath] = ce;
          const r = replayFile(ce, cePath);
          observed = r.reproduced ? 'reproduced' : 'not-reproduced';
          if (!r.reproduced) failures.push({ variant: v.name, campaign: c.name, property: p.name, kind: 'not-reproduced', detail: `${cePath} no longer breaks ${p.name}` });
        } catch (e) {
          failures.push({ variant: v.name, campaign: c.name, property: p.name, kind: 'bad-counterexample', detail: (e as Error).message });
        }
        cells.push({ variant: v.name, campaign: c.name, property: p.name, expected: 'violated', observed, count: seen?.count ?? 0, counterexample: cePath, ...(seen ? { message: seen.message } : {}) });
      }
    }
    for (const p of sometimesFor(v)) {
      const n = reached.get(p.name) ?? 0;
      sometimes.push({ variant: v.name, property: p.name, reached: n });
      if (n === 0) failures.push({ variant: v.name, campaign: '*', property: p.name, kind: 'unreached', detail: `${p.name} was never reached by any campaign on ${v.name}` });
    }
    coverage[v.name] = cov.toJSON();
    if (opts.irq) irqAudit(v, manifest, irq, failures, ces, opts.progress);
  }
  return { variants: variants.map((v) => v.name), campaigns: campaigns.map((c) => c.name), cells, sometimes, failures, figures, coverage, counterexamples: ces, irq, ok: failures.length === 0 };
}

/** Re-run the irq audit of `v` and compare each call × context with the manifest. */
function irqAudit(v: Variant, manifest: Manifest, out: IrqCell[], failures: Failure[], ces: Record<string, CounterexampleFile>, progress?: Progress): void {
  for (const call of IRQ_CALLS) {
    for (const ctx of IRQ_CONTEXTS) {
      const c = irqCampaign(call, ctx);
      const r = auditCall(v, call, ctx, undefined, false);
      const want = expectedViolations(manifest, v.name, c.name);
      const seen = r.problems.map((p) => p.property).sort();
      if (seen.join() !== Object.keys(want).sort().join()) {
        failures.push({ variant: v.name, campaign: c.name, property: seen.join(',') || '(none)', kind: 'irq-verdict', detail: `${call} in ${ctx}: saw [${seen.join(', ')}], expectations.json has [${Object.keys(want).sort().join(', ')}]` });
      }
      for (const path of Object.values(want)) if (existsSync(path)) ces[path] = parseCounterexample(readFileSync(path, 'utf8'), path);
      out.push({ variant: v.name, call, context: ctx, exercised: r.exercised, runs: r.runs, problems: want });
    }
  }
  progress?.(`${v.name}: irq-safety audit of ${IRQ_CALLS.length} calls x ${IRQ_CONTEXTS.length} contexts`);
}
