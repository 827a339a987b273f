/**
 * F14: misuse unreported.
 *
 * Description: Deliberate misuse is not met by an assertion: a second vm_unmap_ram of the same address has
 * bitmap_allocate_region fail with -EBUSY (ignored) and still adds to vb->dirty, so the block's
 * counters lie and it can be freed while parts are live; a second vunmap/vfree lazily frees the
 * area again and touches the freed vm_struct; a wrong count marks the wrong range dirty.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-misuse.block_counters_consistent.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F14 still reproduces', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-misuse.block_counters_consistent.json', 'F14', false);
});
