/**
 * Campaigns for the pgd_sync consumer (seeds 000 and 001), its audit entry point and its
 * replay function.
 *
 * A campaign fixes the paging mode, CONFIG_PREEMPT and the fault-handler order, the CPU
 * count and the budget; the audit runs each campaign for every vmap variant and both
 * versions of seed 000's consumer (as posted: lock_vm_area/unlock_vm_area; as fixed:
 * vmalloc_sync_all() in alloc_vm_area), and reports per property whether it held, with a
 * shrunk counterexample when it did not.
 */
import seedrandom from 'seedrandom';
import { VARIANTS } from '../../model/variants/registry';
import { runPgd, pgdOpText, type PgdConfig, type PgdOp, type PgdScenario, type PgdRun } from '../../model/consumers/pgd_sync/program';
import type { PgMode } from '../../model/consumers/pgd_sync/state';
import type { CChooser } from '../../model/consumers/driver';
import { PGD_SYNC_PROPERTIES, PgdSyncOracle } from '../../properties/consumers/pgd_sync';
import { searchCampaign, type ConsumerAudit, type ConsumerCell, type SearchTarget } from './search';

/** One pgd_sync campaign. */
export interface PgdCampaign {
  readonly name: string;
  readonly description: string;
  readonly mode: PgMode;
  readonly PREEMPT: boolean;
  readonly faultPath: 'i386' | 'objection';
  readonly cpus: number;
  /** Ops per CPU: 1..maxOps. */
  readonly maxOps: number;
  readonly runs: number;
  readonly seed: number;
  /** PCT depth and step estimate. */
  readonly depth: number;
  readonly k: number;
  /** Op kinds of the random programs (default: all). */
  readonly kinds?: readonly PgdOp['op'][];
  /** Hand-made program sets, run at every cut point before the random programs. */
  readonly handmade?: readonly (readonly (readonly PgdOp[])[])[];
}

/** fork on one CPU against alloc_vm_area (with or without vmalloc_sync_all) on the other, then use of the area from the new mm. */
const FORK_VS_AREA: readonly (readonly PgdOp[])[] = [
  [{ id: 1, op: 'fork' }, { id: 3, op: 'switch_mm', h: 1 }, { id: 4, op: 'xen_use', h: 2 }],
  [{ id: 2, op: 'xen_area', pages: 1 }],
];
/** Two CPUs each map an area and sync, the third syncs: insync/start written concurrently. */
const SYNC_VS_SYNC: readonly (readonly PgdOp[])[] = [
  [{ id: 1, op: 'vmalloc', pages: 3 }, { id: 4, op: 'vmalloc_sync_all' }],
  [{ id: 2, op: 'xen_area', pages: 2 }, { id: 5, op: 'vmalloc_sync_all' }],
  [{ id: 3, op: 'vmalloc_sync_all' }, { id: 6, op: 'xen_use', h: 2 }],
];
/** A pgd freed into the cache, then vmalloc_sync_all and a new fork reusing it. */
const EXIT_SYNC: readonly (readonly PgdOp[])[] = [
  [{ id: 1, op: 'fork' }, { id: 2, op: 'exit', h: 1 }, { id: 4, op: 'fork' }],
  [{ id: 3, op: 'xen_area', pages: 1 }, { id: 5, op: 'vmalloc_sync_all' }],
];

const base = { handmade: [FORK_VS_AREA, EXIT_SYNC], cpus: 2, maxOps: 4, runs: 200, depth: 2, k: 80, PREEMPT: true, faultPath: 'i386' as const };

/** The named campaigns. */
export const PGD_CAMPAIGNS: readonly PgdCampaign[] = [
  { ...base, name: 'pgd-nonpae', description: 'i386 non-PAE, CONFIG_PREEMPT=y, 2 CPUs: fork/exit races against alloc_vm_area and vmalloc_sync_all', mode: 'non-pae', seed: 1101 },
  { ...base, name: 'pgd-pae-shared', description: 'PAE with SHARED_KERNEL_PMD (bare hardware), CONFIG_PREEMPT=y, 2 CPUs', mode: 'pae-shared', seed: 1102 },
  { ...base, name: 'pgd-pae-unshared', description: 'PAE with the kernel pmd unshared (Xen), CONFIG_PREEMPT=y, 2 CPUs', mode: 'pae-unshared', seed: 1103 },
  {
    ...base,
    name: 'pgd-sync-vs-sync',
    description: "non-PAE, 3 CPUs, no fork/exit: concurrent vmalloc_sync_all calls racing on insync and start (the seed's \"aren't problematic\" claim)",
    mode: 'non-pae',
    cpus: 3,
    runs: 100,
    seed: 1106,
    kinds: ['vmalloc', 'vmalloc', 'xen_area', 'xen_use', 'vmalloc_sync_all', 'vmalloc_sync_all', 'switch_mm'],
    handmade: [SYNC_VS_SYNC],
  },
  { ...base, name: 'pgd-objection-preempt', description: "non-PAE, CONFIG_PREEMPT=y, the fault handler in the review's assumed order (in_atomic() first), 1 CPU", mode: 'non-pae', faultPath: 'objection', cpus: 1, seed: 1104, handmade: [] },
  { ...base, name: 'pgd-objection-nopreempt', description: "as pgd-objection-preempt with CONFIG_PREEMPT=n (preempt_disable is a barrier)", mode: 'non-pae', faultPath: 'objection', PREEMPT: false, cpus: 1, seed: 1105, handmade: [] },
];

