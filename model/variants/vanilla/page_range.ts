/**
 * vanilla: the kernel page-table walkers of 2.6.26 mm/vmalloc.c — unmap_kernel_range (which
 * ends in an immediate flush_tlb_kernel_range), unmap_vm_area, and map_vm_area with its
 * `struct page ***pages` cursor. 2.6.26 has no vunmap_page_range / vmap_page_range: their
 * pgd loops live in unmap_kernel_range and map_vm_area (the rewrite split them out).
 *
 * Page-table levels: the model's Mm has page-table pages only at the PTE level (one per
 * PMD, PTRS_PER_PTE pages). pgd and pud are folded as on 2-level x86-32: pgd_addr_end /
 * pud_addr_end return `end`, pgd_none/pud_none are false and pud_alloc/pmd_alloc cannot
 * fail. Their loops therefore run once; the PMD loop splits the range exactly as C does.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON, WARN_ON, oops } from '../../kernel/assert';
import { flush_cache_vmap, flush_tlb_kernel_range, pte_alloc_kernel } from '../../kernel/mm';
import type { KObject } from '../../kernel/slab';
import type { ulong } from '../../kernel/word';
import { area_read, type VmStruct } from './struct';

/** `pgprot_t`: the model maps every page the same way; kept for the C signatures. */
export type PgProt = 'PAGE_KERNEL';
export const PAGE_KERNEL: PgProt = 'PAGE_KERNEL';

/** -ENOMEM */
export const ENOMEM = 12;

/**
 * `struct page ***pages`: the caller's `struct page **` (an array of pfn | NULL) and how far
 * map_vm_area has advanced it (`(*pages)++`). `owner` is the object holding the array
 * (vm_struct's pages array) or null for the caller's own array (vmap's argument).
 */
export interface PagesCursor {
  readonly arr: readonly (number | null)[];
  readonly owner: KObject | null;
  i: number;
}

const page_shift = (k: K): number => k.w.layout.PAGE_SHIFT;
const page_size = (k: K): ulong => 1n << BigInt(k.w.layout.PAGE_SHIFT);

/** pgd_addr_end / pud_addr_end with the level folded: the range is never split. */
function folded_addr_end(_addr: ulong, end: ulong): ulong {
  return end;
}

/** `pmd_addr_end(addr, end)` with PMD_SIZE = PTRS_PER_PTE pages; wraps like C. */
function pmd_addr_end(k: K, addr: ulong, end: ulong): ulong {
  const w = k.w.word;
  const PMD_SIZE = w.shl(BigInt(k.w.layout.PTRS_PER_PTE), page_shift(k));
  const boundary = w.add(addr, PMD_SIZE) & w.not(w.sub(PMD_SIZE, 1n));
  return w.sub(boundary, 1n) < w.sub(end, 1n) ? boundary : end;
}

/** `pmd_none_or_clear_bad(pmd)`: no PTE page for this PMD (a pmd is never bad in the model). */
function pmd_none_or_clear_bad(k: K, addr: ulong): boolean {
  const mm = k.w.mm;
  return !mm.ptePages.has(Math.floor(mm.vpn(addr) / mm.PTRS_PER_PTE));
}

const UP = sites('vunmap_pte_range', {
  clear: 'pte_t ptent = ptep_get_and_clear(&init_mm, addr, pte)',
  warn: 'WARN_ON(!pte_none(ptent) && !pte_present(ptent))',
});

/** `vunmap_pte_range(pmd, addr, end)`: one step per PTE cleared. */
function* vunmap_pte_range(k: K, addr: ulong, end: ulong): Gen {
  const mm = k.w.mm;
  do {
    yield UP.clear;
    const vpn = mm.vpn(addr);
    const ptent = mm.ptep_get_and_clear(vpn);
    if (k.w.trace.enabled) k.w.trace.push({ t: 'pte', i: k.w.stepNo, vpn, what: 'clear' });
    // A model PTE is either none or present, so this cannot fire; kept as written.
    const none = ptent === undefined;
    const present = ptent !== undefined;
    WARN_ON(k, !none && !present, UP.warn, '!pte_none(ptent) && !pte_present(ptent)');
    addr = k.w.word.add(addr, page_size(k));
  } while (addr !== end);
}

/** `vunmap_pmd_range(pud, addr, end)` */
function* vunmap_pmd_range(k: K, addr: ulong, end: ulong): Gen {
  do {
    const next = pmd_addr_end(k, addr, end);
    if (!pmd_none_or_clear_bad(k, addr)) yield* vunmap_pte_range(k, addr, next); // else `continue`
    addr = next;
  } while (addr !== end);
}

/** `vunmap_pud_range(pgd, addr, end)`: pud folded (pud_none_or_clear_bad is 0). */
function* vunmap_pud_range(k: K, addr: ulong, end: ulong): Gen {
  do {
    const next = folded_addr_end(addr, end);
    yield* vunmap_pmd_range(k, addr, next);
    addr = next;
  } while (addr !== end);
}

const U = sites('unmap_kernel_range', {
  bug: 'BUG_ON(addr >= end)',
  flush: 'flush_tlb_kernel_range(start, end)',
});

