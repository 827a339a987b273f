/**
 * Search strategies behind one interface, for the check's search phase (hunt.ts) and the
 * time-to-first-failure bench: a strategy turns (campaign, seed, run index) into one run —
 * a scenario and, for strategies that decide the schedule as it runs, a chooser. Runs are
 * independent and deterministic from (seed, run), so a hit is named by its run index.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import type { Scenario } from '../model/engine/program';
import type { Chooser } from '../model/engine/scheduler';
import type { Campaign } from './campaigns';
import { rawScenarioArb, toScenario } from './arbitraries';
import { PCT_DEPTH, PCT_K, pctChooser, pctK, randomScenario } from './pct';
import { swarmChooser, swarmConfig, swarmRunSeed, swarmScenario } from './swarm';

/** One generated run. `done` reports the run's choice points (PCT's measured k). */
export interface GeneratedRun {
  readonly scenario: Scenario;
  readonly chooser?: Chooser;
  done?(): void;
}

/** A stream of runs of one campaign from one seed. */
export type RunStream = (run: number) => GeneratedRun;

/** Known strategy names. */
export const STRATEGIES = ['fast-check', 'pct', 'swarm'] as const;
/** One strategy name. */
export type StrategyName = (typeof STRATEGIES)[number];

/** fast-check's generator as the survey uses it (no shrinking), drawn in chunks from the seed. */
function fastCheckStream(c: Campaign, seed: number): RunStream {
  const arb = rawScenarioArb(c);
  const chunks = new Map<number, Scenario[]>();
  const CHUNK = 500;
  return (run) => {
    const k = Math.floor(run / CHUNK);
    let chunk = chunks.get(k);
    if (chunk === undefined) {
      chunks.clear();
      chunk = fc.sample(arb, { seed: seed + k * 7919, numRuns: CHUNK }).map((r) => toScenario(c, r));
      chunks.set(k, chunk);
    }
    return { scenario: chunk[run % CHUNK]! };
  };
}

/** PCT runs with the measured k (pct.ts), programs from the same seed string. */
function pctStream(c: Campaign, seed: number): RunStream {
  let most = 0;
  return (run) => {
    const rs = `${seed}/${c.name}/${run}`;
    const scenario = randomScenario(c, seedrandom(rs + '/prog'));
    const stats = { choicePoints: 0 };
    const k = pctK(run === 0 ? [] : [most], PCT_K);
    return { scenario, chooser: pctChooser(c, { seed: rs, depth: PCT_DEPTH, k }, scenario, stats), done: () => void (most = Math.max(most, stats.choicePoints)) };
  };
}

/** Swarm runs (swarm.ts): a configuration per run, then its program and schedule. */
function swarmStream(c: Campaign, seed: number): RunStream {
  let most = 0;
  return (run) => {
    const rs = swarmRunSeed(seed, c.name, run);
    const rng = seedrandom(rs);
    const cfg = swarmConfig(c, rng);
    const scenario = swarmScenario(c, cfg, rng);
    const stats = { choicePoints: 0 };
    // k: the most choice points seen so far (PCT's bound needs k >= the run's choice points).
    const k = pctK(run === 0 ? [] : [most], PCT_K);
    return { scenario, chooser: swarmChooser(c, cfg, rs, scenario, k, stats), done: () => void (most = Math.max(most, stats.choicePoints)) };
  };
}

/** The run stream of `strategy` over campaign `c` from `seed`. */
export function runStream(strategy: StrategyName, c: Campaign, seed: number): RunStream {
  if (strategy === 'fast-check') return fastCheckStream(c, seed);
  if (strategy === 'pct') return pctStream(c, seed);
  return swarmStream(c, seed);
}
