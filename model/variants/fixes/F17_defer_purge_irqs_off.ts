/**
 * F17 fix: irqsafe's free path defers the purge to keventd whenever it may not IPI, not only
 * in interrupt context.
 *
 *   --- a/mm/vmalloc.c   (irqsafe: rewrite v2 + the 2008-08-20 incremental patch; free_unmap_vmap_area)
 *   +++ b/mm/vmalloc.c
 *   @@ static void free_unmap_vmap_area(struct vmap_area *va)
 *    	if (unlikely(atomic_read(&vmap_lazy_nr) > lazy_max_pages())) {
 *   -		if (!in_interrupt())
 *   +		if (!in_interrupt() && !irqs_disabled())
 *    			purge_vmap_area_lazy();
 *    		else
 *    			schedule_work(&purge_work);
 *
 * The patch makes vm_unmap_ram callable with interrupts off, but a caller in process context
 * with irqs disabled (local_irq_save, or under an irqsave lock) is not in_interrupt(): it
 * purges on the spot, and the purge's flush_tlb_kernel_range -> on_each_cpu ->
 * smp_call_function runs with irqs off (WARN_ON(irqs_disabled()), a deadlock against a CPU
 * spinning with irqs off for a lock this one holds), and on_each_cpu's closing
 * local_irq_enable() returns the caller with irqs on. schedule_work is safe there.
 */
import { in_interrupt, irqs_disabled } from '../../kernel/irq';
import type { Fix } from './fix';

/** Purge now only in process context with irqs enabled. */
export const F17: Fix = {
  id: 'F17',
  title: "irqsafe free_unmap_vmap_area: purge now only if !in_interrupt() && !irqs_disabled(), else schedule_work",
  upstream: 'no upstream fix: the 2008-08-20 irq-safety patch was never merged (mainline vm_unmap_ram stayed process-context only); smp_call_function\'s rule "must not be called with interrupts disabled" is what it breaks',
  bases: ['irqsafe'],
  patch: () => ({
    free_unmap_purge_now: (k) => !in_interrupt(k) && !irqs_disabled(k),
  }),
};
