/**
 * F9: static va race (defect).
 *
 * Description:
 * __get_vm_area_node keeps its vmap_area in a function-static `va`: two CPUs in it at once can
 * swap areas (source-level data race)
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.irq-irqs-off-vmap.F9.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v1+F9 counterexamples/rewrite-v1.irq-irqs-off-vmap.F9.json
 *   exhaustively: npx vmapcheck run scenarios/F9_static_va_race.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F9: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F9');
});

it('F9: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F9_static_va_race.vmc');
});
