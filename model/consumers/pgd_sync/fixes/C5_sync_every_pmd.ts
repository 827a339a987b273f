/**
 * C5 fix: _vmalloc_sync_all walks the vmalloc range a PMD at a time, without the insync
 * bitmap and the start cursor — the form 2.6.36's arch/x86/mm/fault.c has for 32-bit
 * (vmalloc_sync_all: `for (address = VMALLOC_START & PMD_MASK; address >= TASK_SIZE &&
 * address < FIXADDR_TOP; address += PMD_SIZE)`, list_for_each_entry over pgd_list under
 * pgd_lock). Against seed 001:
 *
 *   -	static DECLARE_BITMAP(insync, PTRS_PER_PGD);
 *   -	static unsigned long start = TASK_SIZE;
 *   	unsigned long address;
 *   	BUG_ON(SHARED_KERNEL_PMD);
 *   -	for (address = start; address >= TASK_SIZE; address += PGDIR_SIZE) {
 *   -		if (!test_bit(pgd_index(address), insync)) {
 *   +	for (address = VMALLOC_START & PMD_MASK;
 *   +	     address >= TASK_SIZE && address < FIXADDR_TOP; address += PMD_SIZE) {
 *   		spin_lock_irqsave(&pgd_lock, flags);
 *   		for (page = pgd_list; page; page = (struct page *)page->index)
 *   			if (!vmalloc_sync_one(page_address(page), address))
 *   				break;
 *   		spin_unlock_irqrestore(&pgd_lock, flags);
 *   -		if (!page) set_bit(pgd_index(address), insync);
 *   -	}
 *   -	if (address == start && test_bit(pgd_index(address), insync))
 *   -		start = address + PGDIR_SIZE;
 *   	}
 *
 * On PAE one pgd entry covers the whole kernel half: stepping by PGDIR_SIZE visits only
 * the pmd of its first address. FIXADDR_TOP is the top of the model's 32-bit space (the
 * loop ends when address wraps to 0, below TASK_SIZE).
 */
import { kfn, type Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { sites } from '../../../exec/site';
import { BUG_ON } from '../../../kernel/assert';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../../kernel/spinlock';
import { addFix, type ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';
import { GEO, pgs, type PgdFixPoints, type PgdPage } from '../state';
import { vmalloc_sync_one } from '../fault';
import { SHARED_KERNEL_PMD } from '../pgtable';

const S = sites('_vmalloc_sync_all (C5)', {
  bug: 'BUG_ON(SHARED_KERNEL_PMD)',
  loop: 'for (address = VMALLOC_START & PMD_MASK; address >= TASK_SIZE && address < FIXADDR_TOP; address += PMD_SIZE)',
  lock: 'spin_lock_irqsave(&pgd_lock, flags)',
  walk: 'for (page = pgd_list; page; page = (struct page *)page->index)',
  unlock: 'spin_unlock_irqrestore(&pgd_lock, flags)',
});

const sync_all = kfn('_vmalloc_sync_all', function* (k: K): Gen {
  const s = pgs(k.w);
  const PMD_SIZE = 1n << BigInt(GEO.PMD_SHIFT);
  yield S.bug;
  BUG_ON(k, SHARED_KERNEL_PMD(k), S.bug, 'SHARED_KERNEL_PMD');
  for (let address = k.w.layout.VMALLOC_START & ~(PMD_SIZE - 1n); address >= GEO.TASK_SIZE; address = k.w.word.add(address, PMD_SIZE)) {
    yield S.loop;
    const flags = yield* spin_lock_irqsave(k, s.pgd_lock, S.lock);
    for (let page: PgdPage | null = s.pgd_list; page !== null; page = page.index) {
      yield S.walk;
      if (!(yield* vmalloc_sync_one(k, page, address))) break;
    }
    yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, S.unlock);
  }
});

/** C5: _vmalloc_sync_all's PGDIR_SIZE stride on PAE. */
export const C5: ConsumerFix<PgdConfig, PgdScenario> & { install(f: PgdFixPoints): void } = {
  id: 'C5',
  consumer: 'pgd_sync',
  kind: 'defect',
  title:
    "_vmalloc_sync_all steps by PGDIR_SIZE and syncs the pmd of one address per pgd entry: on PAE one entry spans the whole kernel half, so only the pmd of TASK_SIZE is copied and the vmalloc area's pmd never reaches a private kernel pmd (Xen's unshared mode); after the first call `start` has moved past the top and the loop never runs again",
  fix: 'step by PMD_SIZE over the vmalloc range, no insync/start (2.6.36 vmalloc_sync_all)',
  experiment: (cfg, scn) => {
    const c = addFix(cfg, 'C5');
    return c === null ? null : { cfg: c, scn };
  },
  install(f) {
    f._vmalloc_sync_all = sync_all;
  },
};
