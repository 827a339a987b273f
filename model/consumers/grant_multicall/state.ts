/**
 * The state of the grant-mapping consumer (seed 002): struct pages of ballooned lowmem
 * pages, their kmap_ops (struct gnttab_map_grant_ref), the p2m, the m2p override hash
 * under m2p_override_lock, each CPU's multicall batch and lazy MMU mode, and the
 * hypervisor's grant table (an oracle of the environment, see hypervisor.ts).
 *
 * Frames: a page's pfn is its index + 1; its own machine frame (what p2m holds before the
 * override) is 0x1000 + pfn; the granted foreign frame of page i is 0x8000 + i. The kernel
 * linear address of a page is PAGE_OFFSET + (pfn << PAGE_SHIFT); its vpn keys init_mm's PTE
 * map (w.mm.pte), whose value is the *machine* frame the PTE points at (Xen PV PTEs hold mfns).
 */
import type { World } from '../../engine/world';
import { KObject } from '../../kernel/slab';
import { ListHead } from '../../kernel/list';
import { Lock } from '../../kernel/spinlock';

/** The code under audit: the patch as posted and the versions it is compared with. */
export type GrantVersion =
  /** v4 as posted: `if (handle == -1) xen_mc_flush();` then `if (handle == -1) return -1`. */
  | 'as-posted'
  /** As posted without the first check (no flush before reading the handle). */
  | 'without-flush-check'
  /** Neither check: the unmap is queued with whatever handle the kmap_op holds (what the checks answer). */
  | 'without-checks'
  /** As posted plus the review's requests: SetPagePrivate/set_page_private and GNTST_general_error. */
  | 'review-fixed';

/** Every version, in report order. */
export const GRANT_VERSIONS: readonly GrantVersion[] = ['as-posted', 'without-flush-check', 'without-checks', 'review-fixed'];

/**
 * Each version as the consumer fixes it carries over the code without either check
 * (grant_multicall/fixes/): C9 the flush before reading the handle, C10 the failed-map
 * check, C12 the review's SetPagePrivate. The model's code tests fixes, not names.
 */
export const GRANT_VERSION_FIXES: Readonly<Record<GrantVersion, readonly string[]>> = {
  'without-checks': [],
  'without-flush-check': ['C10'],
  'as-posted': ['C9', 'C10'],
  'review-fixed': ['C9', 'C10', 'C12'],
};

/** Does the run's code have consumer fix `id` (by its version or added)? */
export function grantHas(cfg: Pick<GrantConfig, 'version' | 'fixes'>, id: string): boolean {
  return GRANT_VERSION_FIXES[cfg.version].includes(id) || (cfg.fixes ?? []).includes(id);
}

/** Configuration of one run. */
export interface GrantConfig {
  readonly version: GrantVersion;
  /** Consumer fixes added to the version's (experiments: C9, C10, C12). */
  readonly fixes?: readonly string[];
  /** Pages of the gntdev map (count). */
  readonly pages: number;
  /**
   * MC_BATCH (arch/x86/xen/multicalls.c: 32). Divergence: campaigns use a smaller batch so
   * that "a full batch" is a flush point reachable by short programs; the rule is the C's.
   */
  readonly MC_BATCH: number;
  /** Indices (in issue order) of GNTTABOP_map_grant_ref operations the hypervisor fails. */
  readonly mapErrors: readonly number[];
}

/** `GRANT_FRAME_BIT` (1UL << (BITS_PER_LONG-3)) on 32-bit. */
export const GRANT_FRAME_BIT = 1 << 29;
/** `FOREIGN_FRAME_BIT` (1UL << (BITS_PER_LONG-1)) on 32-bit, as an unsigned value. */
export const FOREIGN_FRAME_BIT = 2 ** 31;
/** `GNTST_general_error` (include/xen/interface/grant_table.h): -1. */
export const GNTST_general_error = -1;
/** x86-32 PAGE_OFFSET's vpn (0xc0000000 >> 12). */
export const PAGE_OFFSET_VPN = 0xc0000;
/** btrfs's EXTENT_PAGE_PRIVATE, the value set_page_extent_mapped stores in page->private. */
export const EXTENT_PAGE_PRIVATE = 1;

/** `struct gnttab_map_grant_ref`, one of gntdev's map->kmap_ops[]. */
export class KmapOp extends KObject {
  /** `host_addr`: with GNTMAP_contains_pte, the machine address of the PTE (model: the vpn it maps). */
  host_addr = 0;
  /** `handle`, -1 until the hypervisor fills it (gntdev_alloc_map initialises it so). */
  handle = -1;
  /** `dev_bus_addr`: m2p_add_override records the old mfn here. */
  dev_bus_addr = 0;
  status = 0;
  constructor(id: number, readonly ref: number) {
    super('gnttab_map_grant_ref', id);
  }
}

/** `struct page` of one ballooned lowmem page. */
export class StructPage extends KObject {
  /** `page->private` */
  private_ = 0;
  /** `PG_private` */
  PagePrivate = false;
  /** `page->index`: a pfn_to_mfn value or, while overridden with a kmap_op, that pointer. */
  index: number | KmapOp = 0;
  readonly lru: ListHead;
  constructor(id: number, readonly pfn: number) {
    super('page', id);
    this.lru = new ListHead(this, 'lru');
  }
}

