/**
 * A canonical digest of an execution's final state, for comparing reductions: how the run
 * ended, the properties violated and reached, every handle the user holds (address, pages,
 * lifecycle state), the page tables, every TLB and the allocator counters. Step numbers and
 * trace text are left out: equivalent interleavings number their steps differently.
 */
import type { Outcome } from '../check';

const sorted = <T>(xs: Iterable<T>, key: (x: T) => string): string[] => [...xs].map(key).sort();

/** The digest of `o`'s final state (after teardown). */
export function finalDigest(o: Outcome): string {
  const w = o.result.world;
  const h = o.result.harness;
  return JSON.stringify({
    ending: o.result.ending,
    violated: [...o.violated].sort(),
    reached: [...o.reached].sort(),
    handles: sorted(h.handles.values(), (x) => `${x.id}:${x.kind}:${x.addr.toString(16)}:${x.count}:${x.pages.join('.')}:${x.life.stateName}:${x.claimed}`),
    completed: [...h.completed].sort((a, b) => a - b),
    pte: sorted(w.mm.pte, ([v, p]) => `${v}=${p}`),
    tlb: w.cpus.map((c) => sorted(c.tlb, ([v, p]) => `${v}=${p}`)),
    metrics: w.metrics,
    slab: { live: w.slab.live.size, allocated: w.slab.allocated, freed: w.slab.freedCount },
  });
}