/**
 * The consumer versions audited: seed 000 as posted, as the review fixed it (C1), and
 * with every consumer fix (C1-C5): the version that must hold everything.
 */
export const PGD_VERSIONS: Readonly<Record<string, Pick<PgdConfig, 'version' | 'fixes'>>> = {
  posted: { version: 'posted' },
  fixed: { version: 'fixed' },
  'all-fixed': { version: 'fixed', fixes: ['C2', 'C3', 'C4', 'C5'] },
};

type Kind = PgdOp['op'];
const KINDS: readonly Kind[] = ['fork', 'fork', 'exit', 'switch_mm', 'switch_mm', 'xen_area', 'xen_area', 'xen_use', 'free_vm_area', 'vmalloc', 'vfree', 'touch', 'vmalloc_sync_all', 'cache_reap'];

/** Random programs: ids ascending across CPUs; references to earlier objects of the right kind. */
export function randomPgdPrograms(c: PgdCampaign, rng: () => number): PgdOp[][] {
  const int = (n: number): number => Math.floor(rng() * n);
  const progs: PgdOp[][] = Array.from({ length: c.cpus }, () => []);
  const mms: number[] = [-1];
  const areas: number[] = [];
  const vms: number[] = [];
  const n = c.cpus * (1 + int(c.maxOps));
  const pickOf = (xs: number[]): number | null => (xs.length === 0 ? null : xs[int(xs.length)]!);
  for (let id = 1; id <= n; id++) {
    const cpu = int(c.cpus);
    const kinds = c.kinds ?? KINDS;
    const kind = kinds[int(kinds.length)]!;
    let o: PgdOp | null = null;
    if (kind === 'fork') (o = { id, op: kind }), mms.push(id);
    else if (kind === 'exit' || kind === 'switch_mm') {
      const h = pickOf(mms);
      if (h !== null) o = { id, op: kind, h };
    } else if (kind === 'xen_area') (o = { id, op: kind, pages: 1 + int(2) }), areas.push(id);
    else if (kind === 'vmalloc') (o = { id, op: kind, pages: 1 + int(3) }), vms.push(id);
    else if (kind === 'xen_use' || kind === 'free_vm_area') {
      const h = pickOf(areas);
      if (h !== null) o = { id, op: kind, h };
    } else if (kind === 'vfree') {
      const h = pickOf(vms);
      if (h !== null) o = { id, op: kind, h };
    } else if (kind === 'touch') {
      const h = pickOf(vms);
      if (h !== null) o = { id, op: kind, h, page: int(3) };
    } else o = { id, op: kind };
    if (o !== null) progs[cpu]!.push(o);
  }
  return progs;
}

/** The run configuration of a campaign, variant and version. */
export function pgdConfig(c: PgdCampaign, variant: string, version: string): PgdConfig {
  const v = PGD_VERSIONS[version];
  if (v === undefined) throw new Error(`unknown pgd_sync version '${version}' (known: ${Object.keys(PGD_VERSIONS).join(', ')})`);
  return { variant, mode: c.mode, PREEMPT: c.PREEMPT, faultPath: c.faultPath, ...v };
}

/** Replay a pgd_sync scenario with its properties attached (deterministic: no chooser). */
export function replayPgd(scn: PgdScenario, cfg: PgdConfig, chooser?: CChooser): PgdRun {
  return runPgd(scn, cfg, (w) => {
    const o = new PgdSyncOracle(w);
    return { observers: [o], step: () => o.step() };
  }, { chooser });
}

function target(c: PgdCampaign, cfg: PgdConfig): SearchTarget<PgdOp> {
  return {
    run: (s, chooser) => {
      const r = replayPgd(s, cfg, chooser);
      return { violations: r.world.violations, executed: r.executed };
    },
    programs: (rng) => randomPgdPrograms(c, rng),
    events: c.PREEMPT ? [{ kind: 'preempt', p: 0.03 }] : [],
    opText: pgdOpText,
  };
}

/** Options of the pgd_sync audit. */
export interface PgdAuditOptions {
  readonly variants?: readonly string[];
  readonly campaigns?: readonly string[];
  readonly versions?: readonly string[];
  /** Multiplies every campaign's run budget (CI 1). */
  readonly scale?: number;
}

/** Audit the pgd_sync consumer: every variant × version × campaign. */
export function auditPgdSync(opts: PgdAuditOptions = {}): ConsumerAudit<PgdOp, PgdConfig> {
  const variants = opts.variants ?? VARIANTS.map((v) => v.name);
  const camps = PGD_CAMPAIGNS.filter((c) => opts.campaigns === undefined || opts.campaigns.includes(c.name));
  const cells: ConsumerCell<PgdOp, PgdConfig>[] = [];
  for (const variant of variants)
    for (const version of opts.versions ?? Object.keys(PGD_VERSIONS))
      for (const c of camps) {
        const cfg = pgdConfig(c, variant, version);
        const r = searchCampaign(target(c, cfg), PGD_SYNC_PROPERTIES, { seed: c.seed, runs: Math.max(1, Math.round(c.runs * (opts.scale ?? 1))), cpus: c.cpus, depth: c.depth, k: c.k, handmade: c.handmade });
        cells.push({ config: cfg, variant, version, campaign: c.name, ...r });
      }
  return { consumer: 'pgd_sync', properties: PGD_SYNC_PROPERTIES, cells };
}

/** A seeded random scenario of a campaign (for tests and benches). */
export function samplePgdScenario(c: PgdCampaign, seed: string): PgdScenario {
  return { programs: randomPgdPrograms(c, seedrandom(seed)), schedule: [] };
}
