/**
 * What every variant port provides: its kernel API entry points (as the seed declares
 * them), its globals, and a read-only view of its structures for properties and reports.
 */
import type { Gen } from '../exec/gen';
import type { K } from './exec';
import type { World } from './world';
import type { RbNode, RbRoot } from '../kernel/rbtree';
import type { ListHead } from '../kernel/list';

/** The vmalloc.h API the harness calls; addresses are `unsigned long`, 0n is NULL. */
export interface VmapApi {
  vmalloc(k: K, size: bigint): Gen<bigint>;
  vfree(k: K, addr: bigint): Gen;
  /** `vmap(pages, count, VM_MAP, PAGE_KERNEL)` */
  vmap(k: K, pages: (number | null)[], count: number): Gen<bigint>;
  vunmap(k: K, addr: bigint): Gen;
  /** `vm_map_ram(pages, count, node, PAGE_KERNEL[, gfp])`; gfp is used only where the variant takes it. */
  vm_map_ram(k: K, pages: (number | null)[], count: number, gfp: number): Gen<bigint>;
  vm_unmap_ram(k: K, addr: bigint, count: number): Gen;
  vm_unmap_aliases(k: K): Gen;
}

/** One vmap area (or, for vanilla, one vm_struct) as properties see it. */
export interface AreaView {
  readonly id: number;
  readonly va_start: bigint;
  readonly va_end: bigint;
  /** VM_LAZY_FREE / VM_LAZY_FREEING / VM_VM_AREA as names. */
  readonly flags: readonly string[];
  /** The [vstart, vend) it was allocated from. */
  readonly vstart: bigint;
  readonly vend: bigint;
  /** Lifecycle state name (vmap_area machine). */
  readonly state: string;
}

/** One per-CPU vmap block as properties see it. */
export interface BlockView {
  readonly id: number;
  readonly cpu: number;
  readonly va_start: bigint;
  readonly free: number;
  readonly dirty: number;
  readonly allocBits: number;
  readonly dirtyBits: number;
  readonly onFreeList: boolean;
  readonly onDirtyList: boolean;
  readonly state: string;
}

/** Where a variant keeps its rbtree of areas and the address-sorted list that must be it in order. */
export interface TreeStructure {
  readonly root: RbRoot;
  readonly head: ListHead;
  /** A tree node's sort key (va_start). */
  key(n: RbNode): bigint;
  /** A tree node's entry on the list. */
  list(n: RbNode): ListHead;
  /** The tree node whose list entry `l` is; null when `l` is no area's list entry. */
  nodeOf(l: ListHead): RbNode | null;
}

/** Read-only view of a variant's structures (no steps, no side effects). */
export interface LayerView {
  /** Areas in address order. */
  areas(): AreaView[];
  /** The view of one area object (a node the change notifications named); null if it is not an area. */
  areaOf?(node: object): AreaView | null;
  /** Problems with the tree and list shapes (empty when well formed). */
  structureProblems(): string[];
  /** The tree and list structureProblems judges, named for the oracle's incremental check; absent without a tree. */
  treeStructure?(): TreeStructure | null;
  blocks(): BlockView[];
  /** `vmap_lazy_nr`, or null where the variant has none. */
  lazyNr(): number | null;
  /** Pages the lazily freed areas account for (VM_LAZY_FREE set, not yet being purged). */
  lazyPages(): number;
  /** Objects reachable from the layer's structures (kmemleak roots), by id. */
  reachable(): Set<number>;
  /** Derived constants for reports. */
  constants(): Record<string, string | number>;
}

/** A variant: a faithful port of one version of the seed. */
export interface Variant {
  readonly name: string;
  readonly description: string;
  /** Create the variant's globals in `w.layer` (vmalloc_init). */
  init(w: World): void;
  readonly api: VmapApi;
  view(w: World): LayerView;
  /** Mechanisms the variant has: 'lazy-purge', 'percpu-blocks' (sometimes-properties need them). */
  readonly features?: readonly string[];
  /** Works queued with schedule_work and not yet run (irqsafe). */
  pendingWork?(w: World): readonly unknown[];
  /** keventd: run the pending works in process context on k.cpu. */
  run_workqueue?(k: K): Gen;
}
