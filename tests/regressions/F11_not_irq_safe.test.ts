/**
 * F11: not irq safe (contract).
 *
 * Description:
 * Not irq-safe (by design of vanilla, v1 and v2): vfree/vunmap/__get_vm_area_node
 * BUG_ON(in_interrupt()); plain spinlocks and GFP_KERNEL allocations reached from interrupt
 * context; with irqs disabled, the TLB flush (on_each_cpu: smp_call_function) WARNs, can deadlock,
 * and its closing local_irq_enable() returns the caller with irqs enabled
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.irq-hardirq-vmap.F11.json
 *   exhaustively: npx vmapcheck run scenarios/F11_not_irq_safe.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F11: every recorded counterexample still fails on its variant and keeping the calls within the contract removes it', () => {
  expectFinding('F11');
});

it('F11: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F11_not_irq_safe.vmc');
});
