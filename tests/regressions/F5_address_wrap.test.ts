/**
 * F5: address wrap (defect).
 *
 * Description:
 * alloc_vmap_area does unsigned long arithmetic without overflow checks (the vanilla code had
 * them): near the top of the address space ALIGN(first->va_end + PAGE_SIZE, align) or addr + size
 * wraps past ULONG_MAX and the search succeeds with an area outside [vstart, vend] or ending at 0
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-top.F5.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v1+F5 counterexamples/rewrite-v1.tiny-top.F5.json
 *   exhaustively: npx vmapcheck run scenarios/F5_address_wrap.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F5: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F5');
});

it('F5: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F5_address_wrap.vmc');
});
