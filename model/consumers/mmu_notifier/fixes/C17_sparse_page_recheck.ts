/**
 * C17 fix: xip_sparse_page re-checks __xip_sparse_page under xip_alloc_lock and frees its
 * page when it lost the race — the double-checked initialisation seed 003's filemap_xip.c
 * has. The finding is on the version without the re-check (the audit's control):
 *
 *   	if (!__xip_sparse_page) {
 *   		struct page *page = alloc_page(GFP_HIGHUSER | __GFP_ZERO);
 *   		if (page) {
 *   			spin_lock(&xip_alloc_lock);
 *   -			__xip_sparse_page = page;
 *   +			if (!__xip_sparse_page)
 *   +				__xip_sparse_page = page;
 *   +			else
 *   +				__free_page(page);
 *   			spin_unlock(&xip_alloc_lock);
 *
 * The seed's statements are filemap_xip.ts's as-posted branch; the fix switches to it.
 */
import type { ConsumerFix } from '../../fix';
import type { MnConfig } from '../state';
import type { MnScenario } from '../types';

/** C17: xip_sparse_page without its re-check. */
export const C17: ConsumerFix<MnConfig, MnScenario> = {
  id: 'C17',
  consumer: 'mmu_notifier',
  kind: 'defect',
  title: "xip_sparse_page without the re-check under xip_alloc_lock: two first callers each allocate a page and the later store wins — the other page leaks and callers see two different sparse pages",
  fix: "if (!__xip_sparse_page) ... else __free_page(page) under xip_alloc_lock (seed 003's xip_sparse_page)",
  experiment: (cfg, scn) => (cfg.xip === 'without-recheck' ? { cfg: { ...cfg, xip: 'as-posted' }, scn } : null),
};
