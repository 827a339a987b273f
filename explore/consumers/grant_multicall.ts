/**
 * Campaigns for the grant-mapping consumer (seed 002): seeded random caller programs on 2
 * CPUs, run under seeded PCT schedules (explore/pct.ts's algorithm, with its bound
 * pctBound; the chooser here has no vmap interrupts or speculative fills to raise) and random
 * hypervisor error choices; each violated property keeps its first counterexample, shrunk
 * (ops, error choices, then the executed schedule) and replayable by replayGrant.
 * The generic pieces (chooser, shrinker, audit shape) are reused by explore/consumers/mmu_notifier.ts.
 */
import seedrandom from 'seedrandom';
import type { CChoice, CChooser } from '../../model/consumers/driver';
import type { World } from '../../model/engine/world';
import { runGrant, type GrantRun, type GrantScenario } from '../../model/consumers/grant_multicall/run';
import { grantOpText, type GrantOp } from '../../model/consumers/grant_multicall/gntdev';
import { GRANT_VERSIONS, type GrantVersion } from '../../model/consumers/grant_multicall/state';
import { GRANT_PROPERTIES, grantChecks } from '../../properties/consumers/grant_multicall';
import { violationLine } from '../../model/engine/violation';

/** A shrunk counterexample: the version, the scenario as data, and what broke. */
export interface ConsumerCounterexample<Scn> {
  readonly consumer: string;
  readonly campaign: string;
  readonly version: string;
  readonly property: string;
  readonly scenario: Scn;
  /** The run configuration the scenario replays with (besides the version). */
  readonly config: Readonly<Record<string, number | string>>;
  /** The C-like ops per CPU. */
  readonly ops: readonly string[][];
  /** The violation line of the replay. */
  readonly message: string;
  readonly seed: string;
}

/** Per version: which properties held over the campaigns' runs, with a counterexample for each violated one. */
export interface ConsumerAudit {
  readonly consumer: string;
  readonly versions: readonly {
    readonly version: string;
    readonly runs: number;
    readonly holds: Readonly<Record<string, boolean>>;
    /** Per campaign: how many runs broke each property (for the audit's variant × campaign × property cells). */
    readonly broken: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly counterexamples: readonly ConsumerCounterexample<unknown>[];
  }[];
  /** Why there is no per-vmap-variant axis (or the variants audited). */
  readonly vmapVariants: string;
}

/** The PCT chooser (Burckhardt et al.): random distinct priorities, depth-1 change points in [1, k]. */
export function pctChooser(seed: string, cpus: number, depth: number, k: number): CChooser {
  const rng = seedrandom(seed + '/sched');
  const int = (n: number): number => Math.floor(rng() * n);
  const prio = Array.from({ length: cpus }, (_, i) => depth + i);
  for (let i = prio.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [prio[i], prio[j]] = [prio[j]!, prio[i]!];
  }
  const change = new Map<number, number>();
  for (let i = 1; i < depth; i++) change.set(1 + int(k), i - 1);
  let step = 0;
  return (_w, runnable) => {
    step++;
    let best = runnable[0]!;
    for (const c of runnable) if (prio[c.id]! > prio[best.id]!) best = c;
    const drop = change.get(step);
    if (drop !== undefined) prio[best.id] = drop;
    return { cpu: best.id };
  };
}

/** Shrink a failing scenario: `cands` proposes smaller scenarios, `fails` replays one; greedy to a fixpoint within `budget` replays. */
export function shrinkGreedy<Scn>(scn: Scn, cands: (s: Scn) => Scn[], fails: (s: Scn) => boolean, budget = 400): Scn {
  let cur = scn;
  let left = budget;
  for (let progress = true; progress && left > 0; ) {
    progress = false;
    for (const c of cands(cur)) {
      if (left-- <= 0) break;
      if (fails(c)) {
        cur = c;
        progress = true;
        break;
      }
    }
  }
  return cur;
}

/** Smaller schedules: drop a choice, halve a run length. */
export function scheduleCands(s: readonly CChoice[]): CChoice[][] {
  const out: CChoice[][] = [];
  for (let i = 0; i < s.length; i++) out.push([...s.slice(0, i), ...s.slice(i + 1)]);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c.t === 'run' && c.n > 1) out.push([...s.slice(0, i), { ...c, n: c.n >> 1 }, ...s.slice(i + 1)]);
  }
  return out;
}

