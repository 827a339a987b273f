/**
 * F1: overlapping alloc (defect).
 *
 * Description:
 * alloc_vmap_area's descent takes the hole below the lowest area without checking its size
 * (`tmp->va_start <= addr`): an allocation overlaps the next area; vmap_page_range then WARNs on a
 * present PTE (the warning of Andrew Morton's 2008-09-05 report)
 *
 * Reproduce: npx vmapcheck replay counterexamples/rewrite-v2.tiny-top.F1.json
 *   the fix alone: npx vmapcheck replay --on rewrite-v2+F1 counterexamples/rewrite-v2.tiny-top.F1.json
 *   exhaustively: npx vmapcheck run scenarios/F1_overlapping_alloc.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F1: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F1');
});

it('F1: the scenario file holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F1_overlapping_alloc.vmc');
});
