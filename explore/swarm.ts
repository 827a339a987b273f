/**
 * Search strategy 4: swarm testing (Groce, Zhang, Eide, Chen, Regehr, ISSTA 2012) over a
 * campaign's parameters, with a per-run scheduling policy.
 *
 * Uniform random generation puts every op kind, size and switch rate into every run, so a
 * run rarely has the shape a rare bug needs: F7 wants a space exhausted by large maps while
 * another CPU sits in a purge, and the frees, touches and small maps of an average run keep
 * the space from ever filling. Swarm testing draws a *configuration* per run first — which op
 * kinds it may use (each kept with probability 1/2), how many of the campaign's CPUs get
 * work, how many ops, a page-size band, the interrupt, speculative-fill and fault rates — and
 * then a random program and schedule inside it. Omitting a kind is what makes the others
 * pile up. The schedule is one of three policies, also drawn per run: PCT (pct.ts, depth 2..4,
 * k measured), a random walk that switches CPU with a drawn probability (fine or coarse
 * interleavings), or bursts of a drawn length. Interrupts are capped per run (a drawn 1..8):
 * each runs a whole API call, and uncapped at a high rate they made runs four times longer.
 *
 * Every run stays inside its campaign (kinds, CPUs, ops, pages and interrupts the campaign
 * allows), everything comes from the seed string, and the executed schedule is recorded by
 * the runner, so a failure replays and shrinks as plain data like any other.
 */
import seedrandom from 'seedrandom';
import type { Choice, Scenario } from '../model/engine/program';
import type { Chooser } from '../model/engine/scheduler';
import type { Campaign, OpKind } from './campaigns';
import { pctChooser } from './pct';
import { buildScenario, irqChoice, mapOps, type RawOp } from './scenario';

/** The parameters one swarm run draws before its program and schedule. */
export interface SwarmConfig {
  /** Op kinds this run may use (a sub-multiset of the campaign's, never without a map op when it has one). */
  readonly kinds: readonly OpKind[];
  /** CPUs that get a program (1..campaign CPUs). */
  readonly cpus: number;
  readonly ops: number;
  /** Page counts of map ops are drawn from [minPages, maxPages]. */
  readonly minPages: number;
  readonly maxPages: number;
  readonly schedule: { readonly t: 'pct'; readonly depth: number } | { readonly t: 'walk'; readonly switchP: number } | { readonly t: 'burst'; readonly len: number };
  /** Per-decision probability of raising an interrupt / a speculative TLB fill. */
  readonly irqP: number;
  /** Interrupts per run at most (each runs a whole API call: unbounded, they would make the run). */
  readonly irqMax: number;
  readonly specP: number;
  readonly faults: number;
}

const MAP_KINDS = new Set<OpKind>(['vmalloc', 'vmalloc_align', 'vmap', 'vm_map_ram']);

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const between = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** Draw one run's configuration inside campaign `c`. */
export function swarmConfig(c: Campaign, rng: Rng): SwarmConfig {
  // Each distinct kind is kept with probability 1/2 (its campaign weight kept with it).
  const distinct = [...new Set(c.kinds)];
  let keep = distinct.filter(() => rng() < 0.5);
  const maps = distinct.filter((k) => MAP_KINDS.has(k));
  if (maps.length > 0 && !keep.some((k) => MAP_KINDS.has(k))) keep.push(pick(rng, maps));
  if (keep.length === 0) keep = distinct;
  const kinds = c.kinds.filter((k) => keep.includes(k));
  // Mostly every CPU (races need two); sometimes fewer, which lengthens each program.
  const cpus = c.cpus > 1 && rng() < 0.25 ? between(rng, 1, c.cpus - 1) : c.cpus;
  // Long programs fill the space and the blocks; short ones keep interleavings dense.
  const ops = rng() < 0.5 ? c.maxOps : between(rng, 1, c.maxOps);
  const band = pick(rng, ['any', 'small', 'large', 'one'] as const);
  const half = Math.max(1, Math.ceil(c.maxPages / 2));
  const [minPages, maxPages] = band === 'small' ? [1, half] : band === 'large' ? [half, c.maxPages] : band === 'one' ? [1, 1] : [1, c.maxPages];
  const s = rng();
  const schedule: SwarmConfig['schedule'] = s < 0.4 ? { t: 'pct', depth: between(rng, 2, 4) } : s < 0.8 ? { t: 'walk', switchP: pick(rng, [0.5, 0.2, 0.05, 0.01]) } : { t: 'burst', len: pick(rng, [2, 5, 20, 80]) };
  return {
    kinds,
    cpus,
    ops,
    minPages,
    maxPages,
    schedule,
    irqP: c.irqOps.length > 0 ? pick(rng, [0, 0.005, 0.02, 0.1]) : 0,
    irqMax: pick(rng, [1, 2, 4, 8]),
    specP: c.spec ? pick(rng, [0, 0.01, 0.05]) : 0,
    faults: c.faults ? between(rng, 0, 3) : 0,
  };
}

