/**
 * Campaigns for the MMU-notifier consumer (seed 003): seeded random programs on 2 CPUs (the
 * secondary's driver registers first on cpu0; its accesses wait for that), PCT schedules
 * and shrinking, from explore/consumers/grant_multicall.ts's generic pieces. One campaign
 * exercises anonymous memory (fault, madvise, reclaim, aging), one the XIP file (read faults
 * on holes, writes that fill them and unmap the sparse page).
 */
import seedrandom from 'seedrandom';
import type { World } from '../../model/engine/world';
import { violationLine } from '../../model/engine/violation';
import { runMn, type MnRun, type MnScenario } from '../../model/consumers/mmu_notifier/run';
import { mnOpText, type MnOp } from '../../model/consumers/mmu_notifier/ops';
import type { MnConfig } from '../../model/consumers/mmu_notifier/state';
import { MN_PROPERTIES, mnChecks } from '../../properties/consumers/mmu_notifier';
import { pctChooser, scheduleCands, shrinkGreedy, type ConsumerAudit, type ConsumerCounterexample } from './grant_multicall';

/** The versions audited, by name. */
export const MN_VERSIONS: Readonly<Record<string, MnConfig>> = {
  'kvm-counter': { secondary: 'kvm-counter', xip: 'as-posted' },
  'kvm-seq': { secondary: 'kvm-seq', xip: 'as-posted' },
  'gru-counter': { secondary: 'gru-counter', xip: 'as-posted' },
  'kvm-seq+xip-without-recheck': { secondary: 'kvm-seq', xip: 'without-recheck' },
  'kvm-seq+xip-ebusy-fixed': { secondary: 'kvm-seq', xip: 'ebusy-fixed' },
  'kvm-seq+xip-sparse-seq-fixed': { secondary: 'kvm-seq', xip: 'sparse-seq-fixed' },
  /** The GRU-style secondary with every consumer fix (C14's proposed recheck, C15, C16). */
  'gru-counter-fixed': { secondary: 'gru-counter', xip: 'sparse-seq-fixed', fixes: ['C14'] },
};

/** One named campaign. */
export interface MnCampaign {
  readonly name: string;
  readonly cpus: number;
  readonly maxOps: number;
  /** Addresses the ops use. */
  readonly vpns: readonly number[];
  /** Op kinds drawn (a second 'register' is drawn as a secondary access). */
  readonly ops: readonly MnOp['op'][];
  readonly runs: number;
  readonly seed: string;
  /** A fixed program (with its blocks) searched only over schedules, instead of random programs. */
  readonly fixed?: Omit<MnScenario, 'schedule'>;
}

/** The default campaigns. */
export const MN_CAMPAIGNS: readonly MnCampaign[] = [
  { name: 'mn-anon', cpus: 2, maxOps: 6, vpns: [0, 1], ops: ['saccess', 'fault', 'zap', 'reclaim', 'young'], runs: 400, seed: 'mn-anon' },
  { name: 'mn-xip', cpus: 2, maxOps: 6, vpns: [8, 9, 12], ops: ['saccess', 'fault', 'xip_write', 'zap'], runs: 400, seed: 'mn-xip' },
  {
    name: 'mn-access-vs-madvise',
    cpus: 2,
    maxOps: 0,
    vpns: [0],
    ops: [],
    runs: 800,
    seed: 'mn-access-vs-madvise',
    fixed: {
      programs: [
        [{ id: 1, op: 'register' }, { id: 3, op: 'saccess', vpn: 0, after: 1 }, { id: 5, op: 'saccess', vpn: 0, after: 1 }],
        [{ id: 2, op: 'fault', vpn: 0 }, { id: 4, op: 'zap', vpn: 0, n: 1 }],
      ],
      blocks: [],
    },
  },
  {
    name: 'mn-xip-sparse-first-use',
    cpus: 2,
    maxOps: 0,
    vpns: [8, 12],
    ops: [],
    runs: 300,
    seed: 'mn-xip-sparse-first-use',
    fixed: {
      programs: [
        [{ id: 1, op: 'register' }, { id: 3, op: 'fault', vpn: 8 }],
        [{ id: 2, op: 'fault', vpn: 12 }, { id: 4, op: 'saccess', vpn: 13, after: 1 }],
      ],
      blocks: [],
    },
  },
  {
    name: 'mn-xip-fault-vs-write',
    cpus: 2,
    maxOps: 0,
    vpns: [8],
    ops: [],
    runs: 300,
    seed: 'mn-xip-fault-vs-write',
    fixed: {
      programs: [[{ id: 1, op: 'register' }, { id: 3, op: 'fault', vpn: 8 }, { id: 5, op: 'saccess', vpn: 12, after: 1 }], [{ id: 2, op: 'xip_write', pgoff: 0 }]],
      blocks: [],
    },
  },
  {
    name: 'mn-xip-concurrent-fault',
    cpus: 2,
    maxOps: 0,
    vpns: [8],
    ops: [],
    runs: 200,
    seed: 'mn-xip-concurrent-fault',
    fixed: {
      programs: [[{ id: 1, op: 'register' }, { id: 3, op: 'fault', vpn: 8 }], [{ id: 2, op: 'fault', vpn: 8 }]],
      blocks: [0],
    },
  },
];

