/**
 * Search machinery shared by the consumer campaigns (pgd_sync, xen_pin): seeded random
 * programs, a random-walk or PCT chooser over the consumer driver, greedy shrinking of a
 * failing scenario (ops, schedule entries, run lengths, events), and the audit result shape.
 *
 * A run is data (programs + the executed schedule); replaying it without a chooser gives
 * the same run, which is what the shrinker and the counterexamples use.
 */
import seedrandom from 'seedrandom';
import type { CChoice, CChooser } from '../../model/consumers/driver';
import type { Violation } from '../../model/engine/violation';
import { violationLine } from '../../model/engine/violation';

/** A consumer scenario of op type O. */
export interface CScenario<O> {
  readonly programs: readonly (readonly O[])[];
  readonly schedule: readonly CChoice[];
}

/** What a search needs from a consumer. */
export interface SearchTarget<O> {
  /** Run a scenario; the violations and the executed schedule. */
  run(s: CScenario<O>, chooser?: CChooser): { violations: readonly Violation[]; executed: CChoice[] };
  /** A random program set. */
  programs(rng: () => number): O[][];
  /** Event kinds the chooser may raise, with their probability per step. */
  readonly events: readonly { readonly kind: string; readonly p: number }[];
  /** Text of an op. */
  opText(o: O): string;
}

/** A shrunk counterexample, replayable with the consumer's replay function. */
export interface ConsumerCounterexample<O> {
  readonly property: string;
  readonly message: string;
  readonly scenario: CScenario<O>;
  /** Ops per CPU, as text. */
  readonly ops: readonly string[];
  /** CPU switches in the schedule plus events (preemptions, speculative fills). */
  readonly switches: number;
  /** Runs the search and the shrinker took. */
  readonly runs: number;
}

/** One cell of a consumer audit: a vmap variant × a consumer version × a campaign. */
export interface ConsumerCell<O, C = unknown> {
  /** The run configuration: with a counterexample's scenario, all its replay function needs. */
  readonly config: C;
  readonly variant: string;
  readonly version: string;
  readonly campaign: string;
  readonly runs: number;
  /** Property -> holds (no violation found within the budget). */
  readonly holds: Record<string, boolean>;
  readonly counterexamples: readonly ConsumerCounterexample<O>[];
}

/** A consumer's audit: every cell. */
export interface ConsumerAudit<O, C = unknown> {
  readonly consumer: string;
  readonly properties: readonly string[];
  readonly cells: readonly ConsumerCell<O, C>[];
}

/** Number of CPU switches and events of a schedule. */
export function switchesOf(schedule: readonly CChoice[]): number {
  let n = 0;
  let last = -1;
  for (const ch of schedule) {
    if (ch.t === 'ev') n++;
    else if (ch.cpu !== last) {
      if (last !== -1) n++;
      last = ch.cpu;
    }
  }
  return n;
}

/** A chooser: PCT (priorities with depth-1 change points) or a random walk; may raise events. */
export function consumerChooser(seed: string, cpus: number, pct: boolean, depth: number, k: number, events: SearchTarget<unknown>['events']): CChooser {
  const rng = seedrandom(seed);
  const int = (n: number): number => Math.floor(rng() * n);
  const prio = Array.from({ length: cpus }, (_, i) => depth + i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [prio[i], prio[j]] = [prio[j]!, prio[i]!];
  }
  const change = new Map<number, number>();
  for (let i = 1; i < depth; i++) change.set(1 + int(k), i - 1);
  let step = 0;
  return (_w, runnable, last) => {
    step++;
    const evs: CChoice[] = [];
    for (const e of events) if (rng() < e.p) evs.push({ t: 'ev', cpu: int(cpus), kind: e.kind, pick: int(64) });
    if (!pct) {
      const keep = runnable.find((c) => c.id === last);
      const cpu = keep !== undefined && rng() < 0.8 ? keep.id : runnable[int(runnable.length)]!.id;
      return { cpu, events: evs };
    }
    let best = runnable[0]!;
    for (const c of runnable) if (prio[c.id]! > prio[best.id]!) best = c;
    const drop = change.get(step);
    if (drop !== undefined) prio[best.id] = drop;
    return { cpu: best.id, events: evs };
  };
}

function firstOf(vs: readonly Violation[], property: string): Violation | undefined {
  return vs.find((v) => v.property === property);
}

