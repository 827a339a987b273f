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
 */
import type { Context } from '../kernel/cpu';
import type { LayerView } from './world_types';

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
}

/** An area seen during a call; `block` when a per-CPU vmap block owned it at that moment. */
export interface SeenArea {
  readonly id: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly block: { readonly id: number; readonly cpu: number } | null;
}

/** A KVA-allocating call in flight. */
interface OpenCall {
  readonly op: number;
  readonly beganStep: number;
  /** By area id: every extent that id was seen with (almost always one). */
  readonly seen: Map<number, SeenArea[]>;
  /** Ids of areas lazily freed when the call began. */
  readonly lazyAtStart: Set<number>;
  /** Union over the call's purge-and-retry starts of the lazily freed areas; null: no purge began. */
  lazyAtPurge: Set<number> | null;
}

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

  constructor(private readonly w: KvaGhostWorld) {}

  /** True while some KVA-allocating call is in flight. */
  get active(): boolean {
    return this.open.size > 0;
  }

  /** A map call began in `ctx` (harness). */
  begin(ctx: Context, op: number): void {
    if (!this.enabled) return;
    const call: OpenCall = { op, beganStep: this.w.stepNo, seen: new Map(), lazyAtStart: new Set(), lazyAtPurge: null };
    this.open.set(ctx, call);
    for (const a of this.lazyNow()) call.lazyAtStart.add(a);
    this.sample();
  }

  /** The map call of `ctx` returned (harness). */
  end(ctx: Context): void {
    this.open.delete(ctx);
  }

  /** The variant's view: the runner's reading of this step's state when it has one. */
  private view(): LayerView | undefined {
    return this.w.stepView ?? this.w.user?.variant.view(this.w);
  }

  /** Remember the areas (and block owners) live now in every open call. */
  sample(): void {
    if (this.open.size === 0) return;
    const view = this.view();
    if (view === undefined) return;
    const blocks = view.blocks();
    const owner = blocks.length === 0 ? null : new Map(blocks.map((b) => [b.va_start, { id: b.id, cpu: b.cpu }]));
    for (const a of view.areas()) {
      const block = owner?.get(a.va_start) ?? null;
      for (const call of this.open.values()) {
        let list = call.seen.get(a.id);
        if (list === undefined) call.seen.set(a.id, (list = []));
        const i = list.findIndex((x) => x.start === a.va_start && x.end === a.va_end);
        // A block owner seen once is kept: the area was (also) that block's at some moment.
        if (i < 0) list.push({ id: a.id, start: a.va_start, end: a.va_end, block });
        else if (list[i]!.block === null && block !== null) list[i] = { id: a.id, start: a.va_start, end: a.va_end, block };
      }
    }
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
    const seen = call ? [...call.seen.values()].flat() : this.view()?.areas().map((a) => ({ id: a.id, start: a.va_start, end: a.va_end, block: null })) ?? [];
    const lazy = call ? (call.lazyAtPurge ?? call.lazyAtStart) : new Set(this.lazyNow());
    this.failures.push({ step: this.w.stepNo, cpu, op: call?.op ?? -1, beganStep: call?.beganStep ?? this.w.stepNo, size, align, vstart, vend, seen, lazy: new Set(lazy), purged: call !== undefined && call.lazyAtPurge !== null, fn: fn.slice() });
  }

  private lazyNow(): number[] {
    const view = this.view();
    return view === undefined ? [] : view.areas().filter((a) => a.flags.some((f) => LAZY.has(f))).map((a) => a.id);
  }
}
