/**
 * The oracle's own incremental check of vanilla's vmlist, so tree_wellformed costs what a step
 * changed on vanilla too. The full check (the view's structureProblems) walks the list: no
 * cycle, strictly sorted by address, no overlap, no area wrapping past ULONG_MAX, no freed
 * vm_struct still linked. All of that holds iff the list is exactly the linked areas in address
 * order, each one sound and none freed. So this keeps its own address-sorted array of the areas
 * the change notifications say are linked (vanilla's link/unlink in __get_vm_area_node and
 * __remove_vm_area), and after a step checks only what the step touched: each area linked, its
 * `next` and its predecessor's `next` (the head for the first) against the array's neighbours,
 * their order and overlap, its wrap and freed state; each gap an unlink left, the same pointer
 * across it; each object the slab freed, that it is not linked.
 *
 * It only ever says "all well" or "maybe broken": on the latter the full check writes the
 * verdict and the messages, and the next sync rebuilds from the list. Not seen: a `next` stored
 * outside a notified link or unlink (2.6.26 writes it nowhere else). The view only names the
 * head, `next`, the extents and the freed flag. tests/properties/incremental_vmlist.test.ts
 * compares it with the full check on random runs of vanilla and on deliberately broken lists.
 */
import type { World } from '../model/engine/world';
import type { LayerView, VmlistStructure } from '../model/engine/variant';

/** Test-only mutants (tests/properties/incremental_vmlist.test.ts): each must make the comparison fail. */
export const VMLIST_MUTANT: { kind: 'none' | 'skip-gaps' | 'drop-frees' } = { kind: 'none' };

/** Bound on a rebuild walk: more entries than this means a cycle. */
const MAX_ENTRIES = 1 << 22;

/** The incremental vmlist check of one world. */
export class VmlistIndex {
  /** Linked areas by (start, insertion order): the oracle's order, not the list's. */
  private sorted: object[] = [];
  /** Each linked area's start when it was indexed (its key in `sorted`). */
  private readonly key = new Map<object, bigint>();
  private readonly pending = new Map<object, boolean>();
  private readonly freed = new Set<object>();
  private ok = false;

  constructor(w: World, private readonly l: VmlistStructure) {
    w.changes.onArea((node, linked) => {
      this.pending.delete(node);
      this.pending.set(node, linked);
    });
    // Only indexed areas matter: one linked since the last sync is checked for `freed` itself.
    w.changes.onFree((o) => void (VMLIST_MUTANT.kind !== 'drop-frees' && this.key.has(o) && this.freed.add(o)));
  }

  /** Is the list certainly well formed? False means: ask the full check. */
  get wellFormed(): boolean {
    return this.ok;
  }

  /** Check what the notifications since the last sync name. */
  sync(): void {
    this.ok = this.ok ? this.incremental() : this.rebuild();
    this.pending.clear();
    this.freed.clear();
  }

  /** Walk the whole list; index it if it is well formed. */
  private rebuild(): boolean {
    const l = this.l;
    const order: object[] = [];
    const seen = new Set<object>();
    let prev: object | null = null;
    for (let p = l.head(); p !== null; p = l.next(p)) {
      if (seen.has(p) || order.length > MAX_ENTRIES) return false;
      seen.add(p);
      if (!this.sound(p) || (prev !== null && !this.ordered(prev, p))) return false;
      order.push(p);
      prev = p;
    }
    this.sorted = order;
    this.key.clear();
    for (const p of order) this.key.set(p, l.start(p));
    return true;
  }

  private incremental(): boolean {
    const linked: object[] = [];
    const gaps: bigint[] = [];
    for (const [node, isLinked] of this.pending) {
      const old = this.key.get(node);
      if (old !== undefined) {
        const at = this.find(node, old);
        if (at < 0) return false; // index and key map disagree: rebuild from the list
        this.sorted.splice(at, 1);
        this.key.delete(node);
        gaps.push(old);
      }
      if (isLinked) {
        const k = this.l.start(node);
        this.sorted.splice(this.lowerBound(k + 1n), 0, node);
        this.key.set(node, k);
        linked.push(node);
      }
    }
    for (const o of this.freed) if (this.key.has(o)) return false;
    for (const n of linked) {
      const i = this.find(n, this.key.get(n)!);
      if (i < 0) return false;
      if (!this.sound(n) || !this.follows(this.sorted[i - 1] ?? null, n) || !this.follows(n, this.sorted[i + 1] ?? null)) return false;
    }
    if (VMLIST_MUTANT.kind !== 'skip-gaps') {
      for (const k of gaps) {
        const i = this.lowerBound(k);
        if (!this.follows(this.sorted[i - 1] ?? null, this.sorted[i] ?? null)) return false;
      }
    }
    return true;
  }

  /** Is `b` the list's successor of `a` (null a: the head; null b: the end), in order and apart? */
  private follows(a: object | null, b: object | null): boolean {
    const next = a === null ? this.l.head() : this.l.next(a);
    return next === b && (a === null || b === null || this.ordered(a, b));
  }

  /** Strictly sorted and not overlapping. */
  private ordered(a: object, b: object): boolean {
    return this.l.start(a) < this.l.start(b) && this.l.end(a) <= this.l.start(b);
  }

  /** Not freed and not wrapping past ULONG_MAX. */
  private sound(n: object): boolean {
    return !this.l.freed(n) && this.l.end(n) <= this.l.limit;
  }

  /** First index whose key is >= k. */
  private lowerBound(k: bigint): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.key.get(this.sorted[mid]!)! < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of `n` (key k) in `sorted`. */
  private find(n: object, k: bigint): number {
    for (let i = this.lowerBound(k); i < this.sorted.length; i++) if (this.sorted[i] === n) return i;
    return -1;
  }
}

const INDEXES = new WeakMap<World, VmlistIndex>();

/** This world's vmlist check, synced; undefined when the view names no vmlist (the rewrites). */
export function vmlistIndex(w: World, view: LayerView): VmlistIndex | undefined {
  const l = view.vmlist?.();
  if (l === undefined || l === null) return undefined;
  let ix = INDEXES.get(w);
  if (ix === undefined) INDEXES.set(w, (ix = new VmlistIndex(w, l)));
  ix.sync();
  return ix;
}
