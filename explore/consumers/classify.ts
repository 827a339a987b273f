/**
 * Root-cause identity of a consumer's failing run, by experiment (the consumer analogue of
 * counterexamples/classify.ts): the run belongs to finding X when X's experiment alone —
 * a consumer fix (model/consumers/<name>/fixes/), a consumer contract, or, for a consumer
 * on a vmap variant, a vmap fix added to that variant (model/variants/fixes/) — makes it
 * stop breaking its property. Several may each remove it (all are recorded); none means a
 * new, unclassified finding. No message or property name decides anything.
 */
import { fixesFor, parseVariantName, variantName } from '../../model/variants/registry';
import type { Consumer } from './index';

/** Every experiment tried on one failing run, and the findings whose experiment removed it. */
export interface ConsumerClassification {
  readonly findings: readonly string[];
  readonly experiments: readonly { readonly finding: string; readonly removes: boolean }[];
}

/** The experiments of finding `id` applicable to a run: [cfg, scenario] pairs (empty: not applicable). */
function experiment(c: Consumer, id: string, cfg: unknown, scn: unknown): { cfg: unknown; scn: unknown } | null {
  const f = c.fixes.find((x) => x.id === id);
  if (f !== undefined) return (f.experiment as (a: unknown, b: unknown) => { cfg: unknown; scn: unknown } | null)(cfg, scn);
  if (c.vmap === undefined) return null;
  const spec = parseVariantName(c.vmap.variant(cfg));
  const fix = fixesFor(spec.base).find((x) => x.id === id);
  if (fix === undefined || spec.fixes.includes(fix)) return null;
  return { cfg: c.vmap.on(cfg, variantName(spec.base, [...spec.fixes, fix])), scn };
}

/** The finding ids whose experiment could apply to a consumer's runs (its own, then the vmap fixes). */
function candidates(c: Consumer, cfg: unknown): string[] {
  const own = c.fixes.map((f) => f.id);
  if (c.vmap === undefined) return own;
  return [...own, ...fixesFor(parseVariantName(c.vmap.variant(cfg)).base).map((f) => f.id)];
}

/** Classify a run of consumer `c` that breaks `property`. */
export function classifyConsumerRun(c: Consumer, cfg: unknown, scn: unknown, property: string): ConsumerClassification {
  const experiments: { finding: string; removes: boolean }[] = [];
  for (const id of candidates(c, cfg)) {
    const e = experiment(c, id, cfg, scn);
    if (e === null) continue;
    experiments.push({ finding: id, removes: !c.breaks(e.cfg, e.scn, property) });
  }
  return { findings: experiments.filter((e) => e.removes).map((e) => e.finding), experiments };
}

/** Does finding `id`'s experiment alone remove the failure? (false when it does not apply) */
export function consumerExperimentRemoves(c: Consumer, id: string, cfg: unknown, scn: unknown, property: string): boolean {
  const e = experiment(c, id, cfg, scn);
  return e !== null && !c.breaks(e.cfg, e.scn, property);
}
