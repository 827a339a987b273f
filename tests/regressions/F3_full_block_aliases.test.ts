/**
 * F3: full block aliases (defect).
 *
 * Description:
 * vm_unmap_aliases walks only vbq->free: a block that filled up (list_del_init from vbq->free)
 * keeps the PTEs of its vb_free()d parts, so aliases survive the call
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-hardirq-vmap.F3.json
 *   exhaustively: npx vmapcheck run scenarios/F3_full_block_aliases.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F3: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F3');
});

it('F3: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F3_full_block_aliases.vmc');
});
