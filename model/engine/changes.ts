/**
 * Change notifications of one run: what a step changed, as the kernel primitives (rbtree
 * link/erase, the PTE and TLB maps, the slab's frees) and vanilla's vmlist link/unlink report
 * it, plus the user's handles as the harness creates and claims them. Ghost only: nothing here changes
 * behaviour. Oracles subscribe and keep indexes of their own (properties/incremental.ts,
 * properties/incremental_mappings.ts); the notifications say only WHICH object changed, never
 * what the oracle should conclude.
 */
import type { Handle } from './world_types';
import type { RbNode } from '../kernel/rbtree';
import type { ListHead } from '../kernel/list';

/** Receives area membership changes: `node` (the variant's vmap_area or vm_struct) linked or unlinked. */
export type AreaListener = (node: object, linked: boolean) => void;

/** Receives a virtual page number whose PTE or some CPU's TLB entry was written. */
export type TranslationListener = (vpn: number) => void;

/** Receives a user handle that was created or claimed by an unmap. */
export type HandleListener = (h: Handle) => void;

/** Receives an rbtree node about to be written (model/kernel/rbtree.ts rbWatch.touch). */
export type TreeWriteListener = (node: RbNode) => void;

/** Receives a list_head whose next/prev are about to be written (model/kernel/list.ts listWatch). */
export type ListWriteListener = (l: ListHead) => void;

/** Receives a kernel object the slab just freed. */
export type FreeListener = (o: object) => void;

/** The change notifications of one world. */
export class ChangeLog {
  private readonly areaListeners: AreaListener[] = [];
  private readonly translationListeners: TranslationListener[] = [];
  private readonly handleListeners: HandleListener[] = [];
  private readonly treeListeners: TreeWriteListener[] = [];
  private readonly listListeners: ListWriteListener[] = [];
  private readonly freeListeners: FreeListener[] = [];

  /**
   * `attachTranslations` points the PTE and TLB maps' write hooks at the given sink, and
   * `attachFrees` the slab's free hook; each runs at its first subscription only, so a run
   * nobody indexes pays nothing per write.
   */
  constructor(
    private readonly attachTranslations: (sink: TranslationListener) => void = () => {},
    private readonly attachFrees: (sink: FreeListener) => void = () => {},
  ) {}

  /** Follow area membership changes from now on. */
  onArea(l: AreaListener): void {
    this.areaListeners.push(l);
  }

  /** An area object joined (linked = true) or is leaving the layer's address-ordered structure. */
  area(node: object, linked: boolean): void {
    for (const l of this.areaListeners) l(node, linked);
  }

  /** Follow PTE and TLB writes from now on. */
  onTranslation(l: TranslationListener): void {
    if (this.translationListeners.length === 0) this.attachTranslations((vpn) => this.translation(vpn));
    this.translationListeners.push(l);
  }

  /** The PTE of `vpn`, or some CPU's TLB entry for it, was written. */
  translation(vpn: number): void {
    for (const l of this.translationListeners) l(vpn);
  }

  /** Follow handle creation and claims from now on. */
  onHandle(l: HandleListener): void {
    this.handleListeners.push(l);
  }

  /** The harness created handle `h`, or an unmap claimed it. */
  handle(h: Handle): void {
    for (const l of this.handleListeners) l(h);
  }

  /** Follow rbtree node writes from now on. */
  onTreeWrite(l: TreeWriteListener): void {
    this.treeListeners.push(l);
  }

  /** An rbtree node is about to be written. */
  treeWrite(n: RbNode): void {
    for (const l of this.treeListeners) l(n);
  }

  /** Follow list_head writes from now on. */
  onListWrite(l: ListWriteListener): void {
    this.listListeners.push(l);
  }

  /** A list_head's slots are about to be written. */
  listWrite(h: ListHead): void {
    for (const l of this.listListeners) l(h);
  }

  /** Follow slab frees from now on. */
  onFree(l: FreeListener): void {
    if (this.freeListeners.length === 0) this.attachFrees((o) => this.free(o));
    this.freeListeners.push(l);
  }

  /** The slab freed `o`. */
  free(o: object): void {
    for (const l of this.freeListeners) l(o);
  }
}
