/**
 * F8: lazy nr bug on.
 *
 * Description: free_unmap_vmap_area sets VM_LAZY_FREE before atomic_add(..., &vmap_lazy_nr). A purge on another
 * CPU can walk vmap_area_list between the two, count the area in `nr`, and hit
 * BUG_ON(nr > atomic_read(&vmap_lazy_nr)).
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-faults.no_bug.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F8 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-faults.no_bug.json', 'F8');
});
