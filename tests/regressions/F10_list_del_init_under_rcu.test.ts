/**
 * F10: list del init under rcu (defect).
 *
 * Description:
 * vb_alloc's list_del_init(&vb->free_list) under an RCU walker (vm_unmap_aliases on another CPU):
 * the walker loops on the self-pointing entry, or follows the rcu_head that shares the union
 * storage
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-hardirq-vm_unmap_ram.F10.json
 *   exhaustively: npx vmapcheck run scenarios/F10_list_del_init_under_rcu.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F10: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F10');
});

it('F10: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F10_list_del_init_under_rcu.vmc');
});
