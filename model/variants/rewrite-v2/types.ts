/**
 * rewrite-v2's structs as the globals and the fix-point table see them: the shapes of
 * `struct vmap_area`, `struct vmap_block`, `struct vmap_block_queue`, `struct vm_struct`
 * and its pages array, and the sites a copy of free_unmap_vmap_area passes to its fix point.
 *
 * The globals (state.ts: Rw, RwFns, VaSlot) hold and pass these structs, and every file
 * that defines one (vmap_area.ts, vmap_block.ts, vm_struct.ts) reads the globals through
 * `G(k)`: so the globals name the shapes declared here, the classes there implement them,
 * and every import points one way (struct files -> state.ts -> types.ts). Each shape lists
 * every member of its class, so a struct read from the globals is the class to the
 * compiler as well. Types only: this file has no run-time content.
 */
import type { Site } from '../../exec/site';
import type { KBitmap } from '../../kernel/bitmap';
import type { Lock } from '../../kernel/cpu';
import type { ListHead } from '../../kernel/list';
import type { RbNode } from '../../kernel/rbtree';
import type { KObject } from '../../kernel/slab';
import type { Lifecycle } from '../../lifecycles/instance';

/** `struct vmap_area` (vmap_area.ts's VmapArea); it is its own rb_node. */
export interface VmapAreaShape extends KObject, RbNode {
  va_start: bigint;
  va_end: bigint;
  /** VM_LAZY_FREE, VM_LAZY_FREEING, VM_VM_AREA. */
  flags: bigint;
  readonly list: ListHead;
  readonly purge_list: ListHead;
  /** `va->private`: the vm_struct of a vmalloc/vmap area. */
  private_: VmStructShape | null;
  readonly rcu_head: ListHead;
  readonly life: Lifecycle;
  /** Ghost: the [vstart, vend) this area was allocated from. */
  vstart: bigint;
  vend: bigint;
}

/** `struct vmap_block_queue`, one per CPU (vmap_block.ts's VmapBlockQueue). */
export interface VmapBlockQueueShape {
  readonly cpu: number;
  readonly lock: Lock;
  readonly free: ListHead;
  readonly dirty: ListHead;
  nr_dirty: number;
}

/** `struct vmap_block` (vmap_block.ts's VmapBlock); `rcu_head` is the free_list object (a union). */
export interface VmapBlockShape extends KObject {
  readonly lock: Lock;
  va: VmapAreaShape;
  vbq: VmapBlockQueueShape;
  free: bigint;
  dirty: bigint;
  readonly alloc_map: KBitmap;
  readonly dirty_map: KBitmap;
  readonly free_list: ListHead;
  readonly dirty_list: ListHead;
  readonly rcu_head: ListHead;
  readonly life: Lifecycle;
}

/** The pages array of a vmalloc area (vm_struct.ts's PageArray). */
export interface PageArrayShape extends KObject {
  readonly slots: (number | null)[];
}

/** `struct vm_struct` (vm_struct.ts's VmStruct). */
export interface VmStructShape extends KObject {
  next: VmStructShape | null;
  addr: bigint;
  size: bigint;
  flags: bigint;
  pages: PageArrayShape | null;
  /** Address of a vmalloc()ed pages array (VM_VPAGES), whose slots live in `vpages`. */
  pagesAddr: bigint;
  vpages: (number | null)[] | null;
  nr_pages: number;
  /** The `struct page **` contents, wherever the array lives. */
  pageSlots(): (number | null)[];
}

/** The sites of free_unmap_vmap_area's lazy-free statements (each copy of the function has its own). */
export interface LazyFreeSites {
  readonly flag: Site;
  readonly add: Site;
}
