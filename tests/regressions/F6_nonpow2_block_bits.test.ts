/**
 * F6: nonpow2 block bits (defect).
 *
 * Description:
 * VMAP_BBMAP_BITS is not a power of two when VMALLOC_PAGES / NR_CPUS / 16 falls between the
 * bounds: ALIGN to VMAP_BLOCK_SIZE, addr_to_vb_idx and bitmap_find_free_region break
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.tiny-nonpow2.F6.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F6 counterexamples/irqsafe.tiny-nonpow2.F6.json
 *   exhaustively: npx vmapcheck run scenarios/F6_nonpow2_block_bits.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F6: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F6');
});

it('F6: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F6_nonpow2_block_bits.vmc');
});
