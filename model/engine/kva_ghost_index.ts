/**
 * The KVA ghost's own record of the live areas, kept from the change notifications
 * (model/engine/changes.ts: rbtree link/erase, vanilla's vmlist link/unlink), so that a map
 * call's start and each sample during it cost what changed, not a walk of every area. It reads
 * each notified object's fields through LayerView.areaOf once the step is over, and never the
 * variant's tree or list.
 *
 * Samples are numbered. Each linked lifetime of an area (a version) keeps the first and last
 * sample it was live at, and each block seen owning it the same; a call that began at sample
 * `from` saw exactly the versions live at some sample >= from, so its record is read when it
 * fails instead of copied at its start. Dead versions are kept only while an open call may
 * still need them. tests/engine/kva_ghost_incremental.test.ts compares every call's record
 * with a full walk of the view at every sample, on random runs of every variant.
 */
import type { LayerView } from './world_types';

/** A per-CPU vmap block, as an area's owner. */
export interface Owner {
  readonly id: number;
  readonly cpu: number;
}

/** An area seen during a call; `block` when a per-CPU vmap block owned it at that moment. */
export interface SeenArea {
  readonly id: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly block: Owner | null;
}

/** A block seen owning a version, from sample `first` to sample `last`. */
interface Sighting {
  readonly block: Owner;
  readonly first: number;
  last: number;
}

/** One linked lifetime of an area: its extent (fixed while linked) and the samples it was live at. */
interface Version {
  readonly id: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly first: number;
  /** Infinity while linked. */
  last: number;
  readonly owners: Sighting[];
}

/** Test-only mutant (tests/engine/kva_ghost_incremental.test.ts): it must make the comparison fail. */
export const KVA_INDEX_MUTANT: { kind: 'none' | 'drop-notification' } = { kind: 'none' };

/** The live areas by id and by start, with the dead ones open calls may still need. */
export class KvaLiveIndex {
  private readonly byId = new Map<number, Version>();
  /** Versions by va_start: a block names its area by start; a broken variant may overlap two. */
  private readonly byStart = new Map<bigint, Version[]>();
  private readonly pending = new Map<object, boolean>();
  /** Unlinked versions in the order they died (so by `last`), from `head` on. */
  private dead: Version[] = [];
  private head = 0;
  private notified = 0;
  /** The number of the latest sample (0: none yet). */
  seq = 0;

  /** Index `view`'s areas now; `subscribe` feeds it every later link and unlink. */
  constructor(view: LayerView, subscribe: (l: (node: object, linked: boolean) => void) => void) {
    for (const a of view.areas()) this.put({ id: a.id, start: a.va_start, end: a.va_end, first: 0, last: Infinity, owners: [] });
    subscribe((node, linked) => {
      if (KVA_INDEX_MUTANT.kind === 'drop-notification' && ++this.notified === 3) return;
      // The last notification of a node wins: linked then erased in one step is gone.
      this.pending.delete(node);
      this.pending.set(node, linked);
    });
  }

  /** Take a sample: apply the notifications since the last one (fields read now), then the block owners. */
  sample(view: LayerView, owner: ReadonlyMap<bigint, Owner> | null): void {
    const now = ++this.seq;
    for (const [node, linked] of this.pending) {
      const a = view.areaOf!(node);
      if (a === null) continue;
      this.drop(a.id, now - 1);
      if (linked) this.put({ id: a.id, start: a.va_start, end: a.va_end, first: now, last: Infinity, owners: [] });
    }
    this.pending.clear();
    if (owner === null) return;
    for (const [start, block] of owner) {
      for (const v of this.byStart.get(start) ?? []) {
        const s = v.owners.find((o) => o.block.id === block.id);
        if (s === undefined) v.owners.push({ block, first: now, last: now });
        else s.last = now;
      }
    }
  }

  /**
   * What a call that began at sample `from` saw: every version live at some sample since, one
   * entry per (id, extent), with the block first seen owning it in that window (or null).
   */
  record(from: number): SeenArea[] {
    const out = new Map<string, { area: SeenArea; at: number }>();
    const add = (v: Version): void => {
      let block: Owner | null = null;
      let at = Infinity;
      for (const o of v.owners) {
        if (o.last < from) continue;
        const t = Math.max(o.first, from);
        if (t < at) [block, at] = [o.block, t];
      }
      const key = `${v.id}:${v.start}:${v.end}`;
      const had = out.get(key);
      if (had === undefined || at < had.at) out.set(key, { area: { id: v.id, start: v.start, end: v.end, block: block ?? had?.area.block ?? null }, at: Math.min(at, had?.at ?? Infinity) });
    };
    for (let i = this.head; i < this.dead.length; i++) if (this.dead[i]!.last >= from) add(this.dead[i]!);
    for (const v of this.byId.values()) add(v);
    return [...out.values()].map((x) => x.area);
  }

  /** Forget the dead versions no call that began at sample `from` or later can need. */
  prune(from: number): void {
    while (this.head < this.dead.length && this.dead[this.head]!.last < from) this.head++;
    if (this.head === this.dead.length) [this.dead, this.head] = [[], 0];
    else if (this.head > 1024 && this.head * 2 > this.dead.length) [this.dead, this.head] = [this.dead.slice(this.head), 0];
  }

  private put(v: Version): void {
    this.byId.set(v.id, v);
    const vs = this.byStart.get(v.start);
    if (vs === undefined) this.byStart.set(v.start, [v]);
    else vs.push(v);
  }

  /** Version `id` is no longer linked; it was last live at sample `last`. */
  private drop(id: number, last: number): void {
    const v = this.byId.get(id);
    if (v === undefined) return;
    this.byId.delete(id);
    const vs = this.byStart.get(v.start)!;
    if (vs.length === 1) this.byStart.delete(v.start);
    else vs.splice(vs.indexOf(v), 1);
    v.last = last;
    if (last >= 1) this.dead.push(v);
  }
}