/** One entry of a multicall batch (`struct multicall_entry` plus its argument). */
export type McEntry =
  | { readonly op: 'map_grant_ref'; readonly arg: KmapOp; readonly cpu: number }
  | { readonly op: 'unmap_grant_ref'; readonly host_addr: number; readonly handle: number; readonly page: number; readonly cpu: number; /** Ghost: step at which it was queued. */ readonly queuedAt: number }
  | { readonly op: 'update_va_mapping'; readonly vpn: number; readonly mfn: number; readonly cpu: number }
  | { readonly op: 'invlpg_local'; readonly vpn: number; readonly cpu: number };

/** `struct mc_buffer` (per CPU) plus the CPU's paravirt lazy mode. */
export interface McBuffer {
  readonly entries: McEntry[];
  lazyMmu: boolean;
  /** `xen_mc_irq_flags`: the irq state xen_mc_entry saved. */
  irqFlags: boolean;
}

/** The hypervisor's record of one grant map operation (oracle data). */
export interface MapRecord {
  readonly kmap: KmapOp;
  readonly page: number;
  /** Step at which it was issued (processed by the hypervisor), or null while only queued. */
  issuedAt: number | null;
  ok: boolean;
  handle: number;
  unmapped: boolean;
}

/** One unmap the hypervisor processed (oracle data). */
export interface UnmapRecord {
  readonly handle: number;
  readonly page: number;
  readonly step: number;
  readonly cpu: number;
  readonly ok: boolean;
  /** Step at which the kernel queued it (read the handle). */
  readonly queuedAt: number;
}

/** Everything of the grant consumer in one run. */
export class GrantState {
  readonly pages: StructPage[] = [];
  readonly kmapOps: KmapOp[] = [];
  /** `phys_to_machine` for the pages (pfn -> mfn word). */
  readonly p2m = new Map<number, number>();
  /** `m2p_overrides[]` (M2P_OVERRIDE_HASH buckets; the model uses 2). */
  readonly m2p_overrides = [new ListHead(null, 'm2p_overrides[0]'), new ListHead(null, 'm2p_overrides[1]')];
  readonly m2p_override_lock = new Lock('m2p_override_lock', 'm2p_override_lock');
  /** gntdev's `priv->lock`, held by mn_invl_range_start around the unmap (preemption off). */
  readonly priv_lock = new Lock('priv->lock', 'gntdev_priv.lock');
  readonly mc: McBuffer[];
  /** Hypervisor: every map queued (by kmap_op id) and what became of it. */
  readonly maps = new Map<number, MapRecord>();
  readonly unmaps: UnmapRecord[] = [];
  /** Hypervisor: grant-mapped PTEs overwritten by update_va_mapping (the grant stays active). */
  readonly implicitUnmaps: { handle: number; page: number; step: number }[] = [];
  /** Hypervisor: live grant mappings by handle. */
  readonly handles = new Map<number, { page: number; vpn: number; frame: number }>();
  nextHandle = 0;
  mapsIssued = 0;
  /** Ghost: pages whose m2p_remove_override returned, with its return value. */
  readonly removed = new Map<number, number>();
  /** Ghost: page->private / page->index as the remove path found them, per page. */
  readonly atRemove = new Map<number, { private_: number; index: number | KmapOp }>();
  /** Ghost: the mfn m2p_add_override was called with, per page. */
  readonly addedMfn = new Map<number, number>();

  constructor(readonly cfg: GrantConfig, cpus: number) {
    this.mc = Array.from({ length: cpus }, () => ({ entries: [], lazyMmu: false, irqFlags: true }));
  }

  /** The kernel linear-map vpn of page i. */
  vpnOf(i: number): number {
    return PAGE_OFFSET_VPN + this.pages[i]!.pfn;
  }
  /** The page's own machine frame. */
  ownMfn(i: number): number {
    return 0x1000 + this.pages[i]!.pfn;
  }
  /** The foreign frame granted to page i. */
  grantFrame(i: number): number {
    return 0x8000 + i;
  }
}

/** Build the state: pages mapped in init_mm's linear map with their own frames, kmap_ops as gntdev_alloc_map leaves them. */
export function initGrant(w: World, cfg: GrantConfig): GrantState {
  const g = new GrantState(cfg, w.cpus.length);
  for (let i = 0; i < cfg.pages; i++) {
    const page = new StructPage(w.slab.newId(), i + 1);
    g.pages.push(page);
    g.p2m.set(page.pfn, g.ownMfn(i));
    // Direct write: the tlb_alias lifecycle describes vmap areas, not the linear map.
    w.mm.pte.set(g.vpnOf(i), g.ownMfn(i));
    const op = new KmapOp(w.slab.newId(), 100 + i);
    w.slab.add(op, null);
    op.host_addr = g.vpnOf(i); // gnttab_set_map_op(&kmap_ops[i], pte_maddr, ...)
    g.kmapOps.push(op);
  }
  w.layer = g;
  return g;
}

/** The grant state of a world. */
export function grantOf(w: World): GrantState {
  return w.layer as GrantState;
}
