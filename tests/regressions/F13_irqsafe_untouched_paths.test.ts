/**
 * F13: irqsafe untouched paths.
 *
 * Description: The irq-safety patch stops short of the paths it does not touch: vfree/vunmap/__get_vm_area_node
 * keep BUG_ON(in_interrupt()), alloc_vmap_area's purge-and-retry reaches the new
 * BUG_ON(in_interrupt()) in __purge_vmap_area_lazy, and pte_alloc_kernel still allocates with
 * GFP_KERNEL under a plain init_mm.page_table_lock ("we then still need to make kernel page table
 * allocations take a gfp mask and make the init_mm ptl interrupt safe").
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/irqsafe.irq-hardirq-vmalloc.no_bug.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F13 still reproduces', () => {
  expectFinding('counterexamples/irqsafe.irq-hardirq-vmalloc.no_bug.json', 'F13', false);
});
