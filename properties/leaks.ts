/**
 * Leaks after teardown (every handle unmapped, vm_unmap_aliases(), RCU barrier): KVA the
 * layer still holds, and kmalloc'd objects nothing points to (kmemleak's view).
 */
import { hex, type Property } from './property';

/**
 * Forbids KVA still held after teardown, except a vmap block that sits on its CPU's free
 * queue with free space: that is the per-CPU cache the rewrite keeps by design (a reused
 * block, not a lost one).
 */
export const no_kva_leak: Property = {
  name: 'no_kva_leak',
  forbids: 'address space still held after every mapping is gone, vm_unmap_aliases() and a purge (per-CPU blocks with free space excepted)',
  when: 'final',
  check: ({ w, view }) => {
    const cached = new Set(view.blocks().filter((b) => b.onFreeList && b.free > 0).map((b) => b.va_start));
    return view
      .areas()
      .filter((a) => !cached.has(a.va_start))
      .map((a) => `area #${a.id} [${hex(w, a.va_start)}, ${hex(w, a.va_end)}) ${a.flags.join('|') || 'no flags'} (${a.state}) is still held`);
  },
};

/** Forbids a kmalloc'd object that is neither freed nor reachable from the layer's structures. */
export const no_kmemleak: Property = {
  name: 'no_kmemleak',
  forbids: 'an object allocated with kmalloc_node that is neither freed nor reachable from the layer (what kmemleak reports)',
  when: 'final',
  check: ({ w, view }) => {
    const reach = view.reachable();
    const out: string[] = [];
    for (const o of [...w.slab.live.values()].sort((a, b) => a.id - b.id)) {
      if (!reach.has(o.id)) out.push(`unreferenced object ${o.kind}#${o.id} allocated at ${o.allocSite ? `${o.allocSite.fn}: ${o.allocSite.stmt}` : '?'}`);
    }
    return out;
  },
};
