/**
 * F20: unmap ram wrong count (contract).
 *
 * Description:
 * vm_unmap_ram with a count other than the one mapped, both within VMAP_MAX_ALLOC: vb_free frees a
 * range of a different order and nothing records the mapped size, so it corrupts the block
 * silently
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-misuse.F20.json
 *   exhaustively: npx vmapcheck run scenarios/F20_unmap_ram_wrong_count.vmc
 *   exhaustively: npx vmapcheck run scenarios/F20_unmap_ram_within_contract.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F20: every recorded counterexample still fails on its variant and keeping the calls within the contract removes it', () => {
  expectFinding('F20');
});

it('F20: F20_unmap_ram_wrong_count.vmc holds its expectations exhaustively (Sometimes with the wrong count, fixed variant included; Never within the contract)', () => {
  expectScenario('scenarios/F20_unmap_ram_wrong_count.vmc');
});

it('F20: F20_unmap_ram_within_contract.vmc holds its expectations exhaustively (Sometimes with the wrong count, fixed variant included; Never within the contract)', () => {
  expectScenario('scenarios/F20_unmap_ram_within_contract.vmc');
});
