/**
 * F15: irqsafe spin unlock irq.
 *
 * Description: The irq-safety patch uses spin_lock_irq/spin_unlock_irq in __purge_vmap_area_lazy (vmap_area_lock)
 * and vm_unmap_aliases (vb->lock). spin_unlock_irq enables interrupts unconditionally, so a caller
 * that had them disabled — vfree/vunmap/vm_unmap_ram with irqs off reaching a purge — returns with
 * interrupts enabled.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/irqsafe.irq-irqs-off-vfree.irq_state_balanced.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F15 still reproduces', () => {
  expectFinding('counterexamples/irqsafe.irq-irqs-off-vfree.irq_state_balanced.json', 'F15', false);
});
