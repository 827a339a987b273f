/**
 * Change notifications of one run: what a step changed, as the kernel primitives (rbtree
 * link/erase, the PTE and TLB maps) and vanilla's vmlist link/unlink report it, plus the
 * user's handles as the harness creates and claims them. Ghost only: nothing here changes
 * behaviour. Oracles subscribe and keep indexes of their own (properties/incremental.ts,
 * properties/incremental_mappings.ts); the notifications say only WHICH object changed, never
 * what the oracle should conclude.
 */
import type { Handle } from './harness';

/** Receives area membership changes: `node` (the variant's vmap_area or vm_struct) linked or unlinked. */
export type AreaListener = (node: object, linked: boolean) => void;

/** Receives a virtual page number whose PTE or some CPU's TLB entry was written. */
export type TranslationListener = (vpn: number) => void;

/** Receives a user handle that was created or claimed by an unmap. */
export type HandleListener = (h: Handle) => void;

/** The change notifications of one world. */
export class ChangeLog {
  private readonly areaListeners: AreaListener[] = [];
  private readonly translationListeners: TranslationListener[] = [];
  private readonly handleListeners: HandleListener[] = [];

  /**
   * `attachTranslations` points the PTE and TLB maps' write hooks at the given sink; it runs
   * at the first subscription only, so a run nobody indexes pays nothing per write.
   */
  constructor(private readonly attachTranslations: (sink: TranslationListener) => void = () => {}) {}

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
}
