/**
 * rewrite-v2 globals: the file-scope variables of the patched mm/vmalloc.c, the derived
 * constants computed with the seed's own formulas, and the table of functions a later
 * variant may replace (irqsafe replaces exactly the functions its patch touches; rewrite-v1
 * the few that differ from v2). Model code calls replaceable functions through `fn`.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import type { World } from '../../engine/world';
import type { Layout } from '../../config/layout';
import type { WordOps } from '../../kernel/word';
import { Atomic } from '../../kernel/atomic';
import { ListHead } from '../../kernel/list';
import { Lock } from '../../kernel/spinlock';
import { rbRoot, type RbRoot } from '../../kernel/rbtree';
import { RADIX_TREE, type RadixTreeRoot } from '../../kernel/radix_tree';
import type { LazyFreeSites, VmapAreaShape, VmapBlockQueueShape, VmapBlockShape, VmStructShape } from './types';
import type { Site } from '../../exec/site';

/** A C `unsigned long *` out-parameter (`&start`, `&end` of __purge_vmap_area_lazy). */
export interface Ref {
  v: bigint;
}

/** The storage of __get_vm_area_node's `va` (a static in the seed; see vm_struct.ts). */
export interface VaSlot {
  v: VmapAreaShape | Errno | null;
}

/** An ERR_PTR value: a negative errno. */
export type Errno = number;
/** `-ENOMEM` */
export const ENOMEM = -12;
/** `-EBUSY` */
export const EBUSY = -16;

