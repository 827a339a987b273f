/**
 * Time to first failure per finding: how many runs (and seconds of search) a strategy needs
 * before a run breaks a property in a way the finding's experiment removes
 * (counterexamples/classify.ts: the fix alone, or the contract alone, makes it stop).
 *
 * Each finding is measured on one cell of the manifest: the reference base that records it
 * (rewrite-v2, else irqsafe, rewrite-v1, vanilla), the first campaign recording it there in
 * CI order (normal campaigns before the irq audit's), and the variant its recorded
 * counterexample is on — the base, or the dig variant `<base>+<every other fix>` when other
 * findings mask it on the base (F7: the full space fails first through F18/F19/F21 there).
 */
import type { Scenario } from '../model/engine/program';
import { variantByName } from '../model/variants/registry';
import { readFileSync } from 'node:fs';
import { CAMPAIGNS, IRQ_CAMPAIGNS, campaignByName, type Campaign } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import { isPerformance } from '../explore/audit';
import { runStream, type StrategyName } from '../explore/strategy';
import type { Manifest } from './manifest';
import { parseCounterexample } from './format';
import { experimentRemoves } from './classify';

/** Where a finding is measured. */
export interface TtffTarget {
  readonly finding: string;
  readonly base: string;
  readonly campaign: Campaign;
  /** The variant searched (the base, or the dig variant of the recorded counterexample). */
  readonly variant: string;
  /** Properties the finding shows through (the manifest's record): the ones attribution tries. */
  readonly properties: readonly string[];
}

const BASE_ORDER = ['rewrite-v2', 'irqsafe', 'rewrite-v1', 'vanilla'];

/** The measuring cell of every finding recorded in `m`, in id order; `onBase` searches the base even where the corpus digs. */
export function ttffTargets(m: Manifest, onBase = false): TtffTarget[] {
  const order = [...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => c.name);
  const out: TtffTarget[] = [];
  for (const id of Object.keys(m.findings).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))) {
    for (const base of BASE_ORDER) {
      const cells = m.variants[base] ?? {};
      const name = order.find((c) => cells[c]?.findings[id] !== undefined);
      if (name === undefined) continue;
      const ce = parseCounterexample(readFileSync(cells[name]!.findings[id]!, 'utf8'), cells[name]!.findings[id]!);
      out.push({ finding: id, base, campaign: campaignByName(name), variant: onBase ? base : ce.variant, properties: m.findings[id]!.properties });
      break;
    }
  }
  return out;
}

/** The first run of a search attributed to the target's finding (or none within the caps). */
export interface FirstFailure {
  readonly hit: boolean;
  /** Runs made, the hit included (1 = the first run). */
  readonly runs: number;
  /** Seconds spent running the search's runs (attribution experiments excluded). */
  readonly searchS: number;
  /** Seconds spent on attribution experiments. */
  readonly attributeS: number;
  /** The hit: the run's scenario with its executed schedule, and the property it broke. */
  readonly scenario?: Scenario;
  readonly property?: string;
  readonly steps?: number;
}

/** Search `t` with `strategy` from `seed` until a run is attributed to its finding, or a cap is reached. */
export function firstFailure(t: TtffTarget, strategy: StrategyName, seed: number, capRuns: number, capS: number): FirstFailure {
  const v = variantByName(t.variant);
  const c = t.campaign;
  const stream = runStream(strategy, c, seed);
  let searchMs = 0;
  let attrMs = 0;
  let run = 0;
  for (; run < capRuns && (searchMs + attrMs) / 1000 < capS; run++) {
    const g = stream(run);
    const t0 = performance.now();
    const o = runScenario(v, c, g.scenario, g.chooser ? { chooser: g.chooser } : {});
    g.done?.();
    const t1 = performance.now();
    searchMs += t1 - t0;
    const open = t.properties.filter((p) => o.violated.has(p) && !isPerformance(p));
    if (open.length === 0) continue;
    const scn: Scenario = { ...g.scenario, schedule: o.result.executed };
    const property = open.find((p) => experimentRemoves(t.finding, t.variant, c, p, scn));
    attrMs += performance.now() - t1;
    if (property !== undefined) return { hit: true, runs: run + 1, searchS: searchMs / 1000, attributeS: attrMs / 1000, scenario: scn, property, steps: o.result.steps };
  }
  return { hit: false, runs: run, searchS: searchMs / 1000, attributeS: attrMs / 1000 };
}
