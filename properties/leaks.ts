/**
 * Leaks after teardown (every handle unmapped, vm_unmap_aliases(), RCU barrier): KVA the
 * layer still holds, and kmalloc'd objects nothing points to (kmemleak's view).
 */
import { hex, type Property } from './property';

/**
 * Forbids address space still held after teardown: with no live mapping, after
 * vm_unmap_aliases() and a purge (the teardown ends with vm_unmap_aliases(), whose sync
 * purge frees every lazily freed area), the layer holds no KVA. There is no exemption for
 * per-CPU vmap blocks: a block with nothing live in it holds address space no allocation
 * outside its CPU's vb_alloc can get back (later kernels added purge_fragmented_blocks for
 * this). The message says how much is held and by which blocks and areas.
 *
 * Exemption: an area that contains a mapping the user still holds (none after a complete
 * teardown; kept so a partial teardown cannot blame the layer). Contract: a live mapping
 * owns its KVA until it is unmapped.
 */
export const no_kva_leak: Property = {
  name: 'no_kva_leak',
  forbids: 'address space still held (areas or per-CPU vmap blocks) when no mapping is live, after vm_unmap_aliases() and a purge',
  when: 'final',
  check: ({ w, view }) => {
    const live = [...(w.user?.handles.values() ?? [])].filter((h) => h.life.stateName === 'live' && !h.claimed).map((h) => h.addr);
    const blocks = new Map(view.blocks().map((b) => [b.va_start, b]));
    const held = view.areas().filter((a) => !live.some((x) => x >= a.va_start && x < a.va_end));
    if (held.length === 0) return [];
    const PAGE_SHIFT = BigInt(w.layout.PAGE_SHIFT);
    let bytes = 0n;
    const parts = held.map((a) => {
      bytes += a.va_end - a.va_start;
      const pages = (a.va_end - a.va_start) >> PAGE_SHIFT;
      const b = blocks.get(a.va_start);
      const where = `[${hex(w, a.va_start)}, ${hex(w, a.va_end)}) ${pages} page(s)`;
      return b !== undefined
        ? `vmap_block#${b.id} of cpu${b.cpu} ${where} (free=${b.free}, dirty=${b.dirty}, ${b.state})`
        : `area #${a.id} ${where} ${a.flags.join('|') || 'no flags'} (${a.state})`;
    });
    const nBlocks = held.filter((a) => blocks.has(a.va_start)).length;
    return [`the layer still holds ${bytes >> PAGE_SHIFT} page(s) (${hex(w, bytes)} bytes) with no live mapping, after vm_unmap_aliases() and a purge: ${nBlocks} vmap block(s), ${held.length - nBlocks} other area(s): ${parts.join('; ')}`];
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
