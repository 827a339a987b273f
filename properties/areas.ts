/**
 * Properties of the KVA allocator's areas: disjoint, inside their range, well-formed
 * tree and list.
 */
import { hex, type Property } from './property';
import { areaIndex } from './incremental';
import { treeIndex } from './incremental_tree';
import { vmlistIndex } from './incremental_vmlist';

/** Forbids two vmap areas (or vm_structs) that overlap, and empty or inverted areas. */
export const areas_disjoint: Property = {
  name: 'areas_disjoint',
  forbids: 'two live vmap areas overlapping, or an area with va_start >= va_end',
  when: 'step',
  check: ({ w, view }) => {
    // Our own index says whether anything is wrong; the full walk below only writes the message.
    if (areaIndex(w, view)?.disjointBroken === false) return [];
    const out: string[] = [];
    // The view promises address order; sort only when it is not (the test is ours, not the view's).
    let areas = view.areas();
    let sorted = true;
    for (let i = 1; i < areas.length && sorted; i++) sorted = areas[i - 1]!.va_start <= areas[i]!.va_start;
    if (!sorted) areas = areas.slice().sort((a, b) => (a.va_start < b.va_start ? -1 : a.va_start > b.va_start ? 1 : 0));
    for (let i = 0; i < areas.length; i++) {
      const a = areas[i]!;
      if (a.va_start >= a.va_end) out.push(`area #${a.id} [${hex(w, a.va_start)}, ${hex(w, a.va_end)}) is empty or inverted`);
      const b = areas[i + 1];
      if (b && a.va_end > b.va_start) out.push(`area #${a.id} [${hex(w, a.va_start)}, ${hex(w, a.va_end)}) overlaps #${b.id} [${hex(w, b.va_start)}, ${hex(w, b.va_end)})`);
    }
    return out;
  },
};

/** Forbids an area outside the [vstart, vend] range it was allocated from. */
export const areas_in_range: Property = {
  name: 'areas_in_range',
  forbids: 'an area that starts below vstart or ends above vend of the request that created it',
  when: 'step',
  check: ({ w, view }) =>
    areaIndex(w, view)?.rangeBroken === false ? [] : view
      .areas()
      .filter((a) => a.va_start < a.vstart || a.va_end > a.vend)
      .map((a) => `area #${a.id} [${hex(w, a.va_start)}, ${hex(w, a.va_end)}) lies outside [${hex(w, a.vstart)}, ${hex(w, a.vend)}]`),
};

/** Forbids a malformed rbtree (order, colours, parents) or an address list that disagrees with it. */
export const tree_wellformed: Property = {
  name: 'tree_wellformed',
  forbids: 'a broken red-black tree or an address-sorted list that is not the tree in order',
  when: 'step',
  // Our own incremental check (the tree's, or vanilla's vmlist's) says whether anything may be
  // wrong; the full one writes verdict and messages.
  check: ({ w, view }) => ((treeIndex(w, view)?.wellFormed ?? vmlistIndex(w, view)?.wellFormed) === true ? [] : view.structureProblems()),
};
