/**
 * F17: irqsafe purge irqs off (defect).
 *
 * Description:
 * irqsafe's free_unmap_vmap_area purges whenever !in_interrupt(): a caller with irqs disabled in
 * process context runs the purge's TLB flush (on_each_cpu: smp_call_function) with irqs off —
 * WARN, deadlock risk, and irqs re-enabled on return
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.tiny-nonpow2.F17.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F17 counterexamples/irqsafe.tiny-nonpow2.F17.json
 *   exhaustively: npx vmapcheck run scenarios/F17_irqsafe_purge_irqs_off.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F17: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F17');
});

it('F17: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F17_irqsafe_purge_irqs_off.vmc');
});
