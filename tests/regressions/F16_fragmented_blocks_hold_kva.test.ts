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
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F16: every recorded counterexample still fails on its variant and its fix alone removes it', () => {
  expectFinding('F16');
});
