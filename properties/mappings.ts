/**
 * Properties of translations: live mappings reach their pages on every CPU, no address is
 * reused while a lazy alias of it exists, vm_unmap_aliases leaves no alias behind.
 */
import { hex, type Property } from './property';
import { translationIndex } from './incremental_mappings';

/** Forbids a live mapping whose PTE or any CPU's TLB entry translates to another page. */
export const live_mappings_translate: Property = {
  name: 'live_mappings_translate',
  forbids: 'a live mapping whose PTE, or some CPU\'s TLB entry, translates to a page other than the one it was given',
  when: 'step',
  check: ({ w }) => {
    const out: string[] = [];
    const user = w.user;
    if (user === null) return out;
    // Our own index says whether anything is wrong; the full walk below only writes the messages.
    if (!translationIndex(w).broken) return out;
    for (const h of user.handles.values()) {
      if (h.life.stateName !== 'live' || h.claimed) continue;
      const vpn = w.mm.vpn(h.addr);
      for (let i = 0; i < h.count; i++) {
        const pte = w.mm.pte.get(vpn + i);
        if (pte !== h.pages[i]) out.push(`#${h.id} page ${i} at ${hex(w, h.addr + (BigInt(i) << BigInt(w.layout.PAGE_SHIFT)))}: PTE ${pte ?? 'none'}, mapped pfn ${h.pages[i]}`);
        for (const c of w.cpus) {
          const t = c.tlb.get(vpn + i);
          if (t !== undefined && t !== h.pages[i]) out.push(`#${h.id} page ${i}: cpu${c.id} TLB holds stale pfn ${t}, mapped pfn ${h.pages[i]}`);
        }
      }
    }
    return out;
  },
};

/** Forbids setting a PTE for an address some CPU still holds a lazy alias of (engine event). */
export const no_reuse_with_lazy_alias: Property = {
  name: 'no_reuse_with_lazy_alias',
  forbids: 'mapping an address again while some CPU still has a lazy alias (stale TLB entry) of it',
  when: 'event',
};

/**
 * Forbids a translation, at vm_unmap_aliases() return, to a page the user unmapped before
 * the call began. Computed from the user's handles (which page each address was given, when
 * its unmap returned, on the harness's clock) against the PTEs and every CPU's TLB — not from
 * the layer's own release bookkeeping. A translation of the same address to another page
 * belongs to a newer mapping and is judged by live_mappings_translate / no_reuse_with_lazy_alias.
 *
 * Exemption: an unmap that had not returned when the call began (on another CPU, or in the
 * context this call interrupted). Contract: vm_unmap_aliases() flushes the aliases of what
 * was unmapped before it was called (mm/vmalloc.c kerneldoc: "flush ... outstanding lazy
 * aliases"); an unmap still running may leave its pages mapped until it returns.
 */
export const no_alias_after_unmap_aliases: Property = {
  name: 'no_alias_after_unmap_aliases',
  forbids: 'a PTE or TLB entry still translating, when vm_unmap_aliases() returns, an address to the page its user unmapped before the call',
  when: 'after-call',
  afterCall: ({ w }, op, start) => {
    const user = w.user;
    if (op.op !== 'vm_unmap_aliases' || user === null) return [];
    const began = user.callBeganAt.get(op.id);
    if (began === undefined) return [];
    const out: string[] = [];
    for (const h of [...user.handles.values()].sort((a, b) => a.id - b.id)) {
      if (h.unmapReturnedAt === undefined || h.unmapReturnedAt >= began) continue;
      const vpn = w.mm.vpn(h.addr);
      for (let i = 0; i < h.count; i++) {
        const at = hex(w, BigInt(vpn + i) << BigInt(w.layout.PAGE_SHIFT));
        const pfn = h.pages[i];
        if (w.mm.pte.get(vpn + i) === pfn) out.push(`#${h.id} page ${i} at ${at} (pfn ${pfn}), unmapped at step ${h.unmappedAt}, still has its PTE after vm_unmap_aliases() (called at step ${start})`);
        for (const c of w.cpus) if (c.tlb.get(vpn + i) === pfn) out.push(`#${h.id} page ${i} at ${at} (pfn ${pfn}), unmapped at step ${h.unmappedAt}, is still in cpu${c.id}'s TLB after vm_unmap_aliases() (called at step ${start})`);
      }
    }
    return out;
  },
};

/**
 * Forbids pages mapped without a flush_cache_vmap covering them: from the PTE history, each
 * page a context set must lie in the range of the next flush_cache_vmap that context calls,
 * and a call that returns a mapping must not leave a page set after its last one. The range
 * the mapping code believes it mapped (its ghost arguments) is not used.
 *
 * Exemption: pages set by a map call that then failed. Contract (Documentation/cachetlb.txt):
 * flush_cache_vmap is due after mapping and before the range is used; a failed call's
 * partial mapping is torn down unused.
 */
export const flush_cache_vmap_covers_mapping: Property = {
  name: 'flush_cache_vmap_covers_mapping',
  forbids: 'pages mapped (set_pte_at) without a later flush_cache_vmap of the same context covering them (stale lines on virtually indexed caches)',
  when: 'final',
  check: ({ w }) =>
    w.pteHistory.cacheMisses
      .slice(0, 1)
      .map((f) =>
        f.flushed === null
          ? `${f.fn} on cpu${f.cpu} returned at step ${f.step} with ${f.pages} page(s) in [${f.mapped[0]}, ${f.mapped[1]}) mapped and no flush_cache_vmap after them`
          : `${f.fn} at step ${f.step} mapped pages [${f.mapped[0]}, ${f.mapped[1]}) but flush_cache_vmap covered [${f.flushed[0]}, ${f.flushed[1]})`,
      ),
};
