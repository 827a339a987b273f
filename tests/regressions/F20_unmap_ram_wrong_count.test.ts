/**
 * F20: unmap ram wrong count (contract).
 *
 * Description:
 * vm_unmap_ram with a count other than the one mapped, both within VMAP_MAX_ALLOC: vb_free frees a
 * range of a different order and nothing records the mapped size, so it corrupts the block
 * silently
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v1.tiny-misuse.F20.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F20: every recorded counterexample still fails on its variant and keeping the calls within the contract removes it', () => {
  expectFinding('F20');
});
