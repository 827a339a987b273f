/**
 * Change notifications of one run: what a step changed, as the kernel primitives (rbtree
 * link/erase) and vanilla's vmlist link/unlink report it. Ghost only: nothing here changes
 * behaviour. Oracles subscribe and keep indexes of their own (properties/incremental.ts); the
 * notifications say only WHICH object changed, never what the oracle should conclude.
 */

/** Receives area membership changes: `node` (the variant's vmap_area or vm_struct) linked or unlinked. */
export type AreaListener = (node: object, linked: boolean) => void;

/** The change notifications of one world. */
export class ChangeLog {
  private readonly areaListeners: AreaListener[] = [];

  /** Follow area membership changes from now on. */
  onArea(l: AreaListener): void {
    this.areaListeners.push(l);
  }

  /** An area object joined (linked = true) or is leaving the layer's address-ordered structure. */
  area(node: object, linked: boolean): void {
    for (const l of this.areaListeners) l(node, linked);
  }
}
