/**
 * F4: alloc failure leaks va (defect).
 *
 * Description:
 * alloc_vmap_area returns ERR_PTR(-EBUSY) without kfree(va): every failed allocation leaks a
 * struct vmap_area
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-exhaust.F4.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v1+F4 counterexamples/rewrite-v1.tiny-exhaust.F4.json
 *   exhaustively: npx vmapcheck run scenarios/F4_alloc_failure_leaks_va.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F4: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F4');
});

it('F4: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F4_alloc_failure_leaks_va.vmc');
});
