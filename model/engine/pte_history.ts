/**
 * Ghost PTE/TLB history for the flush oracles, fed by the MM hooks (kernel/mm.ts
 * MmObserver): which pages were mapped since their last TLB flush, which TLB flushes found
 * nothing to do, and which pages a context mapped without a flush_cache_vmap covering them.
 * Computed from PTE sets and flush calls, never from the callers' own start/end logic.
 */
import type { K } from '../kernel/k';
import type { Context, Cpu } from '../kernel/cpu';
import type { MmObserver } from '../kernel/mm';

/**
 * What the history may ask of the world (the engine's World implements it): the step
 * count, the CPUs and which one is stepping, and the present PTEs. Narrow, so the World
 * can own the history without the history's file naming the World back.
 */
export interface PteHistoryWorld {
  readonly stepNo: number;
  readonly cpus: readonly Cpu[];
  /** The CPU whose step is executing (-1 between steps). */
  readonly current: number;
  readonly mm: { readonly pte: ReadonlyMap<number, number> };
}

/** A flush_tlb_kernel_range call that could not change any TLB. */
export interface RedundantFlush {
  readonly step: number;
  readonly cpu: number;
  readonly fn: readonly string[];
  /** Pages [start, end). */
  readonly start: number;
  readonly end: number;
  /** Step of the latest earlier flush overlapping it. */
  readonly lastFlushStep: number;
}

/** Pages set by one context and not covered by its flush_cache_vmap. */
export interface CacheFlushMiss {
  readonly step: number;
  readonly cpu: number;
  readonly fn: string;
  /** [lowest, highest + 1) of the uncovered pages, and how many there are. */
  readonly mapped: readonly [number, number];
  readonly pages: number;
  /** The range passed to flush_cache_vmap, or null: the call returned without one. */
  readonly flushed: readonly [number, number] | null;
}

/** The PTE/TLB history of one run. */
export class PteHistory implements MmObserver {
  /**
   * Pages some TLB may hold a translation of: set since their last flush, or present when
   * it ran (a present PTE can be refilled at any time). A TLB entry needs a present PTE to
   * be filled, so a flush covering none of these pages changes no TLB.
   */
  private readonly needs = new Set<number>();
  private readonly flushes: { start: number; end: number; step: number }[] = [];
  /** Pages each context set since its last flush_cache_vmap. */
  private readonly pendingCache = new Map<Context, Set<number>>();
  readonly redundant: RedundantFlush[] = [];
  readonly cacheMisses: CacheFlushMiss[] = [];

  constructor(private readonly w: PteHistoryWorld) {}

  setPte(vpn: number): void {
    this.needs.add(vpn);
    const ctx = this.w.cpus[this.w.current]?.stack.at(-1);
    if (ctx === undefined) return;
    let set = this.pendingCache.get(ctx);
    if (set === undefined) this.pendingCache.set(ctx, (set = new Set()));
    set.add(vpn);
  }

  flushRange(k: K, start: number, end: number): void {
    let needed = false;
    for (const p of this.needs) {
      if (p < start || p >= end) continue;
      needed = true;
      if (!this.w.mm.pte.has(p)) this.needs.delete(p);
    }
    let last: number | null = null;
    for (const f of this.flushes) if (f.start < end && f.end > start) last = f.step;
    if (!needed && last !== null && end > start) this.redundant.push({ step: this.w.stepNo, cpu: k.cpu.id, fn: k.ctx.frames.slice(), start, end, lastFlushStep: last });
    this.flushes.push({ start, end, step: this.w.stepNo });
  }

  cacheFlush(k: K, start: number, end: number): void {
    const set = this.pendingCache.get(k.ctx);
    this.pendingCache.delete(k.ctx);
    if (set === undefined) return;
    this.miss(k.cpu.id, k.ctx.frames.at(-1) ?? '', [...set].filter((p) => p < start || p >= end), [start, end]);
  }

  /**
   * An API call of `ctx` returned. Pages it set with no flush_cache_vmap after them are a
   * miss, unless the call failed. Contract (Documentation/cachetlb.txt): flush_cache_vmap
   * must run after a range is mapped and before it is used; a mapping whose call failed is
   * torn down and never used.
   */
  callEnded(ctx: Context, ok: boolean): void {
    const set = this.pendingCache.get(ctx);
    this.pendingCache.delete(ctx);
    if (set !== undefined && ok) this.miss(ctx.cpu.id, ctx.frames.at(-1) ?? ctx.call ?? '', [...set], null);
  }

  private miss(cpu: number, fn: string, pages: number[], flushed: readonly [number, number] | null): void {
    if (pages.length === 0) return;
    const lo = Math.min(...pages);
    const hi = Math.max(...pages) + 1;
    this.cacheMisses.push({ step: this.w.stepNo, cpu, fn, mapped: [lo, hi], pages: pages.length, flushed });
  }
}