/** One named grant campaign. */
export interface GrantCampaign {
  readonly name: string;
  readonly cpus: number;
  readonly pages: number;
  readonly MC_BATCH: number;
  /** Remove a page on any CPU (else on the CPU that added it). */
  readonly crossCpu: boolean;
  /** Include another page->private user (btrfs), the review's objection. */
  readonly fsPrivate: boolean;
  readonly runs: number;
  readonly seed: string;
}

/** The default grant campaigns. */
export const GRANT_CAMPAIGNS: readonly GrantCampaign[] = [
  { name: 'grant-same-cpu', cpus: 2, pages: 3, MC_BATCH: 3, crossCpu: false, fsPrivate: false, runs: 250, seed: 'grant-same-cpu' },
  { name: 'grant-cross-cpu', cpus: 2, pages: 3, MC_BATCH: 3, crossCpu: true, fsPrivate: false, runs: 250, seed: 'grant-cross-cpu' },
  { name: 'grant-page-private', cpus: 2, pages: 2, MC_BATCH: 32, crossCpu: false, fsPrivate: true, runs: 100, seed: 'grant-page-private' },
];

/** A random caller program for `c`. Ids are given in one global order, so each program's ids increase and every `after` names a lower id: waits cannot cycle. */
export function randomGrantScenario(c: GrantCampaign, rng: () => number): GrantScenario {
  const int = (n: number): number => Math.floor(rng() * n);
  type Body = { op: 'add' | 'remove' | 'touch' | 'fs_private'; page: number } | { op: 'flush' };
  const seq: { cpu: number; o: Body; addOf?: number; cross: boolean }[] = [];
  const added: number[] = [];
  const addCpu = Array.from({ length: c.pages }, () => int(c.cpus));
  const toRemove: number[] = [];
  let nextAdd = 0;
  while (nextAdd < c.pages || toRemove.length > 0) {
    if (nextAdd < c.pages && (toRemove.length === 0 || rng() < 0.5)) {
      const page = nextAdd++;
      seq.push({ cpu: addCpu[page]!, o: { op: 'add', page }, cross: false });
      added.push(page);
      toRemove.push(page);
    } else {
      const page = toRemove.splice(int(toRemove.length), 1)[0]!;
      const cpu = c.crossCpu ? int(c.cpus) : addCpu[page]!;
      seq.push({ cpu, o: { op: 'remove', page }, addOf: page, cross: cpu !== addCpu[page] });
    }
    const extra = rng();
    if (extra < 0.25) {
      const page = added[int(added.length)]!;
      const cpu = int(c.cpus);
      seq.push({ cpu, o: { op: 'touch', page }, addOf: page, cross: cpu !== addCpu[page] });
    } else if (extra < 0.35) seq.push({ cpu: int(c.cpus), o: { op: 'flush' }, cross: false });
    else if (c.fsPrivate && extra < 0.6) {
      const page = added[int(added.length)]!;
      const cpu = int(c.cpus);
      seq.push({ cpu, o: { op: 'fs_private', page }, addOf: page, cross: cpu !== addCpu[page] });
    }
  }
  const programs: GrantOp[][] = Array.from({ length: c.cpus }, () => []);
  const lazy = Array.from({ length: c.cpus }, () => false);
  const addId = new Map<number, number>();
  let id = 0;
  for (const it of seq) {
    const prog = programs[it.cpu]!;
    // An op waiting for another CPU never runs inside a lazy section (it would spin with preemption off).
    if (lazy[it.cpu] && (it.cross || rng() < 0.3)) {
      prog.push({ id: ++id, op: 'lazy_end' });
      lazy[it.cpu] = false;
    }
    if (!lazy[it.cpu] && !it.cross && rng() < 0.4) {
      prog.push({ id: ++id, op: 'lazy_begin' });
      lazy[it.cpu] = true;
    }
    const after = it.addOf !== undefined ? addId.get(it.addOf) : undefined;
    const op = { ...it.o, id: ++id, ...(after !== undefined ? { after } : {}) } as GrantOp;
    if (it.o.op === 'add') addId.set(it.o.page, op.id);
    prog.push(op);
  }
  for (let cpu = 0; cpu < c.cpus; cpu++) if (lazy[cpu]) programs[cpu]!.push({ id: ++id, op: 'lazy_end' });
  const mapErrors = rng() < 0.4 ? [int(c.pages)] : [];
  return { programs, schedule: [], mapErrors };
}

