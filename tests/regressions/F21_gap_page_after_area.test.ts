/**
 * F21: gap page after area (defect).
 *
 * Description:
 * alloc_vmap_area's hole walk resumes at ALIGN(first->va_end + PAGE_SIZE, align): one unusable
 * page after every area on top of the guard page a vmalloc already counts in its size; naturally
 * aligned vmap blocks lose a whole block of space each
 *
 * Reproduce: npx vmapcheck replay counterexamples/irqsafe.irq-irqs-off-vm_map_ram.F21.json
 *   the fix alone: npx vmapcheck replay --on irqsafe+F21 counterexamples/irqsafe.irq-irqs-off-vm_map_ram.F21.json
 *   exhaustively: npx vmapcheck run scenarios/F21_gap_page_after_area.vmc
 */
import { it } from 'vitest';
import { expectFinding, expectScenario } from '../support/regression';

it('F21: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F21');
});

it('F21: F21_gap_page_after_area.vmc holds its expectations exhaustively (Sometimes on the bases, Never with the fix)', () => {
  expectScenario('scenarios/F21_gap_page_after_area.vmc');
});
