/**
 * F16: fragmented blocks hold kva (defect).
 *
 * Description:
 * Per-CPU vmap blocks whose allocations were all freed keep their KVA forever: a block is freed
 * only once fully dirty, so a partly used then fully freed block holds VMAP_BLOCK_SIZE of vmalloc
 * space nothing else can allocate, even after vm_unmap_aliases() and a purge
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v2.tiny-misuse.F16.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v2+F16 counterexamples/rewrite-v2.tiny-misuse.F16.json
 *   exhaustively: npx vmapcheck run scenarios/F16_fragmented_blocks_hold_kva.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F16: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F16');
});

it('F16: F16_fragmented_blocks_hold_kva.vmc holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F16_fragmented_blocks_hold_kva.vmc');
});
