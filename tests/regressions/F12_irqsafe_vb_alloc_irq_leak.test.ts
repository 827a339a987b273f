/**
 * F12: irqsafe vb alloc irq leak.
 *
 * Description: The 2008-08-20 irq-safety patch changes vb_alloc to spin_lock_irqsave(&vb->lock, flags) but leaves
 * the success path's spin_unlock(&vb->lock): vm_map_ram returns with interrupts disabled (and
 * `flags`, declared inside the loop, is lost), after which pte_alloc_kernel's GFP_KERNEL allocation
 * runs with irqs off.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/irqsafe.tiny-1cpu.irq_state_balanced.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F12 still reproduces', () => {
  expectFinding('counterexamples/irqsafe.tiny-1cpu.irq_state_balanced.json', 'F12', false);
});