/** Replay a grant scenario on one version with the grant properties. */
export function replayGrant(scn: GrantScenario, version: GrantVersion, campaign: Pick<GrantCampaign, 'pages' | 'MC_BATCH'>, fixes: readonly string[] = []): GrantRun {
  return runGrant(scn, { version, pages: campaign.pages, MC_BATCH: campaign.MC_BATCH, fixes }, grantChecks());
}

const violated = (w: World, prop: string): boolean => w.violations.some((v) => v.property === prop);

function grantCands(s: GrantScenario): GrantScenario[] {
  const out: GrantScenario[] = [];
  for (const [cpu, p] of s.programs.entries()) {
    for (const [i, o] of p.entries()) {
      let drop = [i];
      if (o.op === 'lazy_begin') drop = [i, p.findIndex((x, j) => j > i && x.op === 'lazy_end')];
      if (o.op === 'lazy_end') continue;
      const np = p.filter((_, j) => !drop.includes(j));
      out.push({ ...s, programs: s.programs.map((q, c) => (c === cpu ? np : q)) });
      // Dropping an add issues one map fewer: the failing map's index moves down with it.
      if (o.op === 'add' && s.mapErrors.some((e) => e > 0)) out.push({ ...s, programs: s.programs.map((q, c) => (c === cpu ? np : q)), mapErrors: s.mapErrors.map((e) => Math.max(0, e - 1)) });
    }
  }
  for (let i = 0; i < s.mapErrors.length; i++) {
    out.push({ ...s, mapErrors: [...s.mapErrors.slice(0, i), ...s.mapErrors.slice(i + 1)] });
    // A failing map earlier in issue order, so the ops before it can go.
    if (s.mapErrors[i]! > 0) out.push({ ...s, mapErrors: s.mapErrors.map((e, j) => (j === i ? e - 1 : e)) });
  }
  for (const sch of scheduleCands(s.schedule)) out.push({ ...s, schedule: sch });
  return out;
}

/** Run the grant campaigns on every version: the entry point for the default audit. */
export function auditGrantMulticall(opts: { campaigns?: readonly GrantCampaign[]; versions?: readonly GrantVersion[]; runsScale?: number } = {}): ConsumerAudit {
  const campaigns = opts.campaigns ?? GRANT_CAMPAIGNS;
  const versions = opts.versions ?? GRANT_VERSIONS;
  const out: ConsumerAudit['versions'][number][] = [];
  for (const version of versions) {
    const holds: Record<string, boolean> = Object.fromEntries(GRANT_PROPERTIES.map((p) => [p, true]));
    const cxs: ConsumerCounterexample<GrantScenario>[] = [];
    let runs = 0;
    const broken: Record<string, Record<string, number>> = {};
    for (const c of campaigns) {
      const here: Record<string, number> = (broken[c.name] = {});
      const n = Math.max(1, Math.round(c.runs * (opts.runsScale ?? 1)));
      for (let r = 0; r < n; r++) {
        const seed = `${c.seed}/${r}`;
        const scn = randomGrantScenario(c, seedrandom(seed));
        const res = runGrant(scn, { version, pages: c.pages, MC_BATCH: c.MC_BATCH }, grantChecks(), pctChooser(seed, c.cpus, 1 + (r % 3), 60));
        runs++;
        for (const p of new Set(res.world.violations.map((v) => v.property))) here[p] = (here[p] ?? 0) + 1;
        for (const v of res.world.violations) {
          if (holds[v.property] === false) continue;
          holds[v.property] = false;
          const base: GrantScenario = { ...scn, schedule: res.executed };
          const small = shrinkGreedy(base, grantCands, (s) => violated(replayGrant(s, version, c).world, v.property));
          const rep = replayGrant(small, version, c);
          const line = rep.world.violations.find((x) => x.property === v.property)!;
          cxs.push({ consumer: 'grant_multicall', campaign: c.name, version, property: v.property, scenario: small, config: { pages: c.pages, MC_BATCH: c.MC_BATCH }, ops: small.programs.map((p) => p.map(grantOpText)), message: violationLine(line), seed });
        }
      }
    }
    out.push({ version, runs, holds, broken, counterexamples: cxs });
  }
  return { consumer: 'grant_multicall', versions: out, vmapVariants: 'none: m2p_add/remove_override change the lowmem linear mapping in init_mm, which no vmap variant touches' };
}
