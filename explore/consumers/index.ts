/**
 * The consumers of the vmap layer's guarantees (seeds 000-003), as one list the audit and
 * the manifest iterate. Each consumer gives its audit cells (what its campaigns broke, with
 * a shrunk counterexample per broken property), its findings with their experiments
 * (model/consumers/<name>/fixes/), and a replay predicate; classify.ts does the rest.
 * Adding a consumer is adding its line here.
 *
 * Cell keys: `<vmap variant>/<consumer version>/<campaign>` for the consumers that run on a
 * vmap variant (pgd_sync, xen_pin), `<consumer version>` for those that do not touch
 * vmalloc space (grant_multicall, mmu_notifier: their versions are the axis).
 */
import { FIXED_VARIANT_NAMES, VARIANTS } from '../../model/variants/registry';
import type { ConsumerFix } from '../../model/consumers/fix';
import { PGD_FIXES } from '../../model/consumers/pgd_sync/fixes/index';
import { XEN_FIXES } from '../../model/consumers/xen_pin/fixes/index';
import { GRANT_FIXES } from '../../model/consumers/grant_multicall/fixes/index';
import { MN_FIXES } from '../../model/consumers/mmu_notifier/fixes/index';
import type { PgdConfig, PgdScenario } from '../../model/consumers/pgd_sync/program';
import type { XenConfig, XenScenario } from '../../model/consumers/xen_pin/program';
import type { GrantConfig, GrantVersion } from '../../model/consumers/grant_multicall/state';
import type { GrantScenario } from '../../model/consumers/grant_multicall/run';
import { runGrant } from '../../model/consumers/grant_multicall/run';
import { grantChecks } from '../../properties/consumers/grant_multicall';
import { mnChecks } from '../../properties/consumers/mmu_notifier';
import { runMn, type MnScenario } from '../../model/consumers/mmu_notifier/run';
import type { MnConfig } from '../../model/consumers/mmu_notifier/state';
import { auditGrantMulticall } from './grant_multicall';
import { auditMmuNotifier, MN_VERSIONS } from './mmu_notifier';
import { auditPgdSync, replayPgd } from './pgd_sync';
import { auditXenPin, replayXen } from './xen_pin';
import type { ConsumerAudit as CellAudit } from './search';

/** One shrunk failing run of a consumer cell. */
export interface ConsumerCase {
  readonly property: string;
  readonly message: string;
  /** The run's configuration and scenario: all `breaks` needs. */
  readonly cfg: unknown;
  readonly scenario: unknown;
  /** Ops per CPU, as text. */
  readonly ops: readonly string[];
  /** Ops plus schedule switches: what "shortest" compares. */
  readonly size: number;
}

/** One audit cell of a consumer. */
export interface ConsumerCellRun {
  readonly key: string;
  /** The vmap variant the cell runs on (null: the consumer has no vmap axis). */
  readonly variant: string | null;
  /** Properties broken within the budget, sorted. */
  readonly violated: readonly string[];
  readonly cases: readonly ConsumerCase[];
}

/** One consumer. */
export interface Consumer {
  readonly name: string;
  /** Which seeds it models and what it relies on. */
  readonly relies: string;
  /** Its findings, with their experiments. */
  readonly fixes: readonly ConsumerFix<never, never>[];
  /** Run every campaign cell. */
  cells(): ConsumerCellRun[];
  /** Does `scenario` break `property` under `cfg`? (deterministic replay) */
  breaks(cfg: unknown, scenario: unknown, property: string): boolean;
  /** For consumers on a vmap variant: the config's variant, and the config on another one. */
  readonly vmap?: { variant(cfg: unknown): string; on(cfg: unknown, variant: string): unknown };
}

const sorted = (holds: Readonly<Record<string, boolean>>): string[] => Object.keys(holds).filter((p) => !holds[p]).sort();
const opsCount = (programs: readonly (readonly unknown[])[]): number => programs.reduce((n, p) => n + p.length, 0);

