/**
 * F3: full block aliases.
 *
 * Description: vm_unmap_aliases walks only each CPU's vbq->free. vb_alloc takes a block off that list with
 * list_del_init once `free` reaches 0, and vb_free only marks the freed range dirty without
 * unmapping it; so the dirty parts of a full (not yet fully dirty) block keep their PTEs and TLB
 * entries after vm_unmap_aliases() returns — exactly what Xen/PAT callers rely on not happening.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-1cpu.no_alias_after_unmap_aliases.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F3 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-1cpu.no_alias_after_unmap_aliases.json', 'F3');
});
