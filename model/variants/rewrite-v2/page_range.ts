/**
 * Page table manipulation of the rewrite: vunmap_page_range, vmap_page_range (with the
 * running index `nr`), unmap_kernel_range, map_vm_area.
 *
 * The pgd/pud/pmd loops are folded into one loop over pages that calls pte_alloc_kernel
 * at each PMD boundary, as the C does once per vmap_pte_range call. Each PTE load/store is
 * a step: other CPUs' page walkers read PTEs without any lock.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON, WARN_ON } from '../../kernel/assert';
import { flush_cache_vmap, flush_tlb_kernel_range, newPmd, pte_alloc_kernel } from '../../kernel/mm';
import { ENOMEM, G } from './state';

const U = sites('vunmap_page_range', {
  bug: 'BUG_ON(addr >= end)',
  pte: 'ptent = ptep_get_and_clear(&init_mm, addr, pte); WARN_ON(!pte_none(ptent) && !pte_present(ptent))',
});

/** Clear the PTEs of [addr, end); PMDs without a PTE page are skipped (pmd_none_or_clear_bad). */
export const vunmap_page_range = kfn('vunmap_page_range', function* (k: K, addr: bigint, end: bigint): Gen {
  const { W, PAGE_SIZE } = G(k).c;
  const mm = k.w.mm;
  BUG_ON(k, addr >= end, U.bug, 'addr >= end');
  do {
    const vpn = mm.vpn(addr);
    if (mm.hasPtePage(vpn)) {
      yield U.pte;
      mm.ptep_get_and_clear(vpn);
      k.w.trace.push({ t: 'pte', i: k.w.stepNo, vpn, what: 'clear' });
    }
    addr = W.add(addr, PAGE_SIZE);
  } while (addr !== end);
});

const M = sites('vmap_page_range', {
  bug: 'BUG_ON(addr >= end)',
  pte: 'if (WARN_ON(!pte_none(*pte))) return -EBUSY; if (WARN_ON(!page)) return -ENOMEM; set_pte_at(...); (*nr)++',
});

/**
 * Set up page tables in kva [addr, end) from `pages`; returns the number of pages mapped
 * or a negative errno. As in the C, vmap_pmd_range turns any vmap_pte_range error into
 * -ENOMEM, and flush_cache_vmap(addr, end) runs with the loop-advanced `addr`.
 */
export const vmap_page_range = kfn('vmap_page_range', function* (k: K, addr: bigint, end: bigint, pages: readonly (number | null)[]): Gen<number> {
  const { W, PAGE_SIZE } = G(k).c;
  const mm = k.w.mm;
  BUG_ON(k, addr >= end, M.bug, 'addr >= end');
  const start = addr;
  let nr = 0;
  let err = 0;
  let prev: number | null = null;
  do {
    const vpn = mm.vpn(addr);
    if (newPmd(mm, prev, vpn) && !(yield* pte_alloc_kernel(k, vpn))) {
      err = ENOMEM;
      break;
    }
    prev = vpn;
    yield M.pte;
    const page = pages[nr] ?? null;
    if (WARN_ON(k, !mm.pte_none(vpn), M.pte, '!pte_none(*pte)') || WARN_ON(k, page === null, M.pte, '!page')) {
      err = ENOMEM; // -EBUSY / -ENOMEM from vmap_pte_range become -ENOMEM in vmap_pmd_range
      break;
    }
    mm.set_pte_at(vpn, page!);
    k.w.trace.push({ t: 'pte', i: k.w.stepNo, vpn, what: 'set', pfn: page! });
    nr++;
    addr = W.add(addr, PAGE_SIZE);
  } while (addr !== end);
  // The pgd loop leaves `addr` at `end` on success and at the failing pgd chunk's start on
  // error; the model treats the whole range as one pgd chunk (divergence: pgd granularity).
  G(k).fn.vmap_page_range_flush(k, start, addr, end, err);
  if (err) return err;
  return nr;
});

/**
 * Fix point: vmap_page_range's closing `flush_cache_vmap(addr, end)`, with `addr` as the
 * loop left it (== end on success: the flush covers nothing, F2). `start` and `addr` are
 * also the ghost record of what was mapped, [start, addr).
 */
export function vmap_page_range_flush(k: K, start: bigint, addr: bigint, end: bigint, err: number): void {
  flush_cache_vmap(k, err ? start : addr, end, start, addr);
}

const K_ = sites('unmap_kernel_range', { flush: 'flush_tlb_kernel_range(addr, end)' });

/** `unmap_kernel_range(addr, size)`: unmap and flush at once (used by callers outside vmalloc.c). */
export const unmap_kernel_range = kfn('unmap_kernel_range', function* (k: K, addr: bigint, size: bigint): Gen {
  const end = k.w.word.add(addr, size);
  yield* vunmap_page_range(k, addr, end);
  yield* flush_tlb_kernel_range(k, addr, end, K_.flush);
});

/** `map_vm_area(area, prot, pages)`: maps area->size minus the guard page; `pages` advances. */
export const map_vm_area = kfn('map_vm_area', function* (k: K, addr: bigint, size: bigint, pages: { arr: readonly (number | null)[]; off: number }): Gen<number> {
  const W = k.w.word;
  const end = W.sub(W.add(addr, size), G(k).c.PAGE_SIZE);
  let err = yield* G(k).fn.vmap_page_range(k, addr, end, pages.arr.slice(pages.off));
  if (err > 0) {
    pages.off += err;
    err = 0;
  }
  return err;
});
