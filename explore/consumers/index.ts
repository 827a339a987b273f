/**
 * The consumers of the vmap layer's guarantees (seeds 000-003), as one list the audit and
 * the manifest iterate: each consumer's own audit, reduced to verdict cells (which
 * properties a configuration breaks, with a shrunk counterexample for each). Adding a
 * consumer is adding its line here.
 *
 * Cell keys: `<vmap variant>/<consumer version>/<campaign>` for the consumers that run on a
 * vmap variant (pgd_sync, xen_pin), `<consumer version>` for those that do not touch
 * vmalloc space (grant_multicall, mmu_notifier: their versions are the axis).
 */
import { FIXED_VARIANT_NAMES, VARIANTS } from '../../model/variants/registry';
import { auditGrantMulticall } from './grant_multicall';
import { auditMmuNotifier } from './mmu_notifier';
import { auditPgdSync } from './pgd_sync';
import { auditXenPin } from './xen_pin';
import type { ConsumerAudit as CellAudit } from './search';

/** One verdict cell of a consumer. */
export interface ConsumerVerdict {
  readonly key: string;
  /** Properties broken within the budget, sorted. */
  readonly violated: readonly string[];
  /** One shrunk counterexample per broken property, as data (replayable by the consumer's replay function). */
  readonly counterexamples: readonly { readonly property: string; readonly message: string; readonly data: unknown }[];
}

/** One consumer. */
export interface Consumer {
  readonly name: string;
  /** Which seeds it models and what it relies on. */
  readonly relies: string;
  verdicts(): ConsumerVerdict[];
}

const sorted = (holds: Readonly<Record<string, boolean>>): string[] => Object.keys(holds).filter((p) => !holds[p]).sort();

/** Verdicts of a consumer audited per vmap variant × version × campaign. */
function fromCells(a: CellAudit<unknown, unknown>): ConsumerVerdict[] {
  return a.cells.map((c) => ({
    key: `${c.variant}/${c.version}/${c.campaign}`,
    violated: sorted(c.holds),
    counterexamples: c.counterexamples.map((x) => ({ property: x.property, message: x.message, data: { config: c.config, scenario: x.scenario, ops: x.ops } })),
  }));
}

/** Verdicts of a consumer audited per version only. */
function fromVersions(a: ReturnType<typeof auditGrantMulticall>): ConsumerVerdict[] {
  return a.versions.map((v) => ({
    key: v.version,
    violated: sorted(v.holds),
    counterexamples: v.counterexamples.map((x) => ({ property: x.property, message: x.message, data: x })),
  }));
}

/** The vmap variants the vmalloc-space consumers run on: every base and every -fixed variant. */
const ON = [...VARIANTS.map((v) => v.name), ...FIXED_VARIANT_NAMES];

/** Every consumer, in seed order. */
export const CONSUMERS: readonly Consumer[] = [
  { name: 'pgd_sync', relies: 'seeds 000/001: the page tables of a vmalloc area exist in every address space that may use it', verdicts: () => fromCells(auditPgdSync({ variants: ON })) },
  { name: 'xen_pin', relies: 'seeds 000/002/004: no writable alias of a page survives vm_unmap_aliases(), so Xen can pin it', verdicts: () => fromCells(auditXenPin({ variants: ON })) },
  { name: 'grant_multicall', relies: 'seed 002: a grant mapping is not torn down before its batched map was issued', verdicts: () => fromVersions(auditGrantMulticall()) },
  { name: 'mmu_notifier', relies: 'seed 003: no secondary MMU maps a page that is being freed', verdicts: () => fromVersions(auditMmuNotifier()) },
];
