/**
 * F4: alloc failure leaks va.
 *
 * Description: When the hole search fails after the purge-and-retry, alloc_vmap_area returns ERR_PTR(-EBUSY)
 * without kfree(va): each failed allocation leaks the struct vmap_area it kmalloc_node'd.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-top.no_kmemleak.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F4 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-top.no_kmemleak.json', 'F4');
});
