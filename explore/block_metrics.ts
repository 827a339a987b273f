/**
 * Per-CPU vmap block metrics of a workload run, sampled after every API call returns (the
 * points where the layer is between calls on that CPU):
 *  - blocks alive per live page: the time-average of vmap blocks alive over the time-average
 *    of pages live through vm_map_ram (the user's pages, w.mm.livePages) — 1 / block size at
 *    best, higher when fragments keep blocks alive;
 *  - address space held by blocks that can serve nothing: pages of blocks off their CPU's
 *    free list (vb_alloc walks only vbq->free, so they can hand out nothing) that no live
 *    mapping uses (dirty), plus every page of a block with nothing live in it at all (F16:
 *    fragmented blocks keep their KVA); the peak of that sum;
 *  - allocation failures while space is held: failed maps (the harness's NULL) at whose
 *    return that held space, plus lazily freed area pages, covered the request.
 * Only the layer's read-only view is used (no step, no side effect). Live pages of a block are
 * VMAP_BBMAP_BITS - free - dirty: vb_alloc subtracts from free, vb_free adds to dirty.
 */
import type { Op } from '../model/engine/program';
import type { World } from '../model/engine/world';
import type { LayerView } from '../model/engine/variant';

/** What the sampler saw over one run. */
export interface BlockMetrics {
  /** Mean blocks alive / mean live vm_map_ram pages; null when nothing was ever live. */
  readonly blocksPerLivePage: number | null;
  readonly peakBlocks: number;
  /** Peak pages held by blocks that can serve nothing (see the header). */
  readonly deadKvaPeak: number;
  /** Failed maps during the programs (teardown excluded). */
  readonly failures: number;
  /** Of those, failures while held space (dead block pages + lazily freed pages) covered the request. */
  readonly failuresWhileHeld: number;
}

/** Accumulates BlockMetrics from afterCall samples. */
export class BlockSampler {
  private samples = 0;
  private blockSum = 0;
  private liveSum = 0;
  private peakBlocks = 0;
  private deadPeak = 0;
  private failures = 0;
  private failHeld = 0;
  private lastFailures = 0;

  /** One sample after `op` returned (teardown ops, with negative ids, are not counted). */
  sample(w: World, view: LayerView, op: Op): void {
    if (op.id < 0) return;
    const bits = Number(view.constants().VMAP_BBMAP_BITS ?? 0);
    const blocks = view.blocks();
    let dead = 0;
    for (const b of blocks) {
      const live = bits - b.free - b.dirty;
      if (live <= 0) dead += bits;
      else if (!b.onFreeList) dead += b.dirty;
    }
    this.samples++;
    this.blockSum += blocks.length;
    this.liveSum += w.mm.livePages.size;
    this.peakBlocks = Math.max(this.peakBlocks, blocks.length);
    this.deadPeak = Math.max(this.deadPeak, dead);
    const failed = w.metrics.allocFailures - this.lastFailures;
    this.lastFailures = w.metrics.allocFailures;
    if (failed > 0) {
      this.failures += failed;
      const want = 'pages' in op ? op.pages : 1;
      if (dead + view.lazyPages() >= want) this.failHeld += failed;
    }
  }

  /** The metrics so far. */
  result(): BlockMetrics {
    return {
      blocksPerLivePage: this.liveSum === 0 ? null : this.blockSum / this.liveSum,
      peakBlocks: this.peakBlocks,
      deadKvaPeak: this.deadPeak,
      failures: this.failures,
      failuresWhileHeld: this.failHeld,
    };
  }
}
