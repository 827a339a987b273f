/**
 * F12: irqsafe vb alloc irq leak (defect).
 *
 * Description:
 * irqsafe's vb_alloc takes vb->lock with spin_lock_irqsave but releases it with plain spin_unlock
 * on success: vm_map_ram returns with irqs disabled
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.tiny-top.F12.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F12 counterexamples/irqsafe.tiny-top.F12.json
 *   exhaustively: npx vmapcheck run scenarios/F12_irqsafe_vb_alloc_irq_leak.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F12: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F12');
});

it('F12: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F12_irqsafe_vb_alloc_irq_leak.vmc');
});
