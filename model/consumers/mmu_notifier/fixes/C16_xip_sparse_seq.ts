/**
 * C16 fix: the sparse-page fault and __xip_unmap are serialised with xip_sparse_seq and
 * xip_sparse_mutex, as later mm/filemap_xip.c (2.6.32: "mm/filemap_xip.c: fix race
 * condition in xip_file_fault()", as far as recalled: not checked against the tree).
 * Against seed 003:
 *
 *   __xip_unmap():
 *   +	count = read_seqcount_begin(&xip_sparse_seq);
 *   	page = __xip_sparse_page;
 *   	if (!page)
 *   		return;
 *   +retry:
 *   	... walk i_mmap, ptep_clear_flush_notify the sparse page ...
 *   +	if (locked) {
 *   +		mutex_unlock(&xip_sparse_mutex);
 *   +	} else if (read_seqcount_retry(&xip_sparse_seq, count)) {
 *   +		mutex_lock(&xip_sparse_mutex);
 *   +		locked = 1;
 *   +		goto retry;
 *   +	}
 *   xip_file_fault(), hole, !VM_SHARED:
 *   -		page = xip_sparse_page();
 *   -		if (!page)
 *   -			return VM_FAULT_OOM;
 *   -		page_cache_get(page);
 *   -		vmf->page = page;
 *   -		return 0;
 *   +		mutex_lock(&xip_sparse_mutex);
 *   +		write_seqcount_begin(&xip_sparse_seq);
 *   +		error = mapping->a_ops->get_xip_mem(mapping, vmf->pgoff, 0, &xip_mem, &xip_pfn);
 *   +		if (unlikely(!error)) {
 *   +			write_seqcount_end(&xip_sparse_seq);
 *   +			mutex_unlock(&xip_sparse_mutex);
 *   +			goto again;
 *   +		}
 *   +		page = xip_sparse_page();
 *   +		...
 *   +		ret = vm_insert_page(vma, (unsigned long)vmf->virtual_address, page);
 *   +		write_seqcount_end(&xip_sparse_seq);
 *   +		mutex_unlock(&xip_sparse_mutex);
 *   +		return VM_FAULT_NOPAGE;
 *
 * The hunk is filemap_xip.ts's `mnHas(cfg, 'C16')` branches (sparseFaultSeq, __xip_unmap).
 */
import { addFix, type ConsumerFix } from '../../fix';
import { mnHas, type MnConfig } from '../state';
import type { MnScenario } from '../types';

/** C16: the sparse page installed after the write's __xip_unmap walked the vmas. */
export const C16: ConsumerFix<MnConfig, MnScenario> = {
  id: 'C16',
  consumer: 'mmu_notifier',
  kind: 'defect',
  title:
    "xip_file_fault on a hole returns the sparse page for __do_fault to map, with nothing ordering it against a write that fills the hole: __xip_unmap (ptep_clear_flush_notify of every mapping of the sparse page) can walk the vmas before the fault's PTE is set, so the sparse page (zeroes) stays mapped at an offset that now has a block",
  fix: 'xip_sparse_seq / xip_sparse_mutex around the sparse fault and a retried __xip_unmap (later mm/filemap_xip.c)',
  experiment: (cfg, scn) => {
    if (mnHas(cfg, 'C16')) return null;
    const c = addFix(cfg, 'C16');
    return c === null ? null : { cfg: c, scn };
  },
};
