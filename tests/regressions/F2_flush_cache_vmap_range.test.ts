/**
 * F2: flush cache vmap range (defect).
 *
 * Description:
 * vmap_page_range calls flush_cache_vmap(addr, end) after the loop advanced addr to end: the cache
 * flush covers nothing (harmless on x86, stale lines on virtually indexed caches)
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.tiny-nonpow2.F2.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F2 counterexamples/irqsafe.tiny-nonpow2.F2.json
 *   exhaustively: npx vmapcheck run scenarios/F2_flush_cache_vmap_range.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F2: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F2');
});

it('F2: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F2_flush_cache_vmap_range.vmc');
});
