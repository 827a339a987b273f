/**
 * What every variant port provides: its kernel API entry points (as the seed declares
 * them), its globals, and a read-only view of its structures for properties and reports.
 */
import type { Gen } from '../exec/gen';
import type { K } from './exec';
import type { World } from './world';
import type { LayerView } from './world_types';

/** The view types, declared in world_types.ts (the World names them too); re-exported for the variants. */
export type { AreaView, BlockView, LayerView, TreeStructure, VmlistStructure } from './world_types';

/** The vmalloc.h API the harness calls; addresses are `unsigned long`, 0n is NULL. */
export interface VmapApi {
  vmalloc(k: K, size: bigint): Gen<bigint>;
  /**
   * An aligned vmalloc (not in the 2008 API): later kernels' `__vmalloc_node(size, align,
   * GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller)` on the variant's own allocator;
   * `align` is a power of two. Freed by vfree.
   */
  vmalloc_align(k: K, size: bigint, align: bigint): Gen<bigint>;
  vfree(k: K, addr: bigint): Gen;
  /** `vmap(pages, count, VM_MAP, PAGE_KERNEL)` */
  vmap(k: K, pages: (number | null)[], count: number): Gen<bigint>;
  vunmap(k: K, addr: bigint): Gen;
  /** `vm_map_ram(pages, count, node, PAGE_KERNEL[, gfp])`; gfp is used only where the variant takes it. */
  vm_map_ram(k: K, pages: (number | null)[], count: number, gfp: number): Gen<bigint>;
  vm_unmap_ram(k: K, addr: bigint, count: number): Gen;
  vm_unmap_aliases(k: K): Gen;
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
