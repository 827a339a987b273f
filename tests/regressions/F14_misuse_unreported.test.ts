/**
 * F14: misuse unreported (defect).
 *
 * Description:
 * Misuse goes unreported: a second vunmap/vfree/vm_unmap_ram or a wrong count corrupts the layer
 * (double lazy free, dirty counted twice, use of a freed vm_struct) instead of hitting an
 * assertion
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.tiny-misuse.F14.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F14 counterexamples/irqsafe.tiny-misuse.F14.json
 *   exhaustively: npx vmapcheck run scenarios/F14_misuse_unreported.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F14: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F14');
});

it('F14: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F14_misuse_unreported.vmc');
});
