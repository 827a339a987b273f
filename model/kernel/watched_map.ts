/**
 * A Map that says which key a write touched: the kernel PTEs and every CPU's TLB are these, so
 * an oracle can keep its own index of translations (properties/incremental_mappings.ts) from
 * whatever wrote them (the mm primitives, the hardware fills, a consumer's hypervisor) without
 * hooking each writer. Ghost only: `onWrite` observes, it never changes what is stored.
 */

/** A Map<K, V> calling `onWrite(key)` after every set, delete and (per key) clear. */
export class WatchedMap<K, V> extends Map<K, V> {
  /** Receives each written key; null: nobody follows. */
  onWrite: ((key: K) => void) | null = null;

  override set(key: K, value: V): this {
    super.set(key, value);
    this.onWrite?.(key);
    return this;
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.onWrite?.(key);
    return had;
  }

  override clear(): void {
    const keys = this.onWrite === null ? [] : [...this.keys()];
    super.clear();
    for (const k of keys) this.onWrite!(k);
  }
}
