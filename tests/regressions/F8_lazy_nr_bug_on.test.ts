/**
 * F8: lazy nr bug on (defect).
 *
 * Description:
 * free_unmap_vmap_area sets VM_LAZY_FREE before atomic_add to vmap_lazy_nr: a concurrent purge
 * counts the area first and hits BUG_ON(nr > atomic_read(&vmap_lazy_nr))
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-softirq-vm_map_ram.F8.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F8 counterexamples/irqsafe.irq-softirq-vm_map_ram.F8.json
 *   exhaustively: npx vmapcheck run scenarios/F8_lazy_nr.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F8: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F8');
});

it('F8: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F8_lazy_nr.vmc');
});