/** Functions a variant may replace. Same names and arguments as the C. */
export interface RwFns {
  alloc_vmap_area(k: K, size: bigint, align: bigint, vstart: bigint, vend: bigint, node: number, gfp: number): Gen<VmapAreaShape | Errno>;
  free_vmap_area(k: K, va: VmapAreaShape): Gen;
  __purge_vmap_area_lazy(k: K, start: Ref, end: Ref, sync: number, force_flush: number): Gen;
  purge_vmap_area_lazy(k: K): Gen;
  free_unmap_vmap_area(k: K, va: VmapAreaShape): Gen;
  find_vmap_area(k: K, addr: bigint): Gen<VmapAreaShape | null>;
  lazy_max_pages(k: K): bigint;
  new_vmap_block(k: K, gfp: number): Gen<VmapBlockShape | Errno>;
  free_vmap_block(k: K, vb: VmapBlockShape): Gen;
  vb_alloc(k: K, size: bigint, gfp: number): Gen<bigint | Errno>;
  vb_free(k: K, addr: bigint, size: bigint): Gen;
  vm_unmap_aliases(k: K): Gen;
  vm_unmap_ram(k: K, mem: bigint, count: number): Gen;
  vm_map_ram(k: K, pages: (number | null)[], count: number, node: number, gfp: number): Gen<bigint>;
  /** Fix point: the storage class of __get_vm_area_node's `va` (2008: `static`, F9). */
  __get_vm_area_node_va(k: K): VaSlot;
  __get_vm_area_node(k: K, size: bigint, flags: bigint, start: bigint, end: bigint, node: number, gfp_mask: number): Gen<VmStructShape | null>;
  /** Later kernels' aligned __get_vm_area_node (not in the 2008 API: see vm_struct.ts), for vmalloc_align. */
  __get_vm_area_node_align(k: K, size: bigint, align: bigint, flags: bigint, start: bigint, end: bigint, node: number, gfp_mask: number): Gen<VmStructShape | null>;
  vmap_page_range(k: K, addr: bigint, end: bigint, pages: readonly (number | null)[]): Gen<number>;
  /** Fix point: vmap_page_range's closing cache flush (see page_range.ts). */
  vmap_page_range_flush(k: K, start: bigint, addr: bigint, end: bigint, err: number): void;
  /**
   * Fix point: what alloc_vmap_area does with its `va` when the retried search fails, just
   * before `return ERR_PTR(-EBUSY)` (2008: nothing). `site` is the failure's statement.
   */
  alloc_vmap_area_fail(k: K, va: VmapAreaShape, site: Site): Gen;
  /** Fix point: the start of a retried search in alloc_vmap_area (2008: where the failed search stopped, F18). */
  alloc_vmap_area_retry_addr(k: K, addr: bigint, vstart: bigint, align: bigint): bigint;
  /** Fix point: the hole walk's next candidate after `first` (2008: `ALIGN(first->va_end + PAGE_SIZE, align)`, F21). */
  alloc_vmap_area_next(k: K, first: VmapAreaShape, align: bigint): bigint;
  /** Fix point: the hole walk's `addr + size >= first->va_start` (2008: `>=`, F19). */
  alloc_vmap_area_hits(k: K, addr: bigint, size: bigint, first: VmapAreaShape): boolean;
  /** Fix point: the descent's test for `first` in alloc_vmap_area (2008: `tmp->va_start <= addr`, F1). */
  alloc_vmap_area_first(k: K, tmp: VmapAreaShape, addr: bigint, size: bigint): boolean;
  /** Fix point: alloc_vmap_area's overflow test on `addr`, true = `goto overflow` (2008: none, F5). */
  alloc_vmap_area_overflow(k: K, addr: bigint, size: bigint, vstart: bigint): boolean;
  /** Fix point: the compile-time VMAP_BBMAP_BITS of a layout (2008: `... VMALLOC_PAGES / NR_CPUS / 16`, F6). */
  VMAP_BBMAP_BITS(L: Layout): bigint;
  /** Fix point: the purge free_unmap_vmap_area kicks off (2008: purge_vmap_area_lazy itself, trylock; F7). */
  try_purge_vmap_area_lazy(k: K): Gen;
  /** Fix point (irqsafe only): purge now rather than schedule_work (as posted: `!in_interrupt()`, F17). */
  free_unmap_purge_now(k: K): boolean;
  /** Fix point: free_unmap_vmap_area's `va->flags |= VM_LAZY_FREE; atomic_add(...)` (2008 order, F8). */
  free_unmap_vmap_area_lazy(k: K, va: VmapAreaShape, s: LazyFreeSites): Gen;
  // --- fix points of the per-CPU blocks and irqsafe's locks (fixes-b: F3, F10, F12, F14, F15, F16) ---
  /**
   * Fix point: vm_unmap_aliases' walk over the blocks, returning `flush` (2008: for each
   * possible CPU, `list_for_each_entry_rcu(vb, &vbq->free, free_list)` under rcu_read_lock,
   * unmapping each block's dirty ranges; F3 walks every block instead).
   */
  vm_unmap_aliases_walk(k: K, start: Ref, end: Ref): Gen<number>;
  /**
   * Fix point: vm_unmap_aliases' `vb = list_entry(p, ...)` and `spin_lock(&vb->lock)`
   * (irqsafe: `spin_lock_irq`; F15). Returns the block and the saved irq state.
   */
  vm_unmap_aliases_vb_lock(k: K, p: ListHead): Gen<[VmapBlockShape, boolean]>;
  /** Fix point: vm_unmap_aliases' `spin_unlock(&vb->lock)` (irqsafe: `spin_unlock_irq`; F15). */
  vm_unmap_aliases_vb_unlock(k: K, vb: VmapBlockShape, flags: boolean): Gen;
  /** Fix point: the start of a sync __purge_vmap_area_lazy (2008: nothing; F16 frees fragmented blocks there). */
  purge_fragmented_blocks_allcpus(k: K): Gen;
  /** Fix point: vb_alloc's `list_del_init(&vb->free_list)` of a block that filled up, step `site` included (F10). */
  vb_free_list_del(k: K, vb: VmapBlockShape, site: Site): Gen;
  /** Fix point: vb_alloc's success-path `spin_unlock(&vb->lock)` (irqsafe keeps it plain; F12). `flags` from the lock. */
  vb_alloc_unlock(k: K, vb: VmapBlockShape, flags: boolean, site: Site): Gen;
  /** Fix point: vb_free's `bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order)`, return ignored (F14). */
  vb_free_dirty_map(k: K, vb: VmapBlockShape, bit: number, order: number, site: Site): Gen;
  /** Fix point: vb_free's `BUG_ON(vb->free || !list_empty(&vb->free_list))` on a fully dirty block (F10). */
  vb_free_bug_full(k: K, vb: VmapBlockShape, site: Site): void;
  /** Fix point: free_vmap_block's `if (!list_empty(&vb->free_list)) list_del(&vb->free_list)`, step `site` included (F10). */
  free_vmap_block_del_free(k: K, vb: VmapBlockShape, site: Site): Gen;
  /** Fix point: where `struct vmap_block`'s rcu_head lives (2008: in a union with free_list; F10). */
  vmap_block_rcu_head(vb: VmapBlockShape): ListHead;
  /**
   * Fix point: __purge_vmap_area_lazy's `spin_lock(&vmap_area_lock); list_for_each_entry(va,
   * &valist, purge_list) __free_vmap_area(va); spin_unlock(&vmap_area_lock);` (irqsafe:
   * spin_lock_irq / spin_unlock_irq; F15).
   */
  __purge_vmap_area_lazy_free(k: K, valist: ListHead): Gen;
  /** Fix point: remove_vm_area, before free_unmap_vmap_area(va) (2008: nothing; F14 clears VM_VM_AREA). */
  remove_vm_area_untag(k: K, va: VmapAreaShape): Gen;
  /** Fix point: vm_unmap_ram's `free_unmap_vmap_area_addr(addr)` when count > VMAP_MAX_ALLOC (F14). */
  vm_unmap_ram_free_area(k: K, addr: bigint): Gen;
}

