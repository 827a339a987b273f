/**
 * Ghost records for `alloc_fails_only_when_full`: what the address space looked like while a
 * KVA-allocating API call ran. None of it changes behaviour; the property reads it.
 *
 * The harness opens a record when a map call (vmalloc, vmap, vm_map_ram) begins and closes it
 * when the call returns. While it is open, every area the layer's view shows — at the call's
 * start, at the end of every step that changed property-relevant state, at each purge start
 * and at the failure — is remembered, so the property can count as occupied every area that
 * was live at ANY point during the call (a race the allocator lost fairly is never blamed on
 * it). Areas are read through the variant's LayerView (state, not the allocator's logic).
 *
 * Where the view names notified objects (LayerView.areaOf), the ghost keeps its own index of
 * the live areas (kva_ghost_index.ts): a sample applies only the links and unlinks since the
 * last one plus the block owners, and a call keeps just the number of its first sample, its
 * record being read from the index when it fails. That is the record a full walk per sample
 * gives, since an area's extent is fixed while it is linked (the C sets va_start/va_end,
 * vm_struct addr/size, before it links the object); tests/engine/kva_ghost_incremental.test.ts
 * holds the two equal on every variant.
 */
import type { Context } from '../kernel/cpu';
import type { LayerView } from './world_types';
import { KvaLiveIndex, type Owner, type SeenArea } from './kva_ghost_index';

/**
 * What the ghost may ask of the world (the engine's World implements it): the step count
 * and the variant's view of the layer. Narrow, so the World can own a ghost without the
 * ghost's file naming the World back.
 */
export interface KvaGhostWorld {
  readonly stepNo: number;
  /** The runner's reading of this step's view, or null. */
  readonly stepView: LayerView | null;
  /** The API user, whose variant reads the layer when no step view is at hand. */
  readonly user: { readonly variant: { view(w: KvaGhostWorld): LayerView } } | null;
  /** The run's change notifications (model/engine/changes.ts), for the ghost's own index. */
  readonly changes: { onArea(l: (node: object, linked: boolean) => void): void };
}

export type { SeenArea } from './kva_ghost_index';

/** A KVA-allocating call in flight. */
interface OpenCall {
  readonly op: number;
  readonly beganStep: number;
  /** Without the ghost's index: by area id, every extent that id was seen with (almost always one). */
  readonly seen: Map<number, SeenArea[]> | null;
  /** With the index: the number of the call's first sample (its record is the index's since then). */
  from: number;
  /** Ids of areas lazily freed when the call began. */
  readonly lazyAtStart: Set<number>;
  /** Union over the call's purge-and-retry starts of the lazily freed areas; null: no purge began. */
  lazyAtPurge: Set<number> | null;
  /** Test-only (KVA_GHOST_COMPARE): the same record taken by a full walk per sample. */
  readonly shadow: Map<number, SeenArea[]> | null;
}

/**
 * Test-only: when `report` is set, every sample also walks the whole view into a shadow record
 * and each call's two records are compared when it returns or fails; a difference is reported.
 */
export const KVA_GHOST_COMPARE: { report: ((problem: string) => void) | null } = { report: null };

/** Remember that area `id` had extent [start, end) and owner `block` (null: none) at one sample. */
function note(seen: Map<number, SeenArea[]>, id: number, start: bigint, end: bigint, block: Owner | null): void {
  let list = seen.get(id);
  if (list === undefined) seen.set(id, (list = []));
  const i = list.findIndex((x) => x.start === start && x.end === end);
  // A block owner seen once is kept: the area was (also) that block's at some moment.
  if (i < 0) list.push({ id, start, end, block });
  else if (list[i]!.block === null && block !== null) list[i] = { id, start, end, block };
}

/** A record as sorted text, for the comparison. */
const recordText = (seen: readonly SeenArea[]): string =>
  seen
    .map((a) => `${a.id}:${a.start}-${a.end}@${a.block?.id ?? '-'}`)
    .sort()
    .join(' ');

/** A failed KVA allocation with everything the oracle needs (ghost record). */
export interface AllocFailure {
  readonly step: number;
  readonly cpu: number;
  /** Op id of the API call it belongs to (-1 when no call was open). */
  readonly op: number;
  /** Step at which that API call began (the window starts there). */
  readonly beganStep: number;
  /** The request: `size` bytes (guard page included where the caller adds one), aligned to `align`, in [vstart, vend). */
  readonly size: bigint;
  readonly align: bigint;
  readonly vstart: bigint;
  readonly vend: bigint;
  /** Every area live at some point in [beganStep, step]. */
  readonly seen: readonly SeenArea[];
  /** Ids of areas lazily freed before the purge-and-retry began (at the call's start if no purge began). */
  readonly lazy: ReadonlySet<number>;
  /** A purge-and-retry began before the failure. */
  readonly purged: boolean;
  readonly fn: readonly string[];
}

const LAZY = new Set(['VM_LAZY_FREE', 'VM_LAZY_FREEING']);

/** The KVA ghost of one run. */
export class KvaGhost {
  private readonly open = new Map<Context, OpenCall>();
  /** Failed KVA allocations, in order. */
  readonly failures: AllocFailure[] = [];
  /**
   * Open records for calls that begin from now on (default true). Off only where nothing reads
   * the ghost: bench/properties_scale.bench.ts builds its live areas with it off.
   */
  enabled = true;