/** Cells of a consumer audited per vmap variant × version × campaign. */
function fromCells<O, C>(a: CellAudit<O, C>): ConsumerCellRun[] {
  return a.cells.map((c) => ({
    key: `${c.variant}/${c.version}/${c.campaign}`,
    variant: c.variant,
    violated: sorted(c.holds),
    cases: c.counterexamples.map((x) => ({ property: x.property, message: x.message, cfg: c.config, scenario: x.scenario, ops: x.ops, size: opsCount(x.scenario.programs) + x.switches })),
  }));
}

/** Cells of a consumer audited per version only. */
function fromVersions(a: ReturnType<typeof auditGrantMulticall>, cfgOf: (version: string, x: { config: Readonly<Record<string, unknown>> }) => unknown): ConsumerCellRun[] {
  return a.versions.map((v) => ({
    key: v.version,
    variant: null,
    violated: sorted(v.holds),
    cases: v.counterexamples.map((x) => {
      const s = x.scenario as { programs: readonly (readonly unknown[])[]; schedule: readonly unknown[] };
      return { property: x.property, message: x.message, cfg: cfgOf(v.version, x), scenario: x.scenario, ops: x.ops.map((p, cpu) => `cpu${cpu}: ${p.join('; ')}`), size: opsCount(s.programs) + s.schedule.length };
    }),
  }));
}

const violates = (vs: readonly { property: string }[], p: string): boolean => vs.some((v) => v.property === p);

/** The vmap variants the vmalloc-space consumers run on: every base and every -fixed variant. */
const ON = [...VARIANTS.map((v) => v.name), ...FIXED_VARIANT_NAMES];

const onVariant = { variant: (c: unknown) => (c as { variant: string }).variant, on: (c: unknown, variant: string) => ({ ...(c as object), variant }) };

/** Every consumer, in seed order. */
export const CONSUMERS: readonly Consumer[] = [
  {
    name: 'pgd_sync',
    relies: 'seeds 000/001: the page tables of a vmalloc area exist in every address space that may use it',
    fixes: PGD_FIXES as readonly ConsumerFix<never, never>[],
    cells: () => fromCells(auditPgdSync({ variants: ON })),
    breaks: (cfg, scn, p) => violates(replayPgd(scn as PgdScenario, cfg as PgdConfig).world.violations, p),
    vmap: onVariant,
  },
  {
    name: 'xen_pin',
    relies: 'seeds 000/002/004: no writable alias of a page survives vm_unmap_aliases(), so Xen can pin it',
    fixes: XEN_FIXES as readonly ConsumerFix<never, never>[],
    cells: () => fromCells(auditXenPin({ variants: ON })),
    breaks: (cfg, scn, p) => violates(replayXen(scn as XenScenario, cfg as XenConfig).world.violations, p),
    vmap: onVariant,
  },
  {
    name: 'grant_multicall',
    relies: 'seed 002: a grant mapping is not torn down before its batched map was issued',
    fixes: GRANT_FIXES as readonly ConsumerFix<never, never>[],
    cells: () =>
      fromVersions(auditGrantMulticall(), (version, x) => {
        const c = x.config as { pages: number; MC_BATCH: number };
        return { version: version as GrantVersion, pages: c.pages, MC_BATCH: c.MC_BATCH } satisfies Omit<GrantConfig, 'mapErrors'>;
      }),
    breaks: (cfg, scn, p) => violates(runGrant(scn as GrantScenario, cfg as Omit<GrantConfig, 'mapErrors'>, grantChecks()).world.violations, p),
  },
  {
    name: 'mmu_notifier',
    relies: 'seed 003: no secondary MMU maps a page that is being freed',
    fixes: MN_FIXES as readonly ConsumerFix<never, never>[],
    cells: () => fromVersions(auditMmuNotifier(), (version) => MN_VERSIONS[version]! satisfies MnConfig),
    breaks: (cfg, scn, p) => violates(runMn(scn as MnScenario, cfg as MnConfig, mnChecks()).world.violations, p),
  },
];

/** A consumer by name. */
export function consumerByName(name: string): Consumer | undefined {
  return CONSUMERS.find((c) => c.name === name);
}
