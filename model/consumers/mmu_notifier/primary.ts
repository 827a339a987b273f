/**
 * The primary MM's paths that tear down or age user PTEs and so call the notifiers (2.6.27):
 * the page fault (do_anonymous_page, __do_fault for the XIP vmas), zap_page_range as
 * madvise(MADV_DONTNEED) calls it (invalidate_range_start ... end around unmap_vmas, then
 * tlb_finish_mmu frees the gathered pages), reclaim's try_to_unmap_one
 * (ptep_clear_flush_young_notify, ptep_clear_flush_notify, page_cache_release) and
 * page_referenced_one. One pte lock covers the mm (split ptlocks are not modelled).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { read_lock, read_unlock, spin_lock, spin_unlock } from '../../kernel/spinlock';
import { flush_tlb_kernel_range } from '../../kernel/mm';
import { mnOf, type Page } from './state';
import { mmu_notifier_invalidate_range_end, mmu_notifier_invalidate_range_start, ptep_clear_flush_notify, ptep_clear_flush_young_notify } from './mmu_notifier';
import { xip_file_fault } from './filemap_xip';

const A = sites('do_anonymous_page', {
  alloc: 'page = alloc_zeroed_user_highpage_movable(vma, address)',
  lock: 'page_table = pte_offset_map_lock(mm, pmd, address, &ptl)',
  set: 'if (!pte_none(*page_table)) goto release; set_pte_at(mm, address, page_table, entry)',
  unlock: 'pte_unmap_unlock(page_table, ptl)',
});
const H = sites('handle_pte_fault', { entry: 'entry = *pte; if (!pte_present(entry)) { if (pte_none(entry)) ... }' });
const D = sites('__do_fault', {
  lock: 'page_table = pte_offset_map_lock(mm, pmd, address, &ptl)',
  set: 'if (likely(pte_same(*page_table, orig_pte))) set_pte_at(...); else page_cache_release(page)',
  unlock: 'pte_unmap_unlock(page_table, ptl)',
});
const Z = sites('zap_page_range', {
  sem: 'down_read(&current->mm->mmap_sem) (madvise)',
  lock: 'pte = pte_offset_map_lock(mm, pmd, addr, &ptl)',
  clear: 'ptent = ptep_get_and_clear_full(mm, addr, pte, tlb->fullmm); page_remove_rmap(page, vma); tlb_remove_page(tlb, page)',
  unlock: 'pte_unmap_unlock(pte - 1, ptl)',
  flush: 'tlb_finish_mmu: tlb_flush(tlb)',
  free: 'tlb_finish_mmu: free_pages_and_swap_cache(tlb->pages, tlb->nr)',
  up: 'up_read(&current->mm->mmap_sem)',
});
const T = sites('try_to_unmap_one', {
  isolate: 'isolate_lru_page(page) (get_page)',
  anon: 'anon_vma = page_lock_anon_vma(page)',
  check: 'pte = page_check_address(page, mm, address, &ptl)',
  young: 'if (ptep_clear_flush_young_notify(vma, address, pte)) { ret = SWAP_FAIL; goto out_unmap; }',
  rmap: 'page_remove_rmap(page, vma); page_cache_release(page)',
  unlock_pte: 'pte_unmap_unlock(pte, ptl)',
  unlock: 'page_unlock_anon_vma(anon_vma)',
  free: 'shrink_page_list: if (page_count(page) == 1) free the page, else putback (put_page)',
});
const Y = sites('page_referenced_one', { check: 'pte = page_check_address(page, mm, address, &ptl)', unlock: 'pte_unmap_unlock(pte, ptl)' });

/**
 * `handle_mm_fault(mm, vma, address, write)` with mmap_sem held for read by the caller:
 * handle_pte_fault reads the PTE without the lock and only a pte_none entry goes on to
 * do_anonymous_page / do_linear_fault, which re-check under the pte lock.
 */
