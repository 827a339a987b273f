/**
 * F13: irqsafe untouched paths (contract).
 *
 * Description:
 * irqsafe still BUGs from interrupt context on paths the patch did not touch: vfree/vunmap's
 * BUG_ON(in_interrupt()), __purge_vmap_area_lazy's new BUG_ON(in_interrupt()) via alloc's purge-
 * and-retry, pte_alloc_kernel's GFP_KERNEL and init_mm.page_table_lock
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-softirq-vmap.F13.json
 *   exhaustively: npx vmapcheck run scenarios/F13_irqsafe_untouched_paths.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F13: every recorded counterexample still fails on its variant and keeping the calls within the contract removes it', () => {
  expectFinding('F13');
});

it('F13: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F13_irqsafe_untouched_paths.vmc');
});
