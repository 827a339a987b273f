/**
 * A tiny model of lib/radix-tree.c as the 2008 vmap layer uses it:
 * `RADIX_TREE(vmap_block_tree, GFP_ATOMIC)` indexed by vmap block number.
 *
 * Only the slot contents are modelled (index -> item). Node allocation is not:
 * new_vmap_block() calls radix_tree_preload() first, which guarantees the insert
 * cannot fail with -ENOMEM, and the engine models that allocation itself. The
 * tree's internal shape (height, nodes) is invisible to the vmap code, so it is
 * left out. Lookups under RCU are plain reads here; the engine decides when they run.
 */

const EEXIST = 17; // returned negated, as in C

/** `struct radix_tree_root` plus its name and gfp mask, for reports. */
export class RadixTreeRoot<T> {
  private readonly slots = new Map<bigint, T>();
  private sorted: bigint[] | null = [];

  constructor(
    readonly name: string,
    readonly gfp_mask: string,
  ) {}

  /** Number of occupied slots. */
  get count(): number {
    return this.slots.size;
  }

  /** Occupied slots as [index, item], ascending by index (deterministic for reports). */
  entries(): Array<[bigint, T]> {
    if (this.sorted === null) {
      this.sorted = [...this.slots.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return this.sorted.map((i) => [i, this.slots.get(i) as T]);
  }

  /** Copy for state snapshots; `mapItem` lets the caller remap items to their clones. */
  clone(mapItem: (item: T) => T = (x) => x): RadixTreeRoot<T> {
    const c = new RadixTreeRoot<T>(this.name, this.gfp_mask);
    for (const [i, item] of this.entries()) c.slots.set(i, mapItem(item));
    c.sorted = null;
    return c;
  }

  /** @internal slot access for the radix_tree_* functions. */
  _get(index: bigint): T | undefined {
    return this.slots.get(index);
  }

  /** @internal */
  _set(index: bigint, item: T): void {
    this.slots.set(index, item);
    this.sorted = null;
  }

  /** @internal */
  _delete(index: bigint): void {
    this.slots.delete(index);
    this.sorted = null;
  }
}

/** C `RADIX_TREE(name, mask)`: an empty tree. */
export function RADIX_TREE<T>(name: string, gfp_mask = 'GFP_ATOMIC'): RadixTreeRoot<T> {
  return new RadixTreeRoot<T>(name, gfp_mask);
}

/** Indices are `unsigned long`; anything outside 0..2^64-1 is a model bug. */
function checkIndex(op: string, index: bigint): void {
  if (typeof index !== 'bigint' || index < 0n || index > 0xffffffffffffffffn) {
    throw new RangeError(`${op}: index ${String(index)} is not an unsigned long`);
  }
}

/**
 * C `radix_tree_insert(root, index, item)`: 0, or -EEXIST if the slot is occupied
 * (the existing item is left in place). Inserting NULL is a caller bug: in C the
 * slot would stay empty while the insert "succeeded", so the model refuses it.
 */
export function radix_tree_insert<T>(root: RadixTreeRoot<T>, index: bigint, item: T): number {
  checkIndex('radix_tree_insert', index);
  if (item === null || item === undefined) throw new RangeError('radix_tree_insert: NULL item');
  if (root._get(index) !== undefined) return -EEXIST;
  root._set(index, item);
  return 0;
}

/** C `radix_tree_lookup(root, index)`: the item, or null. */
export function radix_tree_lookup<T>(root: RadixTreeRoot<T>, index: bigint): T | null {
  checkIndex('radix_tree_lookup', index);
  return root._get(index) ?? null;
}

/** C `radix_tree_delete(root, index)`: the removed item, or null if the slot was empty. */
export function radix_tree_delete<T>(root: RadixTreeRoot<T>, index: bigint): T | null {
  checkIndex('radix_tree_delete', index);
  const item = root._get(index);
  if (item === undefined) return null;
  root._delete(index);
  return item;
}
