/**
 * i386 page directories beside init_mm's (seed 001): the geometry of the kernel half of
 * the address space, the pgd pages with their `pgd_list` links, the kernel pmd pages, the
 * pgd slab cache, `pgd_lock`, and the statics of _vmalloc_sync_all (`insync`, `start`).
 *
 * What a page table holds is modelled at the level the seeds reason about: which kernel
 * PMD entries (each pointing to a PTE page) are present. PTE pages themselves are the ones
 * of init_mm (model/kernel/mm.ts `ptePages`, filled by pte_alloc_kernel and never freed by
 * the vmap layer), shared by every address space whose pmd entry points to them, so a PTE
 * set in init_mm is visible through any pgd that has the pmd entry — as on the hardware.
 *
 * DIVERGENCE (scale): the kernel half is [TASK_SIZE, 2^32) = 8 PMDs of the `tiny-top`
 * layout (16 PTEs per page table, so PMD_SIZE = 64 KB): 4 lowmem PMDs present in
 * swapper_pg_dir from boot, then the 4 PMDs the vmalloc range (0xfffce000-0xffffe000)
 * uses. Non-PAE: PGDIR_SIZE = PMD_SIZE (the pmd is folded into the pgd). PAE: one pgd
 * entry (PGDIR_SIZE = 8 PMDs) maps the whole kernel half, as pgd[3] does on i386 with a 3G
 * split. The user half is abstract: its entries are cleared (memset) by the ctor and, for
 * PAE, USER_PTRS_PER_PGD = 3 user pmds are allocated and freed as on i386; nothing maps
 * user memory. Addresses are 32-bit and wrap, which _vmalloc_sync_all's loop relies on.
 */
import type { Lock } from '../../kernel/spinlock';
import { KObject } from '../../kernel/slab';
import type { World } from '../../engine/world';
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';

/** The paging mode (seed 001). */
export type PgMode = 'non-pae' | 'pae-shared' | 'pae-unshared';

/** The kernel-half geometry (see the DIVERGENCE note above). */
export const GEO = {
  TASK_SIZE: 0xfff80000n,
  PMD_SHIFT: 16,
  /** First kernel PMD index (TASK_SIZE >> PMD_SHIFT). */
  KPMD0: 0xfff8,
  /** Kernel PMDs: 8; the first 4 are lowmem, present from boot. */
  KPMDS: 8,
  LOWMEM_PMDS: 4,
  /** PAE: i386's three user pgd entries. */
  PAE_USER_PTRS: 3,
} as const;

/** PGDIR_SHIFT of the mode. */
export function PGDIR_SHIFT(mode: PgMode): number {
  return mode === 'non-pae' ? GEO.PMD_SHIFT : GEO.PMD_SHIFT + 3;
}

/** A page table page holding kernel PMD entries (PAE kernel pmd; non-PAE: the pgd page itself). */
export class PmdPage extends KObject {
  /** Present PMD entries (absolute PMD index; each points to init_mm's PTE page of that index). */
  readonly entries = new Set<number>();
  constructor(id: number, readonly what: string) {
    super('pmd', id);
  }
}

/** One pgd page: `struct page` with `index` (next on pgd_list) and `private` (pprev). */
export class PgdPage extends KObject {
  /** `page->index`: the next pgd on pgd_list. */
  index: PgdPage | null = null;
  /** `page_private(page)`: where the pointer to this page lives (pgd_list or the previous page's index). */
  pprev: PgdPage | 'pgd_list' | null = null;
  /** Non-PAE: the kernel pgd (= pmd) entries; PAE: unused. */
  readonly kent: PmdPage;
  /** PAE: pgd[0..2] user pmds, pgd[3] the kernel pmd (null: entry not present). */
  readonly pae: (PmdPage | null)[] = [null, null, null, null];
  /** Slab object state: on the cache's free list, or handed out to an mm. */
  slab: 'constructed' | 'allocated' | 'destroyed' = 'constructed';
  /** The mm using it (op id), null while cached. */
  mm: number | null = null;
  /** Ghost: pgd_ctor has returned for this object (properties only; the model never reads it). */
  ghostCtorDone = false;
  /** Ghost: pgd_dtor has returned for this object. */
  ghostDtorDone = false;
  constructor(id: number) {
    super('pgd', id);
    this.kent = new PmdPage(-id, `pgd#${id}`);
  }
}

