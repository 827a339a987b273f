/**
 * The callers of seed 002's m2p functions, as data: gntdev's map path (gnttab_map_refs ->
 * m2p_add_override with &map->kmap_ops[i]) possibly inside a caller's lazy MMU section, its
 * unmap path (mn_invl_range_start -> unmap_grant_pages -> gnttab_unmap_refs ->
 * m2p_remove_override(page, true) under priv->lock), explicit flushes, CPUs reading a page
 * through its kernel linear address (the AIO path the patch is for), and another
 * page->private user (btrfs' set_page_extent_mapped, the review's objection).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import type { ConsumerOp } from '../driver';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { EXTENT_PAGE_PRIVATE, grantOf } from './state';
import { arch_enter_lazy_mmu_mode, arch_leave_lazy_mmu_mode, xen_mc_flush } from './multicalls';
import { m2p_add_override, m2p_remove_override } from './p2m';

/** One caller op. `after` (for remove, fs_private) is the id of the add of the same page. */
export type GrantOp = ConsumerOp &
  (
    | { readonly op: 'lazy_begin' }
    | { readonly op: 'lazy_end' }
    | { readonly op: 'add'; readonly page: number }
    | { readonly op: 'remove'; readonly page: number }
    | { readonly op: 'flush' }
    | { readonly op: 'touch'; readonly page: number }
    | { readonly op: 'fs_private'; readonly page: number }
  );

const G = sites('gntdev', {
  lock: 'spin_lock(&priv->lock) (mn_invl_range_start)',
  unlock: 'spin_unlock(&priv->lock)',
  touch: 'read through pfn_to_kaddr(page_to_pfn(page)) (TLB, else page walk)',
});
const B = sites('set_page_extent_mapped', {
  test: 'if (!PagePrivate(page))',
  set: 'SetPagePrivate(page); page_cache_get(page); set_page_private(page, EXTENT_PAGE_PRIVATE)',
});

/** `#3 m2p_remove_override(page 1)`-style text of an op. */
export function grantOpText(o: GrantOp): string {
  switch (o.op) {
    case 'lazy_begin':
      return `#${o.id} arch_enter_lazy_mmu_mode()`;
    case 'lazy_end':
      return `#${o.id} arch_leave_lazy_mmu_mode()`;
    case 'add':
      return `#${o.id} m2p_add_override(page ${o.page}, &kmap_ops[${o.page}])`;
    case 'remove':
      return `#${o.id} m2p_remove_override(page ${o.page}, true)`;
    case 'flush':
      return `#${o.id} xen_mc_flush()`;
    case 'touch':
      return `#${o.id} read page ${o.page} via its kernel address`;
    case 'fs_private':
      return `#${o.id} set_page_extent_mapped(page ${o.page})`;
  }
}

/** Run one caller op on `k`'s CPU. */
export function* grantExec(k: K, o: GrantOp): Gen {
  const g = grantOf(k.w);
  switch (o.op) {
    case 'lazy_begin':
      preempt_disable(k); // lazy MMU sections run with preemption off (under the pte lock in C)
      yield* arch_enter_lazy_mmu_mode(k);
      return;
    case 'lazy_end':
      yield* arch_leave_lazy_mmu_mode(k);
      preempt_enable(k);
      return;
    case 'add':
      yield* m2p_add_override(k, g.grantFrame(o.page), o.page, g.kmapOps[o.page]!);
      return;
    case 'remove': {
      yield* spin_lock(k, g.priv_lock, G.lock);
      const r = yield* m2p_remove_override(k, o.page, true);
      g.removed.set(o.page, r);
      yield* spin_unlock(k, g.priv_lock, G.unlock);
      return;
    }
    case 'flush':
      preempt_disable(k);
      yield* xen_mc_flush(k);
      preempt_enable(k);
      return;
    case 'touch': {
      yield G.touch;
      const vpn = g.vpnOf(o.page);
      if (k.cpu.tlb.has(vpn)) return;
      const mfn = k.w.mm.pte.get(vpn);
      // The linear map is always live: a missing PTE (inside an unmap batch) is not filled.
      if (mfn !== undefined) k.cpu.tlb.set(vpn, mfn);
      k.w.dirty = true;
      return;
    }
    case 'fs_private': {
      const page = g.pages[o.page]!;
      yield B.test;
      if (page.PagePrivate) return;
      yield B.set;
      page.PagePrivate = true;
      page.private_ = EXTENT_PAGE_PRIVATE;
      return;
    }
  }
}
