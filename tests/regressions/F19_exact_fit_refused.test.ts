/**
 * F19: exact fit refused (defect).
 *
 * Description:
 * alloc_vmap_area's hole walk tests addr + size >= first->va_start: a hole of exactly the
 * requested size is skipped, and an allocation that fits fails
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-softirq-vm_map_ram.F19.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F19 counterexamples/irqsafe.irq-softirq-vm_map_ram.F19.json
 *   exhaustively: npx vmapcheck run scenarios/F19_exact_fit_refused.vmc
 *   exhaustively: npx vmapcheck run scenarios/F19_exact_fit_refused_smp.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F19: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F19');
});

it('F19: F19_exact_fit_refused.vmc holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F19_exact_fit_refused.vmc');
});

it('F19: F19_exact_fit_refused_smp.vmc holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F19_exact_fit_refused_smp.vmc');
});
