/**
 * What the world's readers see of the layer and of its user, as data: the variant's
 * read-only view of its structures (areas, blocks, the shape checks) and the mappings the
 * API user holds.
 *
 * The World carries both (its step's view, its user), and the ghosts and properties read
 * them through it; the variant (variant.ts) and the harness (harness.ts) produce them and
 * take the World as an argument. Declared here, below all of them, so the World names no
 * file that names it back. Types only: this file has no run-time content.
 */
import type { Lifecycle } from '../lifecycles/instance';
import type { RbNode, RbRoot } from '../kernel/rbtree';
import type { ListHead } from '../kernel/list';

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

/**
 * A singly linked, address-sorted list of areas (vanilla's vmlist), named for the oracle's
 * incremental check (properties/incremental_vmlist.ts): how to read it, never what it means.
 */
export interface VmlistStructure {
  head(): object | null;
  next(n: object): object | null;
  /** The area's first byte and its end as an exact integer (it may pass ULONG_MAX + 1). */
  start(n: object): bigint;
  end(n: object): bigint;
  freed(n: object): boolean;
  /** ULONG_MAX + 1: an end past it wraps. */
  readonly limit: bigint;
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
  /** The list structureProblems judges where the layer has a list and no tree (vanilla). */
  vmlist?(): VmlistStructure | null;
  blocks(): BlockView[];
  /** `vmap_lazy_nr`, or null where the variant has none. */
  lazyNr(): number | null;
  /** Pages the lazily freed areas account for (VM_LAZY_FREE set, not yet being purged). */
  lazyPages(): number;
  /** Ids of the areas marked VM_LAZY_FREE or VM_LAZY_FREEING (what areas() says, read without an AreaView per area). */
  lazyFreed?(): number[];
  /** Objects reachable from the layer's structures (kmemleak roots), by id. */
  reachable(): Set<number>;
  /** Derived constants for reports. */
  constants(): Record<string, string | number>;
}

/** A mapping the user holds. */
export interface Handle {
  readonly id: number;
  readonly kind: 'vmalloc' | 'vmap' | 'vm_map_ram';
  readonly addr: bigint;
  readonly count: number;
  /** The pfn each page must translate to. */
  readonly pages: readonly number[];
  readonly life: Lifecycle;
  /** An unmap of it has started (a second one is misuse). */
  claimed: boolean;
  /** Step at which the user's (first) unmap call returned. */
  unmappedAt?: number;
  /** Step and user clock at which the map call began (the layer may hold its KVA from then). */
  readonly mapBeganStep: number;
  readonly mapBeganAt: number;
  /** CPU the map call ran on. */
  readonly cpu: number;
  /** Step at which the map call returned. */
  readonly mapEndStep: number;
  /** User clock at which the (first) unmap call returned. */
  unmapReturnedAt?: number;
}

/** A map call that returned NULL: the layer may have held KVA for it while it ran. */
export interface FailedMap {
  readonly op: number;
  readonly kind: Handle['kind'];
  readonly cpu: number;
  readonly beganStep: number;
  readonly endStep: number;
}