/** The seed's derived constants for one layout. */
export interface RwConsts {
  readonly W: WordOps;
  readonly PAGE_SHIFT: number;
  readonly PAGE_SIZE: bigint;
  readonly VMALLOC_START: bigint;
  readonly VMALLOC_END: bigint;
  readonly VMAP_MAX_ALLOC: number;
  readonly VMAP_BBMAP_BITS: number;
  readonly VMAP_BLOCK_SIZE: bigint;
}

/** `VMALLOC_PAGES`, `VMAP_BBMAP_BITS_MIN` / `_MAX` and `VMAP_MIN` / `VMAP_MAX`: the seed's macros under VMAP_BBMAP_BITS. */
export function vmapBbmapMacros(L: Layout): { VMALLOC_PAGES: bigint; VMAP_BBMAP_BITS_MIN: bigint; VMAP_BBMAP_BITS_MAX: bigint; VMAP_MIN: (x: bigint, y: bigint) => bigint; VMAP_MAX: (x: bigint, y: bigint) => bigint } {
  const PAGE_SIZE = 1n << BigInt(L.PAGE_SHIFT);
  return {
    VMALLOC_PAGES: L.VMALLOC_SPACE / PAGE_SIZE,
    VMAP_BBMAP_BITS_MIN: BigInt(L.VMAP_MAX_ALLOC) * 2n,
    VMAP_BBMAP_BITS_MAX: BigInt(L.VMAP_BBMAP_BITS_MAX),
    VMAP_MIN: (x, y) => (x < y ? x : y),
    VMAP_MAX: (x, y) => (x > y ? x : y),
  };
}

/** The seed's `VMAP_BBMAP_BITS`: VMAP_MIN(MAX, VMAP_MAX(MIN, VMALLOC_PAGES / NR_CPUS / 16)). A fix point of the table. */
export function VMAP_BBMAP_BITS(L: Layout): bigint {
  const { VMALLOC_PAGES, VMAP_BBMAP_BITS_MIN, VMAP_BBMAP_BITS_MAX, VMAP_MIN, VMAP_MAX } = vmapBbmapMacros(L);
  return VMAP_MIN(VMAP_BBMAP_BITS_MAX, VMAP_MAX(VMAP_BBMAP_BITS_MIN, VMALLOC_PAGES / BigInt(L.NR_CPUS) / 16n));
}

/** `VMAP_BBMAP_BITS` (by the table's formula) and friends, by the seed's formulas (unsigned long arithmetic). */
export function rwConsts(w: World, fns: Pick<RwFns, 'VMAP_BBMAP_BITS'>): RwConsts {
  const L = w.layout;
  const W = w.word;
  const PAGE_SIZE = 1n << BigInt(L.PAGE_SHIFT);
  const bits = fns.VMAP_BBMAP_BITS(L);
  return {
    W,
    PAGE_SHIFT: L.PAGE_SHIFT,
    PAGE_SIZE,
    VMALLOC_START: L.VMALLOC_START,
    VMALLOC_END: L.VMALLOC_END,
    VMAP_MAX_ALLOC: L.VMAP_MAX_ALLOC,
    VMAP_BBMAP_BITS: Number(bits),
    VMAP_BLOCK_SIZE: W.mul(bits, PAGE_SIZE),
  };
}

/** The globals of the rewritten mm/vmalloc.c. */
export class Rw {
  readonly vmap_area_lock = new Lock('vmap_area_lock', 'vmap_area_lock');
  readonly vmap_area_root: RbRoot = rbRoot();
  readonly vmap_area_list = new ListHead(null, 'vmap_area_list');
  readonly vmap_lazy_nr = new Atomic('vmap_lazy_nr');
  /** `static DEFINE_SPINLOCK(purge_lock)` inside __purge_vmap_area_lazy. */
  readonly purge_lock = new Lock('purge_lock', 'purge_lock');
  readonly vmap_block_queue: VmapBlockQueueShape[] = [];
  readonly vmap_block_tree_lock = new Lock('vmap_block_tree_lock', 'vmap_block_tree_lock');
  readonly vmap_block_tree: RadixTreeRoot<VmapBlockShape> = RADIX_TREE('vmap_block_tree');
  readonly vmlist_lock = new Lock('vmlist_lock', 'vmlist_lock', true);
  vmlist: VmStructShape | null = null;
  /** `static struct vmap_area *va;` of __get_vm_area_node: one variable shared by all CPUs. */
  readonly static_va: VaSlot = { v: null };
  /** irqsafe: `static DECLARE_WORK(purge_work, purge_work_fn)` pending flag. */
  purge_work_pending = false;
  constructor(
    readonly c: RwConsts,
    readonly fn: RwFns,
  ) {}
}

/** The rewrite globals of the running world. */
export function G(k: K): Rw {
  return k.w.layer as Rw;
}
