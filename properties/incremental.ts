/**
 * The oracle's own index of live areas, kept from change notifications (model/engine/changes.ts:
 * rbtree link/erase, vanilla's vmlist link/unlink) so areas_disjoint and areas_in_range cost
 * what a step changed, not the whole view. The index is ours: a sorted array by (start, id)
 * with a running count of bad facts (empty/inverted areas, overlapping neighbours, areas out of
 * their request's range). It never reads the variant's tree; only each notified object's fields
 * through LayerView.areaOf. When the count is non-zero the full check writes the message, so
 * messages and verdicts stay the full check's. tests/properties/incremental.test.ts compares
 * the index with the full view on random runs of every variant.
 */
import type { World } from '../model/engine/world';
import type { LayerView } from '../model/engine/variant';

interface Entry {
  readonly id: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly vstart: bigint;
  readonly vend: bigint;
}

/** Test-only mutants (tests/properties/incremental.test.ts): each must make the comparison fail. */
export const INCREMENTAL_MUTANT: { kind: 'none' | 'drop-notification' | 'corrupt-index' } = { kind: 'none' };

const cmp = (a: Entry, b: Entry): number => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id - b.id);
const overlap = (a: Entry | undefined, b: Entry | undefined): number => (a !== undefined && b !== undefined && a.end > b.start ? 1 : 0);

/** The live areas as the oracle indexes them. */
export class AreaIndex {
  private readonly sorted: Entry[] = [];
  private readonly byId = new Map<number, Entry>();
  private readonly pending = new Map<object, boolean>();
  private badPairs = 0;
  private badAreas = 0;
  private outOfRange = 0;
  private seen = 0;

  constructor(w: World, view: LayerView) {
    for (const a of view.areas()) this.insert({ id: a.id, start: a.va_start, end: a.va_end, vstart: a.vstart, vend: a.vend });
    w.changes.onArea((node, linked) => {
      if (INCREMENTAL_MUTANT.kind === 'drop-notification' && ++this.seen === 3) return;
      this.pending.delete(node);
      this.pending.set(node, linked);
    });
  }

  /** Apply the notifications since the last sync (fields read now: the step is over). */
  sync(view: LayerView): void {
    for (const [node, linked] of this.pending) {
      const a = view.areaOf!(node);
      if (a === null) continue;
      const old = this.byId.get(a.id);
      if (old !== undefined) this.remove(old);
      const end = INCREMENTAL_MUTANT.kind === 'corrupt-index' ? a.va_start + 1n : a.va_end;
      if (linked) this.insert({ id: a.id, start: a.va_start, end, vstart: a.vstart, vend: a.vend });
    }
    this.pending.clear();
  }

  /** Does some pair overlap, or some area have va_start >= va_end? */
  get disjointBroken(): boolean {
    return this.badPairs + this.badAreas > 0;
  }

  /** Does some area lie outside its request's range? */
  get rangeBroken(): boolean {
    return this.outOfRange > 0;
  }

  /** The indexed areas as `id:start-end`, in order (for the comparison test). */
  snapshot(): string[] {
    return this.sorted.map((e) => `${e.id}:${e.start}-${e.end}`);
  }

  private at(e: Entry): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmp(this.sorted[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private own(e: Entry, sign: number): void {
    this.badAreas += sign * (e.start >= e.end ? 1 : 0);
    this.outOfRange += sign * (e.start < e.vstart || e.end > e.vend ? 1 : 0);
  }

  private insert(e: Entry): void {
    const i = this.at(e);
    const p = this.sorted[i - 1];
    const n = this.sorted[i];
    this.badPairs += overlap(p, e) + overlap(e, n) - overlap(p, n);
    this.own(e, 1);
    this.sorted.splice(i, 0, e);
    this.byId.set(e.id, e);
  }

  private remove(e: Entry): void {
    const i = this.at(e);
    const p = this.sorted[i - 1];
    const n = this.sorted[i + 1];
    this.badPairs -= overlap(p, e) + overlap(e, n) - overlap(p, n);
    this.own(e, -1);
    this.sorted.splice(i, 1);
    this.byId.delete(e.id);
  }
}

const INDEXES = new WeakMap<World, AreaIndex>();

/** This world's index, synced with the step's changes; undefined when the view cannot name areas. */
export function areaIndex(w: World, view: LayerView): AreaIndex | undefined {
  if (view.areaOf === undefined) return undefined;
  let ix = INDEXES.get(w);
  if (ix === undefined) INDEXES.set(w, (ix = new AreaIndex(w, view)));
  else ix.sync(view);
  return ix;
}
