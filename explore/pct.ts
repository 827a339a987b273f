/**
 * Search strategy 2: PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010),
 * seeded, without fast-check.
 *
 * Each CPU gets a random distinct priority above d-1; d-1 DISTINCT change points are drawn
 * uniformly from [1, k], where k counts only scheduling steps at which more than one CPU
 * could run (the paper's steps: a step with one runnable CPU is no choice); the highest-
 * priority runnable CPU always runs, and at the i-th change point the running CPU drops to
 * priority i-1. If k bounds those steps, a bug of depth d among n CPUs is found with
 * probability at least 1/(n·k^(d-1)) per run — so callers pass the k measured on previous
 * runs (`PctStats.choicePoints`, see pctK). Interrupts and speculative fills are raised at
 * random steps with small probability. Everything comes from the seed; the run's executed
 * schedule is recorded, so a failure replays and shrinks as plain data.
 */
import seedrandom from 'seedrandom';
import type { Choice, Scenario } from '../model/engine/program';
import type { RunOptions } from '../model/engine/runner';
import type { Campaign } from './campaigns';
import { buildScenario, irqChoice, mapOps, type RawOp } from './scenario';

/** A PCT run's random source and parameters. */
export interface PctParams {
  readonly seed: string;
  readonly depth: number;
  /** Bound on the run's choice points (steps with more than one runnable CPU). */
  readonly k: number;
}

/** What a PCT run measured: its choice points, for the next run's k. */
export interface PctStats {
  choicePoints: number;
}

/** k for the next run: the largest number of choice points seen so far (at least 1). */
export function pctK(seen: readonly number[], fallback = 400): number {
  return seen.length === 0 ? fallback : Math.max(1, ...seen);
}

/** Default PCT seed (`vmapcheck pct` and discover's PCT pass use the same, so a run regenerates). */
export const PCT_SEED = 1;
/** Default bug depth d. */
export const PCT_DEPTH = 3;
/** k of a campaign's first run (later runs use the measured choice points, see pctK). */
export const PCT_K = 400;

/** The seed string of PCT run `run` of a campaign on a variant. */
export function pctRunSeed(seed: number, variant: string, campaign: string, run: number): string {
  return `${seed}/${variant}/${campaign}/${run}`;
}

/** The lower bound on the probability of hitting a depth-d bug in one run. */
export function pctBound(n: number, k: number, d: number): number {
  return 1 / (n * Math.pow(k, d - 1));
}

/** A random program for campaign `c` from `rng`. */
export function randomScenario(c: Campaign, rng: () => number): Scenario {
  const int = (n: number): number => Math.floor(rng() * n);
  const ops: RawOp[] = Array.from({ length: 1 + int(c.maxOps) }, () => ({ cpu: int(c.cpus), kind: int(64), pages: int(32), ref: int(8) }));
  const faults = c.faults ? Array.from({ length: int(3) }, () => int(40)) : [];
  return buildScenario(c, ops, [], faults);
}

/** The PCT chooser for the runner, plus the irq/spec events it may raise; `stats` counts its choice points. */
export function pctChooser(c: Campaign, p: PctParams, scn: Scenario, stats: PctStats = { choicePoints: 0 }): NonNullable<RunOptions['chooser']> {
  if (!Number.isInteger(p.depth) || p.depth < 1) throw new RangeError(`PCT depth must be an integer >= 1, not ${p.depth}`);
  const maps = mapOps(scn);
  const rng = seedrandom(p.seed + '/sched');
  const int = (n: number): number => Math.floor(rng() * n);
  const prio = Array.from({ length: c.cpus }, (_, i) => p.depth + i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [prio[i], prio[j]] = [prio[j]!, prio[i]!];
  }
  // d-1 distinct change points in [1, k] (fewer when k < d-1: every step is one).
  const k = Math.max(1, Math.floor(p.k));
  const points: number[] = [];
  while (points.length < Math.min(p.depth - 1, k)) {
    const x = 1 + int(k);
    if (!points.includes(x)) points.push(x);
  }
  const change = new Map<number, number>(points.map((x, i) => [x, i]));
  let irqId = 5000;
  return (_w, runnable) => {
    let best = runnable[0]!;
    for (const cpu of runnable) if (prio[cpu.id]! > prio[best.id]!) best = cpu;
    if (runnable.length > 1) {
      stats.choicePoints++;
      const drop = change.get(stats.choicePoints);
      if (drop !== undefined) prio[best.id] = drop;
    }
    const events: Choice[] = [];
    if (c.irqOps.length > 0 && rng() < 0.02) {
      const ch = irqChoice(c, int(c.cpus), int(64), int(64), irqId++, maps);
      if (ch !== null) events.push(ch);
    }
    if (c.spec && rng() < 0.02) events.push({ t: 'spec', cpu: int(c.cpus), pick: int(64) });
    return { cpu: best.id, events };
  };
}
