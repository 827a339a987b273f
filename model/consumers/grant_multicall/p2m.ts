/**
 * arch/x86/xen/p2m.c's m2p_add_override / m2p_remove_override with seed 002's patch
 * ("xen: modify kernel mappings corresponding to granted pages", v4). Lines outside the
 * patch's hunks (page->private = mfn; page->index = pfn_to_mfn(pfn); the p2m lookup at the
 * top of remove) are from v3.1's p2m.c, the patch's base. The pages are lowmem (the previous
 * patch of the series made alloc_xenballooned_pages return lowmem), so every
 * `!PageHighMem(page)` branch is taken; lookup_address always finds a 4K PTE.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { list_add, list_del } from '../../kernel/list';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { FOREIGN_FRAME_BIT, GRANT_FRAME_BIT, grantHas, grantOf, KmapOp, GNTST_general_error } from './state';
import { __flush_tlb_single, set_pte_at_init_mm, xen_mc_entry, xen_mc_flush, xen_mc_issue } from './multicalls';

const A = sites('m2p_add_override', {
  priv: 'page->private = mfn',
  index: 'page->index = pfn_to_mfn(pfn)',
  p2m: 'if (unlikely(!set_phys_to_machine(pfn, FOREIGN_FRAME(mfn)))) return -ENOMEM',
  multi: 'MULTI_grant_table_op(mcs.mc, GNTTABOP_map_grant_ref, kmap_op, 1)',
  grantbit: 'page->private |= GRANT_FRAME_BIT',
  setpriv: 'SetPagePrivate(page); set_page_private(page, page_private(page) | GRANT_FRAME_BIT)',
  dba: 'kmap_op->dev_bus_addr = page->index',
  kindex: 'page->index = (unsigned long) kmap_op',
  lock: 'spin_lock_irqsave(&m2p_override_lock, flags)',
  add: 'list_add(&page->lru, &m2p_overrides[mfn_hash(mfn)])',
  unlock: 'spin_unlock_irqrestore(&m2p_override_lock, flags)',
});
const R = sites('m2p_remove_override', {
  mfn: 'mfn = get_phys_to_machine(pfn); if (mfn == INVALID_P2M_ENTRY || !(mfn & FOREIGN_FRAME_BIT)) return -EINVAL',
  lock: 'spin_lock_irqsave(&m2p_override_lock, flags)',
  del: 'list_del(&page->lru)',
  unlock: 'spin_unlock_irqrestore(&m2p_override_lock, flags)',
  mapop: 'map_op = (struct gnttab_map_grant_ref *) page->index',
  p2m: 'set_phys_to_machine(pfn, map_op->dev_bus_addr)',
  check1: 'if (map_op->handle == -1) xen_mc_flush()',
  check2: 'if (map_op->handle == -1) { printk(KERN_WARNING ...); return -1; }',
  check2gnt: 'if (map_op->handle == GNTST_general_error) { printk(KERN_WARNING ...); return -1; }',
  unmap: 'unmap_op->host_addr = map_op->host_addr; unmap_op->handle = map_op->handle; MULTI_grant_table_op(GNTTABOP_unmap_grant_ref)',
  hostaddr: 'map_op->host_addr = 0',
});

/** `m2p_add_override(mfn, page, kmap_op)`, page `i` of the gntdev map; returns 0. */
export function* m2p_add_override(k: K, mfn: number, i: number, kmap_op: KmapOp | null): Gen<number> {
  const g = grantOf(k.w);
  const page = g.pages[i]!;
  const pfn = page.pfn;
  g.addedMfn.set(i, mfn); // ghost: the argument, for the page->private property
  yield A.priv;
  page.private_ = mfn;
  yield A.index;
  page.index = g.p2m.get(pfn)!; // pfn_to_mfn(pfn)
  yield A.p2m;
  g.p2m.set(pfn, (mfn | 0) + FOREIGN_FRAME_BIT);
  if (kmap_op !== null) {
    g.maps.set(kmap_op.id, { kmap: kmap_op, page: i, issuedAt: null, ok: false, handle: -1, unmapped: false }); // ghost
    yield* xen_mc_entry(k, { op: 'map_grant_ref', arg: kmap_op, cpu: k.cpu.id });
    yield A.multi;
    yield* xen_mc_issue(k);
    if (grantHas(g.cfg, 'C12')) {
      yield A.setpriv;
      page.PagePrivate = true;
      page.private_ = page.private_ | GRANT_FRAME_BIT;
    } else {
      yield A.grantbit;
      page.private_ = page.private_ | GRANT_FRAME_BIT;
    }
    yield A.dba;
    kmap_op.dev_bus_addr = page.index as number;
    yield A.kindex;
    page.index = kmap_op;
  }
  const flags = yield* spin_lock_irqsave(k, g.m2p_override_lock, A.lock);
  yield A.add;
  list_add(k, A.add, page.lru, g.m2p_overrides[mfn % g.m2p_overrides.length]!);
  yield* spin_unlock_irqrestore(k, g.m2p_override_lock, flags, A.unlock);
  return 0;
}

/** `m2p_remove_override(page, clear_pte)` for page `i`; returns 0, -EINVAL (-22) or -1. */
export function* m2p_remove_override(k: K, i: number, clear_pte: boolean): Gen<number> {
  const g = grantOf(k.w);
  const page = g.pages[i]!;
  const pfn = page.pfn;
  const address = g.vpnOf(i);
  yield R.mfn;
  const mfn = g.p2m.get(pfn)!;
  if (mfn < FOREIGN_FRAME_BIT) return -22;
  g.atRemove.set(i, { private_: page.private_, index: page.index }); // ghost, for the property
  const flags = yield* spin_lock_irqsave(k, g.m2p_override_lock, R.lock);
  yield R.del;
  list_del(k, R.del, page.lru);
  yield* spin_unlock_irqrestore(k, g.m2p_override_lock, flags, R.unlock);
  if (!clear_pte) {
    yield R.p2m;
    g.p2m.set(pfn, page.index as number);
    return 0;
  }
  yield R.mapop;
  const map_op = page.index;
  if (!(map_op instanceof KmapOp)) throw new Error(`m2p_remove_override(clear_pte) on page ${i} added without a kmap_op: outside the API`);
  yield R.p2m;
  g.p2m.set(pfn, map_op.dev_bus_addr);
  if (grantHas(g.cfg, 'C9')) {
    yield R.check1;
    if (map_op.handle === -1) yield* xen_mc_flush(k);
  }
  if (grantHas(g.cfg, 'C10')) {
    if (grantHas(g.cfg, 'C12')) {
      yield R.check2gnt;
      if (map_op.handle === GNTST_general_error) return -1;
    } else {
      yield R.check2;
      if (map_op.handle === -1) return -1;
    }
  }
  yield R.unmap;
  const handle = map_op.handle;
  yield* xen_mc_entry(k, { op: 'unmap_grant_ref', host_addr: map_op.host_addr, handle, page: i, cpu: k.cpu.id, queuedAt: k.w.stepNo });
  yield* xen_mc_issue(k);
  // pfn_pte(pfn, PAGE_KERNEL): xen_make_pte turns the pfn into pfn_to_mfn(pfn), just restored.
  yield* set_pte_at_init_mm(k, address, g.p2m.get(pfn)!);
  yield* __flush_tlb_single(k, address);
  yield R.hostaddr;
  map_op.host_addr = 0;
  return 0;
}
