/**
 * The check's search phase: after a campaign's fast-check survey, `vmapcheck check` runs a
 * budget of swarm runs (swarm.ts) of the same campaign, which reach rare interleavings the
 * uniform survey needs thousands of runs for (bench/ttff.bench.ts measures it per finding).
 *
 * The phase looks for what the record does not know. A failing run is replayed once with
 * every finding recorded for the variant in *any* campaign removed (explain.ts): a swarm run
 * wanders outside the survey's typical shape, so a known finding of the variant showing in
 * another campaign is expected, not news, and the audit's survey keeps judging the per-cell
 * record. What survives — a failure of a `-fixed` variant, or one no recorded finding of the
 * variant explains — is shrunk and handed back for classification like the survey's.
 */
import type { Scenario } from '../model/engine/program';
import type { Variant } from '../model/engine/variant';
import type { Manifest } from '../counterexamples/manifest';
import type { CounterexampleFile } from '../counterexamples/format';
import { buildCounterexample } from '../counterexamples/build';
import { FINDINGS } from '../model/variants/findings';
import { variantByName } from '../model/variants/registry';
import type { Campaign } from './campaigns';
import { runScenario } from './check';
import { explainer } from './explain';
import { shrinkScenario } from './shrink';
import { runStream } from './strategy';

/** Swarm runs per variant × campaign: a number (0: no search phase), or 'budget': as many as the survey's (check's default). */
export type HuntBudget = number | 'budget';

/** The search phase's runs in a cell whose survey makes `surveyRuns`. */
export function huntRuns(b: HuntBudget | undefined, surveyRuns: number): number {
  return b === 'budget' ? surveyRuns : (b ?? 0);
}

/** What the search phase found in one variant × campaign. */
export interface Hunt {
  readonly runs: number;
  readonly steps: number;
  readonly ms: number;
  /** Failing runs replayed without the variant's recorded findings. */
  readonly explained: number;
  /** Per property the record does not explain: the run's shrunk scenario, its run index, and the variant it still fails on. */
  readonly unexplained: Map<string, { readonly scenario: Scenario; readonly run: number; readonly on: string }>;
}

/** Every finding the manifest records for `variant` in any campaign. */
export function recordedAnywhere(m: Manifest, variant: string): string[] {
  const ids = new Set<string>();
  for (const cell of Object.values(m.variants[variant] ?? {})) for (const id of Object.keys(cell.findings)) ids.add(id);
  return [...ids].sort();
}

/** Run `runs` swarm runs of `c` on `v` from `seed`; `skip` says which properties not to report (performance ones). */
export function hunt(v: Variant, c: Campaign, m: Manifest, runs: number, seed: number, skip: (property: string) => boolean): Hunt {
  const ex = explainer(v.name, recordedAnywhere(m, v.name));
  const stream = runStream('swarm', c, seed);
  const unexplained = new Map<string, { scenario: Scenario; run: number; on: string }>();
  let steps = 0;
  let explained = 0;
  const t0 = performance.now();
  for (let run = 0; run < runs; run++) {
    const g = stream(run);
    const o = runScenario(v, c, g.scenario, g.chooser ? { chooser: g.chooser } : {});
    g.done?.();
    steps += o.result.steps;
    const open = [...o.violated].filter((p) => !skip(p) && !unexplained.has(p));
    if (open.length === 0) continue;
    // The executed schedule replays the run exactly, without the chooser.
    const scn: Scenario = { ...g.scenario, schedule: o.result.executed };
    const left = ex.identity ? o.violated : ex.surviving(c, scn);
    if (!ex.identity) explained++;
    for (const p of open) {
      if (!left.has(p)) continue;
      const { scenario } = shrinkScenario(ex.within(c, scn), (x) => ex.survives(c, p, x), 800);
      unexplained.set(p, { scenario, run, on: ex.variant });
    }
  }
  return { runs, steps, ms: performance.now() - t0, explained, unexplained };
}

/** A failure of the search phase, as the audit records it (without variant and campaign). */
export interface HuntFailure {
  readonly property: string;
  readonly kind: 'unexpected-finding' | 'unclassified';
  readonly detail: string;
  readonly finding?: string;
  readonly counterexample?: CounterexampleFile;
}

/** Classify what the phase could not explain: a known finding new to the variant, one only several explain together, or a new one. */
export function huntFailures(v: Variant, c: Campaign, h: Hunt, seed: number): HuntFailure[] {
  const out: HuntFailure[] = [];
  for (const [property, u] of h.unexplained) {
    const ce = buildCounterexample(variantByName(u.on), c, property, u.scenario, { strategy: 'swarm', seed, run: u.run });
    const ids = ce?.findings ?? [];
    const where = u.on === v.name ? v.name : `${v.name} with its recorded findings removed (${u.on})`;
    const joint = ids.length === 0 && !explainer(u.on, FINDINGS.map((f) => f.id)).survives(c, property, u.scenario);
    out.push({
      property,
      kind: ids.length === 0 && !joint ? 'unclassified' : 'unexpected-finding',
      detail:
        ids.length > 0
          ? `${property} broke on ${where} in swarm run ${u.run}: finding ${ids.join(', ')} is recorded for no campaign of ${v.name}`
          : joint
            ? `${property} broke on ${where} in swarm run ${u.run}: removed only by several known fixes/contracts together`
            : `${property} broke on ${where} in swarm run ${u.run} and no fix or contract explains it: a new finding`,
      ...(ids.length > 0 ? { finding: ids[0]! } : {}),
      ...(ce ? { counterexample: ce } : {}),
    });
  }
  return out;
}
