/**
 * Counter consistency: vmap_lazy_nr against the lazily freed areas; each block's
 * free/dirty against its bitmaps and its list membership. Checked when no API call is in
 * flight, since the C updates flags and counters in separate statements.
 */
import type { Property } from './property';

/**
 * Forbids vmap_lazy_nr differing from the pages of the areas marked VM_LAZY_FREE, summed
 * here from the areas' extents and flags. Exemption: checked only when no call is in flight.
 * Contract: free_unmap_vmap_area sets VM_LAZY_FREE and adds to the counter in separate
 * statements, and the purge clears flags before atomic_sub (mm/vmalloc.c): the two agree
 * only between calls.
 */
export const lazy_counter_consistent: Property = {
  name: 'lazy_counter_consistent',
  forbids: 'vmap_lazy_nr differing from the page count of the areas marked VM_LAZY_FREE (when no call is in flight)',
  when: 'quiescent',
  check: ({ w, view }) => {
    const nr = view.lazyNr();
    if (nr === null) return [];
    const shift = BigInt(w.layout.PAGE_SHIFT);
    let pages = 0;
    for (const a of view.areas()) if (a.flags.includes('VM_LAZY_FREE')) pages += Number((a.va_end - a.va_start) >> shift);
    return nr === pages ? [] : [`vmap_lazy_nr is ${nr} but the VM_LAZY_FREE areas hold ${pages} pages`];
  },
};

/** Forbids a block whose free/dirty counts disagree with its bitmaps or its queue membership. */
export const block_counters_consistent: Property = {
  name: 'block_counters_consistent',
  forbids: 'a vmap_block whose free or dirty count disagrees with its alloc/dirty bitmap, or whose list membership disagrees with them',
  when: 'quiescent',
  check: ({ w, view }) => {
    const out: string[] = [];
    const bits = Number((w.layer as { c?: { VMAP_BBMAP_BITS: number } })?.c?.VMAP_BBMAP_BITS ?? 0);
    for (const b of view.blocks()) {
      if (b.free !== bits - b.allocBits) out.push(`vmap_block#${b.id}: free=${b.free} but alloc_map has ${b.allocBits} of ${bits} bits set`);
      if (b.dirty !== b.dirtyBits) out.push(`vmap_block#${b.id}: dirty=${b.dirty} but dirty_map has ${b.dirtyBits} bits set`);
      if (b.onFreeList !== b.free > 0) out.push(`vmap_block#${b.id}: free=${b.free} but ${b.onFreeList ? 'is' : 'is not'} on vbq->free`);
      if (b.onDirtyList !== b.dirty > 0) out.push(`vmap_block#${b.id}: dirty=${b.dirty} but ${b.onDirtyList ? 'is' : 'is not'} on vbq->dirty`);
    }
    return out;
  },
};
