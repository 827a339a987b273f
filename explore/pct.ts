/**
 * Search strategy 2: PCT (Burckhardt et al., ASPLOS 2010), seeded, without fast-check.
 *
 * Each CPU gets a random distinct priority above d; d-1 change points are drawn in
 * [1, k]; the highest-priority runnable CPU always runs, and at the i-th change point the
 * running CPU drops to priority i-1. A bug of depth d among n CPUs within k steps is found
 * with probability at least 1/(n·k^(d-1)) per run. Interrupts and speculative fills are
 * raised at random steps with small probability. Everything comes from the seed; the run's
 * executed schedule is recorded, so a failure replays and shrinks as plain data.
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
  /** Estimated steps per run (k). */
  readonly k: number;
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

/** The PCT chooser for the runner, plus the irq/spec events it may raise. */
export function pctChooser(c: Campaign, p: PctParams, scn: Scenario): NonNullable<RunOptions['chooser']> {
  const maps = mapOps(scn);
  const rng = seedrandom(p.seed + '/sched');
  const int = (n: number): number => Math.floor(rng() * n);
  const prio = Array.from({ length: c.cpus }, (_, i) => p.depth + i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [prio[i], prio[j]] = [prio[j]!, prio[i]!];
  }
  const change = new Map<number, number>();
  for (let i = 1; i < p.depth; i++) change.set(1 + int(p.k), i - 1);
  let step = 0;
  let irqId = 5000;
  return (_w, runnable) => {
    step++;
    let best = runnable[0]!;
    for (const cpu of runnable) if (prio[cpu.id]! > prio[best.id]!) best = cpu;
    const drop = change.get(step);
    if (drop !== undefined) prio[best.id] = drop;
    const events: Choice[] = [];
    if (c.irqOps.length > 0 && rng() < 0.02) {
      const ch = irqChoice(c, int(c.cpus), int(64), int(64), irqId++, maps);
      if (ch !== null) events.push(ch);
    }
    if (c.spec && rng() < 0.02) events.push({ t: 'spec', cpu: int(c.cpus), pick: int(64) });
    return { cpu: best.id, events };
  };
}
