/**
 * mm/filemap_xip.c of seed 003 (the mmu-notifiers core commit's version): xip_sparse_page()
 * with its double-checked initialisation under xip_alloc_lock, __xip_unmap() walking the
 * file's vmas and clearing the sparse page with ptep_clear_flush_notify, xip_file_fault()
 * and __xip_file_write()'s block allocation. get_xip_mem is the filesystem's: a pgoff whose
 * block exists maps XIP memory (pfn XIP_PFN_BASE + pgoff), a hole gives -ENODATA.
 * Versions: 'without-recheck' drops the second `if (!__xip_sparse_page)` (what the double
 * check prevents); 'ebusy-fixed' tolerates vm_insert_mixed's -EBUSY, as later filemap_xip.c
 * does ("we've raced against another thread that faulted-in the same page"), where the
 * seed's code has BUG_ON(err); 'sparse-seq-fixed' is later filemap_xip.c's answer to the
 * fault-vs-__xip_unmap race as well (not in the seed): the sparse fault re-reads
 * get_xip_mem and inserts the sparse page (vm_insert_page) under xip_sparse_mutex inside a
 * xip_sparse_seq write section, and __xip_unmap redoes its walk under the mutex when the
 * sequence moved.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { mnHas, mnOf, XIP_PFN_BASE, type Page, type Vma } from './state';
import { ptep_clear_flush_notify } from './mmu_notifier';

const SP = sites('xip_sparse_page', {
  test: 'if (!__xip_sparse_page)',
  alloc: 'page = alloc_page(GFP_HIGHUSER | __GFP_ZERO)',
  lock: 'spin_lock(&xip_alloc_lock)',
  retest: 'if (!__xip_sparse_page) __xip_sparse_page = page; else __free_page(page)',
  set: '__xip_sparse_page = page',
  unlock: 'spin_unlock(&xip_alloc_lock)',
  ret: 'return __xip_sparse_page',
});
const U = sites('__xip_unmap', {
  page: 'page = __xip_sparse_page; if (!page) return',
  lock: 'spin_lock(&mapping->i_mmap_lock)',
  check: 'pte = page_check_address(page, mm, address, &ptl)',
  check_unlock: 'page_check_address: pte_unmap_unlock(pte, *ptlp); return NULL (not this page)',
  rmap: 'page_remove_rmap(page, vma); dec_mm_counter(mm, file_rss)',
  unlock_pte: 'pte_unmap_unlock(pte, ptl)',
  release: 'page_cache_release(page)',
  unlock: 'spin_unlock(&mapping->i_mmap_lock)',
});
const F = sites('xip_file_fault', {
  get: 'error = mapping->a_ops->get_xip_mem(mapping, vmf->pgoff, 0, &xip_mem, &xip_pfn)',
  lock: 'vm_insert_mixed: pte = get_locked_pte(mm, addr, &ptl)',
  insert: 'vm_insert_mixed: if (!pte_none(*pte)) goto out_unlock; set_pte_at(mm, addr, pte, pte_mkspecial(pfn_pte(pfn, prot)))',
  unlock: 'vm_insert_mixed: pte_unmap_unlock(pte, ptl)',
  bug: 'BUG_ON(err)',
  get_page: 'page_cache_get(page); vmf->page = page',
});
const Q = sites('xip_file_fault (xip_sparse_seq)', {
  lock: 'mutex_lock(&xip_sparse_mutex)',
  begin: 'write_seqcount_begin(&xip_sparse_seq)',
  get: 'error = mapping->a_ops->get_xip_mem(mapping, vmf->pgoff, 0, &xip_mem, &xip_pfn); if (unlikely(!error)) goto again',
  ptl: 'vm_insert_page: pte = get_locked_pte(mm, addr, &ptl)',
  insert: 'vm_insert_page: if (!pte_none(*pte)) goto out_unlock; get_page(page); set_pte_at(mm, addr, pte, mk_pte(page, prot))',
  unptl: 'vm_insert_page: pte_unmap_unlock(pte, ptl)',
  end: 'write_seqcount_end(&xip_sparse_seq)',
  unlock: 'mutex_unlock(&xip_sparse_mutex)',
});
const US = sites('__xip_unmap (xip_sparse_seq)', {
  begin: 'count = read_seqcount_begin(&xip_sparse_seq)',
  retry: 'else if (read_seqcount_retry(&xip_sparse_seq, count)) { mutex_lock(&xip_sparse_mutex); locked = 1; goto retry; }',
  unlock: 'if (locked) mutex_unlock(&xip_sparse_mutex)',
});
const W = sites('__xip_file_write', {
  lock: 'mutex_lock(&inode->i_mutex)',
  get: 'status = a_ops->get_xip_mem(mapping, index, 0, &xip_mem, &xip_pfn)',
  create: 'status = a_ops->get_xip_mem(mapping, index, 1, &xip_mem, &xip_pfn)',
  unlock: 'mutex_unlock(&inode->i_mutex)',
});

/** `xip_sparse_page()` */
export function* xip_sparse_page(k: K): Gen<Page | null> {
  const s = mnOf(k.w);
  yield SP.test;
  if (!s.__xip_sparse_page) {
    yield SP.alloc;
    const page = s.allocPage();
    s.sparseAllocated.push(page); // ghost
    yield* spin_lock(k, s.xip_alloc_lock, SP.lock);
    if (s.cfg.xip === 'without-recheck') {
      yield SP.set;
      s.__xip_sparse_page = page;
    } else {
      yield SP.retest;
      if (!s.__xip_sparse_page) s.__xip_sparse_page = page;
      else s.putPage(page);
    }
    yield* spin_unlock(k, s.xip_alloc_lock, SP.unlock);
  }
  yield SP.ret;
  const r = s.__xip_sparse_page;
  s.sparseReturned.push(r); // ghost
  return r;
}