/** A random program for `c` inside configuration `cfg`. */
export function swarmScenario(c: Campaign, cfg: SwarmConfig, rng: Rng): Scenario {
  const int = (n: number): number => Math.floor(rng() * n);
  const span = cfg.maxPages - cfg.minPages + 1;
  // buildScenario maps `pages` to 1 + pages % maxPages: pick the residue of the band.
  const ops: RawOp[] = Array.from({ length: cfg.ops }, () => ({ cpu: int(cfg.cpus), kind: int(cfg.kinds.length), pages: cfg.minPages - 1 + int(span), ref: int(8) }));
  const faults = Array.from({ length: cfg.faults }, () => int(40));
  return buildScenario({ ...c, kinds: cfg.kinds }, ops, [], faults);
}

/** The scheduling policy of `cfg` as a runner chooser, with its interrupts and speculative fills. */
export function swarmChooser(c: Campaign, cfg: SwarmConfig, seed: string, scn: Scenario, k: number, stats = { choicePoints: 0 }): Chooser {
  const sch = cfg.schedule;
  // PCT raises its own events at a fixed rate; swarm's drawn rates replace them below.
  const pct = sch.t === 'pct' ? pctChooser({ ...c, irqOps: [], spec: false }, { seed, depth: sch.depth, k }, scn, stats) : null;
  const rng = seedrandom(seed + '/swarm-sched');
  const int = (n: number): number => Math.floor(rng() * n);
  const maps = mapOps(scn);
  let irqId = 5000;
  let irqs = 0;
  let left = 0;
  let cur = -1;
  return (w, runnable, last) => {
    if (runnable.length > 1 && pct === null) stats.choicePoints++;
    let cpu: number;
    if (pct !== null) cpu = pct(w, runnable, last).cpu;
    else {
      const can = runnable.some((x) => x.id === cur);
      const stay = sch.t === 'walk' ? rng() >= sch.switchP : left-- > 0;
      if (!can || !stay) {
        cur = runnable[int(runnable.length)]!.id;
        if (sch.t === 'burst') left = int(sch.len * 2);
      }
      cpu = cur;
    }
    const events: Choice[] = [];
    if (cfg.irqP > 0 && irqs < cfg.irqMax && rng() < cfg.irqP) {
      const ch = irqChoice(c, int(c.cpus), int(64), int(64), irqId++, maps);
      if (ch !== null) (events.push(ch), irqs++);
    }
    if (cfg.specP > 0 && rng() < cfg.specP) events.push({ t: 'spec', cpu: int(c.cpus), pick: int(64) });
    return { cpu, events };
  };
}

/** The seed string of swarm run `run` of a campaign (the same runs on every variant, so a fix sees what its base saw). */
export function swarmRunSeed(seed: number, campaign: string, run: number): string {
  return `swarm/${seed}/${campaign}/${run}`;
}
