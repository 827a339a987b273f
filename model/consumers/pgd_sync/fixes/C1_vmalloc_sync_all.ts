/**
 * C1 fix: alloc_vm_area synchronises every page directory with vmalloc_sync_all() instead of
 * lock_vm_area()/unlock_vm_area() touching the pages with preemption disabled — the
 * replacement the review of seed 000 led to (Keir Fraser, Jeremy Fitzhardinge; 2.6.22's
 * mm/vmalloc.c alloc_vm_area, lock_vm_area removed). Against the seed as posted:
 *
 *   	if (apply_to_page_range(&init_mm, (unsigned long)area->addr,
 *   				area->size, f, NULL)) {
 *   		free_vm_area(area);
 *   		return NULL;
 *   	}
 *   +	// Make sure the pagetables are constructed in process kernel mappings
 *   +	vmalloc_sync_all();
 *   	return area;
 *   ...
 *   -void lock_vm_area(struct vm_struct *area) { ... preempt_disable(); __get_user(...) ... }
 *   -void unlock_vm_area(struct vm_struct *area) { preempt_enable(); }
 *
 * Both versions are in seed 000, so both are ports (vm_area.ts, the config's `version`):
 * this fix switches the version. The driver then calls the hypercall without the lock.
 */
import type { ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';

/** C1: lock_vm_area's faults with preemption disabled (the review's objection). */
export const C1: ConsumerFix<PgdConfig, PgdScenario> = {
  id: 'C1',
  consumer: 'pgd_sync',
  kind: 'defect',
  title:
    "lock_vm_area() (seed 000 as posted) makes the current mm's page tables by touching each page with __get_user after preempt_disable(): with CONFIG_PREEMPT=y and a fault handler that tests in_atomic() before handling a vmalloc fault (the order the review's objection assumed), the fault is refused, __get_user returns -EFAULT unseen, and the hypercall finds the area's pmd missing",
  fix: "vmalloc_sync_all() at the end of alloc_vm_area, lock_vm_area/unlock_vm_area removed (the review's replacement, 2.6.22)",
  experiment: (cfg, scn) => (cfg.version === 'posted' ? { cfg: { ...cfg, version: 'fixed' }, scn } : null),
};
