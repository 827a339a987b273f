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
 *   exhaustively: npx vmapcheck run scenarios/F15_irqsafe_unmap_aliases_irq_enable.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F15: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F15');
});

it('F15: F15_irqsafe_unmap_aliases_irq_enable.vmc holds its expectations exhaustively (Sometimes on irqsafe and irqsafe+F12, Never with F15)', () => {
  expectScenario('scenarios/F15_irqsafe_unmap_aliases_irq_enable.vmc');
});