/** Observer hooks for the properties (the model never reads their results). */
export interface PgdObserver {
  /** A consumer uses [addr, addr+size) through `pgd` with no fault path (a hypercall or a walk). */
  used?(k: import('../../engine/exec').K, pgd: PgdPage | 'swapper', addr: bigint, size: bigint, what: string): void;
  syncAllBegin?(k: import('../../engine/exec').K): void;
  syncAllEnd?(k: import('../../engine/exec').K): void;
  pgdAllocReturn?(k: import('../../engine/exec').K, pgd: PgdPage): void;
  /** A kernel-address fault the handler refuses (goes to bad_area) while in_atomic(). */
  faultRefused?(k: import('../../engine/exec').K, addr: bigint, reason: string): void;
  /** vmalloc_sync_one read or wrote a pmd through a pgd entry that is not a live kernel pmd. */
  wildPmd?(k: import('../../engine/exec').K, pgd: PgdPage, what: string): void;
}

/**
 * Fix points: functions a consumer fix (pgd_sync/fixes/) replaces; unset, the seed's code
 * runs. Installed by the run from the config's fix list, so the model never imports a fix.
 */
export interface PgdFixPoints {
  pgd_ctor?: (k: K, pgd: PgdPage) => Gen;
  kmem_cache_alloc_pgd?: (k: K) => Gen<PgdPage | null>;
  pgd_alloc?: (k: K) => Gen<PgdPage | null>;
  pgd_free?: (k: K, pgd: PgdPage) => Gen;
  cache_reap?: (k: K) => Gen;
  _vmalloc_sync_all?: (k: K) => Gen;
}

/** The consumer's globals in one run. */
export interface PgdState {
  readonly mode: PgMode;
  /** The vmap variant under the consumer (its name picks the get_vm_area family). */
  readonly variantName: string;
  /** CONFIG_PREEMPT: preempt_disable raises the preempt count (in_atomic() sees it). */
  readonly PREEMPT: boolean;
  /** Which fault-handler order (see fault.ts). */
  readonly faultPath: 'i386' | 'objection';
  /** `pgd_list` */
  pgd_list: PgdPage | null;
  readonly pgd_lock: Lock;
  /** swapper_pg_dir's kernel pmd (PAE); for non-PAE its entries are read from the same place. */
  readonly swapperPmd: PmdPage;
  /** pgd_cache's constructed free objects (LIFO, as the slab's per-CPU array hands them out). */
  readonly pgdCacheFree: PgdPage[];
  /** Every pgd object ever constructed (for the properties' view). */
  readonly allPgds: PgdPage[];
  /** `static DECLARE_BITMAP(insync, PTRS_PER_PGD)`: set pgd indices. */
  readonly insync: Set<number>;
  /** `static unsigned long start = TASK_SIZE` */
  start: bigint;
  /** Each CPU's cr3: the pgd it runs on ('swapper' = init_mm). */
  readonly cr3: (PgdPage | 'swapper')[];
  /** mm handle (op id) -> its pgd. */
  readonly mms: Map<number, PgdPage>;
  readonly observers: PgdObserver[];
  /** The fixed functions of the consumer fixes in the run's config. */
  readonly fixed: PgdFixPoints;
}

/** The consumer state of a world. */
export function pgs(w: World): PgdState {
  return (w as unknown as { pgd: PgdState }).pgd;
}

/** Attach the consumer state to a world. */
export function attachPgs(w: World, s: PgdState): void {
  (w as unknown as { pgd: PgdState }).pgd = s;
}

/** Is kernel PMD `i` present in swapper_pg_dir (init_mm)? Boot lowmem, or a PTE page the vmap layer allocated. */
export function swapperHas(w: World, i: number): boolean {
  return (i >= GEO.KPMD0 && i < GEO.KPMD0 + GEO.LOWMEM_PMDS) || w.mm.ptePages.has(i);
}

/** The kernel PMD index of an address. */
export function pmdIndex(addr: bigint): number {
  return Number(addr >> BigInt(GEO.PMD_SHIFT));
}