/** The user address of `pgoff` in `vma` (BUG_ON outside it, as __xip_unmap does). */
function addressOf(v: Vma, pgoff: number): number {
  return v.start + (pgoff - v.pgoff);
}

/** `__xip_unmap(mapping, pgoff)`: unmap the sparse page at pgoff from every vma of the file. */
export function* __xip_unmap(k: K, pgoff: number): Gen {
  const s = mnOf(k.w);
  const seq = mnHas(s.cfg, 'C16');
  let count = 0;
  if (seq) {
    // read_seqcount_begin spins while a writer is inside: modelled as a wait.
    s.retry.set(k.ctx, () => (s.xip_sparse_seq & 1) === 0);
    yield US.begin;
    s.retry.delete(k.ctx);
    count = s.xip_sparse_seq;
  }
  yield U.page;
  const page = s.__xip_sparse_page;
  if (!page) return;
  let locked = false;
  for (;;) {
    yield* unmapWalk(k, pgoff, page);
    if (!seq) return;
    if (locked) {
      yield* spin_unlock(k, s.xip_sparse_mutex, US.unlock);
      return;
    }
    yield US.retry;
    if (s.xip_sparse_seq === count) return;
    yield* spin_lock(k, s.xip_sparse_mutex, US.retry);
    locked = true;
  }
}

/** The i_mmap walk of __xip_unmap. */
function* unmapWalk(k: K, pgoff: number, page: Page): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.i_mmap_lock, U.lock);
  for (const vma of s.vmas) {
    if (!vma.file || pgoff < vma.pgoff || addressOf(vma, pgoff) >= vma.end) continue; // vma_prio_tree_foreach
    const address = addressOf(vma, pgoff);
    yield* spin_lock(k, s.ptl, U.check);
    if (s.pte.get(address) !== page.pfn) {
      yield* spin_unlock(k, s.ptl, U.check_unlock);
      continue;
    }
    yield* ptep_clear_flush_notify(k, address);
    yield U.rmap;
    yield* spin_unlock(k, s.ptl, U.unlock_pte);
    yield U.release;
    s.putPage(page);
  }
  yield* spin_unlock(k, s.i_mmap_lock, U.unlock);
}

/** `xip_file_fault(vma, vmf)` on a private read-only vma: returns the page for __do_fault to map, or null (VM_FAULT_NOPAGE / OOM). */
export function* xip_file_fault(k: K, vma: Vma, vpn: number): Gen<Page | null> {
  const s = mnOf(k.w);
  const pgoff = vma.pgoff + (vpn - vma.start);
  yield F.get;
  if (s.blocks.has(pgoff)) {
    // found: vm_insert_mixed(vma, vaddr, xip_pfn)
    yield* spin_lock(k, s.ptl, F.lock);
    yield F.insert;
    let err = 0;
    if (s.pte.has(vpn)) err = -16; // -EBUSY
    else s.pte.set(vpn, XIP_PFN_BASE + pgoff);
    yield* spin_unlock(k, s.ptl, F.unlock);
    const tolerant = mnHas(s.cfg, 'C15');
    if (!tolerant || err !== -16) BUG_ON(k, err !== 0, F.bug, `err (vm_insert_mixed returned ${err})`);
    return null;
  }
  if (mnHas(s.cfg, 'C16')) return yield* sparseFaultSeq(k, vma, vpn);
  // A hole in a vma that is not shared-writable: map the sparse page.
  const page = yield* xip_sparse_page(k);
  if (!page) return null;
  yield F.get_page;
  page.count++;
  return page;
}

/** Later xip_file_fault's sparse branch: returns null (VM_FAULT_NOPAGE; the page is inserted here), or retries from `again`. */
function* sparseFaultSeq(k: K, vma: Vma, vpn: number): Gen<Page | null> {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.xip_sparse_mutex, Q.lock);
  yield Q.begin;
  s.xip_sparse_seq++;
  yield Q.get;
  const again = s.blocks.has(vma.pgoff + (vpn - vma.start));
  if (!again) {
    const page = yield* xip_sparse_page(k);
    if (page) {
      yield* spin_lock(k, s.ptl, Q.ptl);
      yield Q.insert;
      if (!s.pte.has(vpn)) {
        page.count++;
        s.pte.set(vpn, page.pfn);
      }
      yield* spin_unlock(k, s.ptl, Q.unptl);
    }
  }
  yield Q.end;
  s.xip_sparse_seq++;
  yield* spin_unlock(k, s.xip_sparse_mutex, Q.unlock);
  if (again) return yield* xip_file_fault(k, vma, vpn);
  return null;
}

/** `__xip_file_write` for one page at `pgoff` under i_mutex: allocate the block of a hole, then unmap the sparse page there. */
export function* __xip_file_write(k: K, pgoff: number): Gen {
  const s = mnOf(k.w);
  yield* spin_lock(k, s.i_mutex, W.lock); // a mutex: blocking like the model's locks
  yield W.get;
  if (!s.blocks.has(pgoff)) {
    yield W.create;
    s.blocks.add(pgoff);
    yield* __xip_unmap(k, pgoff);
  }
  yield* spin_unlock(k, s.i_mutex, W.unlock);
}
