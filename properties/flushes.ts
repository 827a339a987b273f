/**
 * Flush accounting, a performance property: reported and recorded like a finding, never a
 * CI failure on its own (class 'performance').
 */
import { hex, type Property } from './property';

/**
 * Forbids a flush_tlb_kernel_range that can change no TLB: every page of its range was
 * flushed before and nothing was mapped there since (no PTE set, none present at the last
 * flush). From the PTE/TLB history (model/engine/pte_history.ts), not from the purge's own
 * start/end logic. A first flush of a never-flushed range is not "again" and is not judged.
 */
export const no_redundant_flush: Property = {
  name: 'no_redundant_flush',
  class: 'performance',
  forbids: 'a range flushed from every TLB again although nothing was mapped there since its last flush (a wasted global flush and IPIs)',
  when: 'final',
  check: ({ w }) => {
    const r = w.pteHistory.redundant;
    const shift = BigInt(w.layout.PAGE_SHIFT);
    return r.map(
      (f) =>
        `cpu${f.cpu} ${f.fn.join(' > ')}: flush_tlb_kernel_range([${hex(w, BigInt(f.start) << shift)}, ${hex(w, BigInt(f.end) << shift)})) at step ${f.step} flushed ${f.end - f.start} page(s) again, nothing mapped there since the flush at step ${f.lastFlushStep}`,
    );
  },
};
