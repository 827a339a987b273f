/**
 * F7: trylock purge alloc failure (defect).
 *
 * Description:
 * alloc_vmap_area's purge-and-retry uses the trylock purge: when another CPU holds purge_lock the
 * allocation fails although purging would make room
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-exhaust.F7.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v1+F1+F2+F3+F4+F9+F16+F18+F19+F21+F7 counterexamples/rewrite-v1.tiny-exhaust.F7.json
 *   exhaustively: npx vmapcheck run scenarios/F7_F18_purge_retry_failure.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F7: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F7');
});

it('F7: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F7_F18_purge_retry_failure.vmc');
});