/** `unmap_kernel_range(addr, size)`: clear every PTE, then flush every CPU's TLB at once. */
export const unmap_kernel_range = kfn('unmap_kernel_range', function* (k: K, addr: ulong, size: ulong): Gen {
  const start = addr;
  const end = k.w.word.add(addr, size);
  BUG_ON(k, addr >= end, U.bug, 'addr >= end');
  // pgd = pgd_offset_k(addr); flush_cache_vunmap(addr, end) is a no-op on x86 and the model
  // has no primitive for it (the cache-flush property tracks flush_cache_vmap only).
  do {
    const next = folded_addr_end(addr, end); // pgd_none_or_clear_bad(pgd) is 0: folded
    yield* vunmap_pud_range(k, addr, next);
    addr = next;
  } while (addr !== end);
  yield* flush_tlb_kernel_range(k, start, end, U.flush);
});

/** `unmap_vm_area(area)`: the whole area, guard page included (area->size). */
export const unmap_vm_area = kfn('unmap_vm_area', function* (k: K, area: VmStruct): Gen {
  yield* unmap_kernel_range(k, area.addr, area.size); // called under vmlist_lock with area on vmlist
});

const MP = sites('vmap_pte_range', {
  set: 'page = **pages; WARN_ON(!pte_none(*pte)); if (!page) return -ENOMEM; set_pte_at(&init_mm, addr, pte, mk_pte(page, prot))',
  warn: 'WARN_ON(!pte_none(*pte))',
});

/** `**pages`: read the page the cursor points at. */
function deref_pages(k: K, pages: PagesCursor): number | null {
  if (pages.owner !== null && pages.owner.freed) {
    oops(k, MP.set, `BUG: unable to handle kernel paging request: use-after-free of ${pages.owner.kind}#${pages.owner.id} via **pages`);
  }
  const page = pages.arr[pages.i];
  if (page === undefined) oops(k, MP.set, `BUG: unable to handle kernel paging request: **pages reads past the end of the pages array (index ${pages.i})`);
  return page;
}

/**
 * `vmap_pte_range(pmd, addr, end, prot, pages)`: one step per PTE. The pte_none read, the
 * NULL check and the store are one step: only an overlapping area could race on this PTE.
 * As in 2.6.26 the non-empty PTE only WARNs and is then overwritten.
 */
function* vmap_pte_range(k: K, addr: ulong, end: ulong, _prot: PgProt, pages: PagesCursor): Gen<number> {
  const mm = k.w.mm;
  if (!(yield* pte_alloc_kernel(k, mm.vpn(addr)))) return -ENOMEM;
  do {
    yield MP.set;
    const page = deref_pages(k, pages);
    const vpn = mm.vpn(addr);
    WARN_ON(k, !mm.pte_none(vpn), MP.warn, '!pte_none(*pte)');
    if (page === null) return -ENOMEM;
    mm.set_pte_at(vpn, page);
    if (k.w.trace.enabled) k.w.trace.push({ t: 'pte', i: k.w.stepNo, vpn, what: 'set', pfn: page });
    pages.i++; // (*pages)++
    addr = k.w.word.add(addr, page_size(k));
  } while (addr !== end);
  return 0;
}

/** `vmap_pmd_range(pud, addr, end, prot, pages)`: pmd_alloc cannot fail (folded). */
function* vmap_pmd_range(k: K, addr: ulong, end: ulong, prot: PgProt, pages: PagesCursor): Gen<number> {
  do {
    const next = pmd_addr_end(k, addr, end);
    if (yield* vmap_pte_range(k, addr, next, prot, pages)) return -ENOMEM;
    addr = next;
  } while (addr !== end);
  return 0;
}

/** `vmap_pud_range(pgd, addr, end, prot, pages)`: pud_alloc cannot fail (folded). */
function* vmap_pud_range(k: K, addr: ulong, end: ulong, prot: PgProt, pages: PagesCursor): Gen<number> {
  do {
    const next = folded_addr_end(addr, end);
    if (yield* vmap_pmd_range(k, addr, next, prot, pages)) return -ENOMEM;
    addr = next;
  } while (addr !== end);
  return 0;
}

const M = sites('map_vm_area', {
  read: 'unsigned long addr = (unsigned long) area->addr; unsigned long end = addr + area->size - PAGE_SIZE',
  bug: 'BUG_ON(addr >= end)',
  cache: 'flush_cache_vmap((unsigned long) area->addr, end)',
});

/** `map_vm_area(area, prot, pages)`: maps area->size - PAGE_SIZE bytes (not the guard page); 0 or -ENOMEM. */
export const map_vm_area = kfn('map_vm_area', function* (k: K, area: VmStruct, prot: PgProt, pages: PagesCursor): Gen<number> {
  const w = k.w.word;
  let addr = area_read(k, area, M.read, 'addr').addr;
  const end = w.sub(w.add(addr, area.size), page_size(k));
  let err = 0;
  BUG_ON(k, addr >= end, M.bug, 'addr >= end');
  // pgd = pgd_offset_k(addr);
  do {
    const next = folded_addr_end(addr, end);
    err = yield* vmap_pud_range(k, addr, next, prot, pages);
    if (err) break;
    addr = next;
  } while (addr !== end);
  // ghost mapped range: [area->addr, end) — vanilla flushes from the original area->addr,
  // so the flushed range is the mapped one (the rewrite's vmap_page_range does not).
  const start = area_read(k, area, M.cache, 'addr').addr;
  flush_cache_vmap(k, start, end, start, end);
  return err;
});
