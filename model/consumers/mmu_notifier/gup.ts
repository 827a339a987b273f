/**
 * get_user_pages(tsk, mm, start, 1, write, 0, &page, NULL) for one page, as the secondary
 * MMUs' fault paths call it (KVM's gfn_to_pfn): under mmap_sem for read, follow_page takes
 * a reference on the page the PTE maps; if there is none, handle_mm_fault and retry.
 * Returns the pfn; for an allocator page the caller now holds a reference.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { read_lock, read_unlock, spin_lock, spin_unlock } from '../../kernel/spinlock';
import { mnOf } from './state';
import { handle_mm_fault } from './primary';

const G = sites('get_user_pages', {
  sem: 'down_read(&current->mm->mmap_sem)',
  follow: 'follow_page: ptep = pte_offset_map_lock(mm, pmd, address, &ptl)',
  get: 'follow_page: page = vm_normal_page(vma, address, pte); get_page(page)',
  unlock: 'follow_page: pte_unmap_unlock(ptep, ptl)',
  up: 'up_read(&current->mm->mmap_sem)',
});

/** `get_user_pages` of the page at `vpn`; returns its pfn. */
export function* get_user_pages(k: K, vpn: number): Gen<number> {
  const s = mnOf(k.w);
  yield* read_lock(k, s.mmap_sem, G.sem);
  for (;;) {
    yield* spin_lock(k, s.ptl, G.follow);
    yield G.get;
    const pfn = s.pte.get(vpn);
    if (pfn !== undefined) {
      const page = s.page(pfn);
      if (page) page.count++;
      yield* spin_unlock(k, s.ptl, G.unlock);
      yield* read_unlock(k, s.mmap_sem, G.up);
      return pfn;
    }
    yield* spin_unlock(k, s.ptl, G.unlock);
    yield* handle_mm_fault(k, vpn);
  }
}