  /** The ghost's index of the live areas; built at the first call whose view has areaOf. */
  private index: KvaLiveIndex | null = null;

  constructor(private readonly w: KvaGhostWorld) {}

  /** True while some KVA-allocating call is in flight. */
  get active(): boolean {
    return this.open.size > 0;
  }

  /** A map call began in `ctx` (harness). */
  begin(ctx: Context, op: number): void {
    if (!this.enabled) return;
    const shadow = KVA_GHOST_COMPARE.report === null ? null : new Map<number, SeenArea[]>();
    const seen = this.index === null && this.view()?.areaOf === undefined ? new Map<number, SeenArea[]>() : null;
    const call: OpenCall = { op, beganStep: this.w.stepNo, seen, from: 0, lazyAtStart: new Set(), lazyAtPurge: null, shadow };
    this.open.set(ctx, call);
    for (const a of this.lazyNow()) call.lazyAtStart.add(a);
    this.sample();
    call.from = this.index?.seq ?? 0;
  }

  /** The map call of `ctx` returned (harness). */
  end(ctx: Context): void {
    const call = this.open.get(ctx);
    if (call === undefined) return;
    this.compare(call, 'returned');
    this.open.delete(ctx);
    let from = Infinity;
    for (const c of this.open.values()) from = Math.min(from, c.from);
    this.index?.prune(from);
  }

  /** The variant's view: the runner's reading of this step's state when it has one. */
  private view(): LayerView | undefined {
    return this.w.stepView ?? this.w.user?.variant.view(this.w);
  }

  /** Remember the areas (and block owners) live now, for every open call. */
  sample(): void {
    if (this.open.size === 0) return;
    const view = this.view();
    if (view === undefined) return;
    const blocks = view.blocks();
    const owner = blocks.length === 0 ? null : new Map(blocks.map((b): [bigint, Owner] => [b.va_start, { id: b.id, cpu: b.cpu }]));
    if (this.index === null && view.areaOf !== undefined) this.index = new KvaLiveIndex(view, (l) => this.w.changes.onArea(l));
    const ix = this.index;
    if (ix === null || KVA_GHOST_COMPARE.report !== null) this.walk(view, owner, ix === null ? 'seen' : 'shadow');
    ix?.sample(view, owner);
  }

  /** The full reading: every area of the view into each open call's `into` record. */
  private walk(view: LayerView, owner: Map<bigint, Owner> | null, into: 'seen' | 'shadow'): void {
    for (const a of view.areas()) {
      const block = owner?.get(a.va_start) ?? null;
      for (const call of this.open.values()) {
        const rec = call[into];
        if (rec !== null) note(rec, a.id, a.va_start, a.va_end, block);
      }
    }
  }

  /** Every area `call` saw so far. */
  private seenBy(call: OpenCall): SeenArea[] {
    return call.seen !== null ? [...call.seen.values()].flat() : this.index!.record(call.from);
  }

  /** Test-only: report a call whose incremental record differs from the full walk's. */
  private compare(call: OpenCall, when: string): void {
    if (call.shadow === null || call.seen !== null || KVA_GHOST_COMPARE.report === null) return;
    const got = recordText(this.seenBy(call));
    const full = recordText([...call.shadow.values()].flat());
    if (got !== full) KVA_GHOST_COMPARE.report(`op ${call.op} ${when} at step ${this.w.stepNo}: index record [${got}] vs full walk [${full}]`);
  }

  /** The allocator in `ctx` begins its purge-and-retry: remember what is lazily freed now. */
  noteLazyAtPurge(ctx: Context): void {
    this.sample();
    const call = this.open.get(ctx);
    if (call === undefined) return;
    call.lazyAtPurge ??= new Set();
    for (const a of this.lazyNow()) call.lazyAtPurge.add(a);
  }

  /** The allocator in `ctx` gives up on [vstart, vend). */
  recordFailure(ctx: Context, cpu: number, size: bigint, align: bigint, vstart: bigint, vend: bigint, fn: readonly string[]): void {
    this.sample();
    const call = this.open.get(ctx);
    if (call !== undefined) this.compare(call, 'failed');
    const seen = call ? this.seenBy(call) : this.view()?.areas().map((a) => ({ id: a.id, start: a.va_start, end: a.va_end, block: null })) ?? [];
    const lazy = call ? (call.lazyAtPurge ?? call.lazyAtStart) : new Set(this.lazyNow());
    this.failures.push({ step: this.w.stepNo, cpu, op: call?.op ?? -1, beganStep: call?.beganStep ?? this.w.stepNo, size, align, vstart, vend, seen, lazy: new Set(lazy), purged: call !== undefined && call.lazyAtPurge !== null, fn: fn.slice() });
  }

  private lazyNow(): number[] {
    const view = this.view();
    if (view === undefined) return [];
    const full = (): number[] => view.areas().filter((a) => a.flags.some((f) => LAZY.has(f))).map((a) => a.id);
    const ids = view.lazyFreed?.() ?? full();
    if (KVA_GHOST_COMPARE.report !== null && view.lazyFreed !== undefined && ids.join() !== full().join()) {
      KVA_GHOST_COMPARE.report(`step ${this.w.stepNo}: lazyFreed() [${ids.join(' ')}] vs areas() [${full().join(' ')}]`);
    }
    return ids;
  }
}
