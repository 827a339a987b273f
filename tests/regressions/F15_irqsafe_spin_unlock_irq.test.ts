/**
 * F15: irqsafe spin unlock irq (defect).
 *
 * Description:
 * irqsafe's __purge_vmap_area_lazy and vm_unmap_aliases use spin_lock_irq/spin_unlock_irq, which
 * re-enable irqs unconditionally: a caller that had irqs disabled (vfree/vunmap/vm_unmap_ram with
 * irqs off reaching a purge) returns with them enabled
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-softirq-vm_map_ram.F15.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F15 counterexamples/irqsafe.irq-softirq-vm_map_ram.F15.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F15: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F15');
});
