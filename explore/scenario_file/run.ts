/**
 * Check a parsed scenario file: for each of its variants, explore exhaustively within the
 * file's bounds, print the coverage and the per-property verdicts, write a witness file per
 * `Sometimes` safety property (when asked), and judge the `expect` lines that apply.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { variantByName } from '../../model/variants/registry';
import { propertyByName } from '../../properties/index';
import { checkBounded, type BoundedResult } from '../exhaustive/bounded';
import { verdictText } from '../exhaustive/verdicts';
import { replayCampaign, witnessFile } from '../exhaustive/witness';
import type { Expectation, ScenarioFile } from './parse';

/** Options of a scenario-file check. */
export interface RunFileOptions {
  /** Directory for witness counterexample files (none written when absent). */
  readonly out?: string;
  /** Override the file's preemption bound / execution budget. */
  readonly preemptions?: number;
  readonly budget?: number;
  readonly reduction?: 'dpor' | 'none';
  /** Stop exploring a variant once each of its expectations is decided (an event seen); for tests. */
  readonly stopWhenDecided?: boolean;
  readonly log?: (line: string) => void;
}

/** The result on one variant. */
export interface VariantResult {
  readonly variant: string;
  readonly result: BoundedResult;
  /** Expectations that apply to this variant, with whether they held. */
  readonly expectations: readonly { readonly e: Expectation; readonly held: boolean; readonly why: string }[];
}

/** An expectation names an unknown property (a malformed file, not a failed expectation). */
export class UnknownProperty extends Error {}

/** Check every variant of `f`. */
export function runScenarioFile(f: ScenarioFile, opts: RunFileOptions = {}): VariantResult[] {
  const log = opts.log ?? ((l: string) => console.log(l));
  for (const e of f.expectations) if (propertyByName(e.property) === undefined) throw new UnknownProperty(`${f.path}:${e.line}: unknown property '${e.property}'`);
  const out: VariantResult[] = [];
  const variants = [...f.variants];
  // A variant named only in an `on` clause is checked too (the fixed variants the lead adds).
  for (const e of f.expectations) for (const v of e.on ?? []) if (!variants.includes(v)) variants.push(v);
  for (const name of variants) {
    const variant = variantByName(name);
    const mine = f.expectations.filter((e) => e.on === null || e.on.includes(name));
    const tallyRef: { t: { seen(p: string): boolean } | null } = { t: null };
    const r = checkBounded({
      ...(opts.stopWhenDecided && mine.length > 0 ? { stop: () => tallyRef.t !== null && mine.every((e) => tallyRef.t!.seen(e.property)) } : {}),
      onTally: (t) => (tallyRef.t = t),
      variant,
      layout: f.layout,
      cpus: f.cpus,
      programs: f.programs,
      ...(f.irq ? { irq: f.irq } : {}),
      fills: f.fills,
      preemptions: opts.preemptions ?? f.preemptions,
      maxCallSteps: f.callSteps,
      budget: opts.budget ?? f.budget,
      reduction: opts.reduction ?? 'dpor',
    });
    const s = r.last;
    const rate = (r.totalExecutions / Math.max(r.ms, 1)) * 1000;
    log(`${f.path} on ${name}: ${r.coverage}`);
    log(`  preemption bound ${r.bound}, step bound per call ${f.callSteps}, budget ${opts.budget ?? f.budget}; ${s.executions} executions, ${s.sleepBlocked} pruned by sleep sets, ${s.dporPruned} alternatives pruned by DPOR; ${r.totalExecutions} runs in ${(r.ms / 1000).toFixed(2)} s (${rate.toFixed(0)} executions/s)`);
    const props = new Set([...r.tally.observed().filter((p) => propertyByName(p) !== undefined), ...f.expectations.map((e) => e.property)]);
    for (const p of props) {
      const v = r.tally.verdict(p);
      let line = `  ${p}: ${verdictText(v)}`;
      if (v.witness !== null && opts.out !== undefined && v.kind === 'safety') {
        const campaign = replayCampaign(f.layoutName, f.overridden, f.cpus, f.irq !== null);
        if (campaign === null) line += ' (no witness file: layout overrides are not replayable by campaign name)';
        else {
          const ce = witnessFile(variant, campaign, f.layout, f.programs, v.witness, p, `exhaustive: ${basename(f.path)} at preemption bound ${v.witnessPreemptions}`);
          if (ce !== null) {
            mkdirSync(opts.out, { recursive: true });
            const file = join(opts.out, `${basename(f.path, '.vmc')}.${name}.${p}.json`);
            writeFileSync(file, JSON.stringify(ce, null, 2) + '\n');
            line += ` witness ${file}`;
          }
        }
      }
      log(line);
    }
    const exps = mine.map((e) => {
        const v = r.tally.verdict(e.property);
        const seen = r.tally.seen(e.property);
        const held = e.mode === 'sometimes' ? seen : !seen && r.complete;
        const why = held ? 'holds' : e.mode === 'sometimes' ? `not seen in ${v.n} executions (${r.coverage})` : seen ? `seen: ${verdictText(v)}` : `not established: ${r.coverage}`;
        log(`  expect ${e.mode} ${e.property}: ${held ? 'ok' : `FAILED (${why})`}`);
        return { e, held, why };
      });
    out.push({ variant: name, result: r, expectations: exps });
  }
  return out;
}
