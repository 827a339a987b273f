/**
 * F18: retry search restart (defect).
 *
 * Description:
 * alloc_vmap_area sets addr = ALIGN(vstart, align) before retry:, so the retry after the purge
 * resumes from where the failed search stopped (near vend) and misses the space the purge freed
 * below
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-2cpu.F18.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v1+F18 counterexamples/rewrite-v1.tiny-2cpu.F18.json
 *   exhaustively: npx vmapcheck run scenarios/F7_F18_purge_retry_failure.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F18: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F18');
});

it('F18: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F7_F18_purge_retry_failure.vmc');
});