export function* handle_mm_fault(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  const vma = s.vma(vpn);
  if (vma === undefined) throw new Error(`fault at vpn ${vpn}: no vma there (outside the API)`);
  yield H.entry;
  if (s.pte.has(vpn)) return; // present: nothing to fault in (the accessed bit is not modelled)
  if (!vma.file) {
    yield A.alloc;
    const page = s.allocPage();
    yield* spin_lock(k, s.ptl, A.lock);
    yield A.set;
    if (s.pte.has(vpn)) s.putPage(page);
    else s.pte.set(vpn, page.pfn);
    yield* spin_unlock(k, s.ptl, A.unlock);
    return;
  }
  const page = yield* xip_file_fault(k, vma, vpn);
  if (page === null) return;
  yield* spin_lock(k, s.ptl, D.lock);
  yield D.set;
  if (s.pte.has(vpn)) s.putPage(page);
  else s.pte.set(vpn, page.pfn);
  yield* spin_unlock(k, s.ptl, D.unlock);
}

/** A user access faulting at `vpn`: down_read(mmap_sem); handle_mm_fault; up_read. */
export function* user_fault(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  yield* read_lock(k, s.mmap_sem, Z.sem);
  yield* handle_mm_fault(k, vpn);
  yield* read_unlock(k, s.mmap_sem, Z.up);
}

/** madvise(MADV_DONTNEED) of [vpn, vpn + n): zap_page_range. */
export function* zap_page_range(k: K, vpn: number, n: number): Gen {
  const s = mnOf(k.w);
  yield* read_lock(k, s.mmap_sem, Z.sem);
  yield* mmu_notifier_invalidate_range_start(k, vpn, vpn + n);
  const gathered: Page[] = [];
  yield* spin_lock(k, s.ptl, Z.lock);
  for (let v = vpn; v < vpn + n; v++) {
    yield Z.clear;
    const pfn = s.pte.get(v);
    if (pfn === undefined) continue;
    s.pte.delete(v);
    const page = s.page(pfn);
    if (page) gathered.push(page);
  }
  yield* spin_unlock(k, s.ptl, Z.unlock);
  yield* mmu_notifier_invalidate_range_end(k, vpn, vpn + n);
  const a = BigInt(vpn) << BigInt(k.w.layout.PAGE_SHIFT);
  yield* flush_tlb_kernel_range(k, a, a + (BigInt(n) << BigInt(k.w.layout.PAGE_SHIFT)), Z.flush);
  for (const p of gathered) {
    yield Z.free;
    s.putPage(p);
  }
  yield* read_unlock(k, s.mmap_sem, Z.up);
}

/** Reclaim of the anonymous page mapped at `vpn`: try_to_unmap_one, then free it if nobody else holds it. */
export function* reclaim_page(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.ptl, T.isolate);
  const pfn = s.pte.get(vpn);
  const page = pfn === undefined ? undefined : s.page(pfn);
  if (page === undefined || s.vma(vpn)?.file !== false) {
    yield* spin_unlock(k, s.ptl, T.isolate);
    return;
  }
  page.count++; // the LRU isolation reference
  yield* spin_unlock(k, s.ptl, T.isolate);
  yield* spin_lock(k, s.anon_vma_lock, T.anon);
  yield* spin_lock(k, s.ptl, T.check);
  if (s.pte.get(vpn) === page.pfn) {
    yield T.young;
    const young = yield* ptep_clear_flush_young_notify(k, vpn);
    if (!young) {
      yield* ptep_clear_flush_notify(k, vpn);
      yield T.rmap;
      s.putPage(page);
    }
  }
  yield* spin_unlock(k, s.ptl, T.unlock_pte);
  yield* spin_unlock(k, s.anon_vma_lock, T.unlock);
  yield T.free;
  s.putPage(page);
}

/** page_referenced_one for the page at `vpn`: ptep_clear_flush_young_notify under the pte lock. */
export function* page_referenced_one(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.ptl, Y.check);
  if (s.pte.has(vpn)) yield* ptep_clear_flush_young_notify(k, vpn);
  yield* spin_unlock(k, s.ptl, Y.unlock);
}
