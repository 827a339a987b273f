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
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F21: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F21');
});