/** Greedy shrink of a failing scenario, keeping `property` broken; returns it and the runs used. */
export function shrinkConsumer<O>(t: SearchTarget<O>, s: CScenario<O>, property: string, budget = 400): { scenario: CScenario<O>; tries: number } {
  let tries = 0;
  const fails = (c: CScenario<O>): boolean => tries++ < budget && firstOf(t.run(c).violations, property) !== undefined;
  let changed = true;
  while (changed && tries < budget) {
    changed = false;
    for (let cpu = 0; cpu < s.programs.length; cpu++) {
      for (let i = s.programs[cpu]!.length - 1; i >= 0; i--) {
        const c: CScenario<O> = { ...s, programs: s.programs.map((p, j) => (j === cpu ? p.filter((_, x) => x !== i) : p)) };
        if (fails(c)) ((s = c), (changed = true));
      }
    }
    for (let i = s.schedule.length - 1; i >= 0; i--) {
      const c: CScenario<O> = { ...s, schedule: s.schedule.filter((_, j) => j !== i) };
      if (fails(c)) ((s = c), (changed = true));
    }
    for (let i = 0; i < s.schedule.length; i++) {
      const ch = s.schedule[i]!;
      if (ch.t !== 'run' || ch.n <= 1) continue;
      for (const n of [1, Math.floor(ch.n / 2), ch.n - 1]) {
        const c: CScenario<O> = { ...s, schedule: s.schedule.map((x, j) => (j === i ? { ...ch, n } : x)) };
        if (n < ch.n && fails(c)) {
          s = c;
          changed = true;
          break;
        }
      }
    }
  }
  // Drop trailing CPUs whose programs shrank to nothing (and their schedule entries).
  while (s.programs.length > 1 && s.programs.at(-1)!.length === 0) {
    const cpu = s.programs.length - 1;
    const c: CScenario<O> = { programs: s.programs.slice(0, -1), schedule: s.schedule.filter((x) => x.cpu !== cpu) };
    if (!fails(c)) break;
    s = c;
  }
  // Re-record the schedule as executed (drops entries that no longer apply).
  const final = t.run(s);
  return { scenario: { ...s, schedule: final.executed }, tries };
}

/**
 * Cut-point schedules for a hand-made program set: CPU a runs n steps, then CPU b runs to
 * its end, then everyone else — for every n up to `maxCut` and both orders of the first two
 * CPUs (the one-preemption bugs, found without luck).
 */
export function cutPoints(cpus: number, maxCut: number): CChoice[][] {
  const out: CChoice[][] = [];
  for (const [a, b] of cpus > 1 ? [[0, 1], [1, 0]] : [[0, 0]]) for (let n = 1; n <= maxCut; n++) out.push([{ t: 'run', cpu: a!, n }, { t: 'run', cpu: b!, n: 100_000 }]);
  return out;
}

/** Search one campaign: hand-made programs at every cut point, then `runs` random programs under PCT and random-walk schedules; shrink the first failure of each property. */
export function searchCampaign<O>(t: SearchTarget<O>, props: readonly string[], o: { seed: number; runs: number; cpus: number; depth: number; k: number; shrinkBudget?: number; handmade?: readonly (readonly (readonly O[])[])[]; maxCut?: number }): { runs: number; holds: Record<string, boolean>; counterexamples: ConsumerCounterexample<O>[] } {
  const rng = seedrandom(String(o.seed));
  const found = new Map<string, ConsumerCounterexample<O>>();
  let runs = 0;
  const tries: { programs: O[][]; schedule: CChoice[]; chooser?: CChooser }[] = [];
  for (const h of o.handmade ?? []) for (const schedule of cutPoints(o.cpus, o.maxCut ?? 60)) tries.push({ programs: h.map((p) => [...p]), schedule });
  for (let r = 0; r < o.runs; r++) tries.push({ programs: t.programs(rng), schedule: [], chooser: consumerChooser(`${o.seed}/${r}`, o.cpus, r % 2 === 0, o.depth, o.k, t.events) });
  for (const tr of tries) {
    if (found.size >= props.length) break;
    const programs = tr.programs;
    const res = t.run({ programs, schedule: tr.schedule }, tr.chooser);
    runs++;
    for (const p of props) {
      if (found.has(p)) continue;
      const v = firstOf(res.violations, p);
      if (v === undefined) continue;
      const sh = shrinkConsumer(t, { programs, schedule: res.executed }, p, o.shrinkBudget);
      const replay = t.run(sh.scenario);
      const vv = firstOf(replay.violations, p) ?? v;
      found.set(p, {
        property: p,
        message: violationLine(vv),
        scenario: sh.scenario,
        ops: sh.scenario.programs.map((prog, cpu) => `cpu${cpu}: ${prog.map((x) => t.opText(x)).join('; ')}`),
        // steps of CPUs with empty programs (their exit) are not switches a reader cares about
        switches: switchesOf(sh.scenario.schedule.filter((x) => (sh.scenario.programs[x.cpu]?.length ?? 0) > 0 || x.t === 'ev')),
        runs: runs + sh.tries,
      });
    }
  }
  const holds: Record<string, boolean> = {};
  for (const p of props) holds[p] = !found.has(p);
  return { runs, holds, counterexamples: [...found.values()] };
}

/** One line per cell and one per counterexample, for reports and logs. */
export function auditLines<O, C>(a: ConsumerAudit<O, C>): string[] {
  const out: string[] = [];
  for (const c of a.cells) {
    const broken = a.properties.filter((p) => !c.holds[p]);
    out.push(`${a.consumer} ${c.variant} ${c.version} ${c.campaign}: ${c.runs} runs, ${broken.length === 0 ? 'all hold' : `violated: ${broken.join(', ')}`}`);
    for (const x of c.counterexamples) out.push(`  ${x.property}: ${x.ops.join(' | ')}; ${x.switches} switches; ${x.message}`);
  }
  return out;
}