/** The property names an audit reports (the seed's three, then kernel BUGs and deadlocks). */
export const MN_AUDIT_PROPERTIES = [...MN_PROPERTIES, 'no_bug', 'no_deadlock', 'no_livelock'] as const;

/** A random program for `c`. */
export function randomMnScenario(c: MnCampaign, rng: () => number): MnScenario {
  const int = (n: number): number => Math.floor(rng() * n);
  const programs: MnOp[][] = Array.from({ length: c.cpus }, () => []);
  let id = 1;
  programs[0]!.push({ id, op: 'register' });
  const n = 2 + int(c.maxOps - 1);
  for (let i = 0; i < n; i++) {
    const cpu = int(c.cpus);
    const kind = c.ops[int(c.ops.length)]!;
    const vpn = c.vpns[int(c.vpns.length)]!;
    id++;
    const op: MnOp =
      kind === 'saccess' || kind === 'register'
        ? { id, op: 'saccess', vpn, after: 1 }
        : kind === 'zap'
          ? { id, op: 'zap', vpn, n: 1 + int(2) }
          : kind === 'xip_write'
            ? { id, op: 'xip_write', pgoff: int(2) }
            : { id, op: kind, vpn };
    programs[cpu]!.push(op);
  }
  const blocks = [0, 1].filter(() => rng() < 0.3);
  return { programs, schedule: [], blocks };
}

/** Replay a scenario on a named version with the MMU-notifier properties. */
export function replayMn(scn: MnScenario, version: string | MnConfig): MnRun {
  const cfg = typeof version === 'string' ? MN_VERSIONS[version] : version;
  if (cfg === undefined) throw new Error(`unknown MMU-notifier version '${String(version)}' (known: ${Object.keys(MN_VERSIONS).join(', ')})`);
  return runMn(scn, cfg, mnChecks());
}

const violated = (w: World, prop: string): boolean => w.violations.some((v) => v.property === prop);

function mnCands(s: MnScenario): MnScenario[] {
  const out: MnScenario[] = [];
  for (const [cpu, p] of s.programs.entries()) {
    for (let i = 0; i < p.length; i++) {
      if (p[i]!.op === 'register') continue;
      out.push({ ...s, programs: s.programs.map((q, c) => (c === cpu ? q.filter((_, j) => j !== i) : q)) });
      const o = p[i]!;
      if (o.op === 'zap' && o.n > 1) out.push({ ...s, programs: s.programs.map((q, c) => (c === cpu ? q.map((x, j) => (j === i ? { ...o, n: 1 } : x)) : q)) });
    }
  }
  for (let i = 0; i < s.blocks.length; i++) out.push({ ...s, blocks: s.blocks.filter((_, j) => j !== i) });
  for (const sch of scheduleCands(s.schedule)) out.push({ ...s, schedule: sch });
  return out;
}

/** Run the MMU-notifier campaigns on every version: the entry point for the default audit. */
export function auditMmuNotifier(opts: { campaigns?: readonly MnCampaign[]; versions?: readonly string[]; runsScale?: number } = {}): ConsumerAudit {
  const campaigns = opts.campaigns ?? MN_CAMPAIGNS;
  const versions = opts.versions ?? Object.keys(MN_VERSIONS);
  const out: ConsumerAudit['versions'][number][] = [];
  for (const version of versions) {
    const cfg = MN_VERSIONS[version];
    if (cfg === undefined) throw new Error(`unknown MMU-notifier version '${version}'`);
    const holds: Record<string, boolean> = Object.fromEntries(MN_AUDIT_PROPERTIES.map((p) => [p, true]));
    const cxs: ConsumerCounterexample<MnScenario>[] = [];
    let runs = 0;
    const broken: Record<string, Record<string, number>> = {};
    for (const c of campaigns) {
      const here: Record<string, number> = (broken[c.name] = {});
      const n = Math.max(1, Math.round(c.runs * (opts.runsScale ?? 1)));
      for (let r = 0; r < n; r++) {
        const seed = `${c.seed}/${r}`;
        const scn: MnScenario = c.fixed ? { ...c.fixed, schedule: [] } : randomMnScenario(c, seedrandom(seed));
        const res = runMn(scn, cfg, mnChecks(), pctChooser(seed, c.cpus, 1 + (r % 3), 80));
        runs++;
        for (const p of new Set(res.world.violations.map((v) => v.property))) here[p] = (here[p] ?? 0) + 1;
        for (const v of res.world.violations) {
          if (holds[v.property] === false) continue;
          holds[v.property] = false;
          const base: MnScenario = { ...scn, schedule: res.executed };
          const small = shrinkGreedy(base, mnCands, (s) => violated(replayMn(s, version).world, v.property));
          const line = replayMn(small, version).world.violations.find((x) => x.property === v.property)!;
          cxs.push({ consumer: 'mmu_notifier', campaign: c.name, version, property: v.property, scenario: small, config: { ...cfg, fixes: (cfg.fixes ?? []).join(',') }, ops: small.programs.map((p) => p.map(mnOpText)), message: violationLine(line), seed });
        }
      }
    }
    out.push({ version, runs, holds, broken, counterexamples: cxs });
  }
  return { consumer: 'mmu_notifier', versions: out, vmapVariants: 'none: the notifiers guard user PTEs of a process mm; no vmap variant is on these paths' };
}
