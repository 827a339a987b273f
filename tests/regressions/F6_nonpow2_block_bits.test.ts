/**
 * F6: nonpow2 block bits.
 *
 * Description: VMAP_BBMAP_BITS = min(1024, max(2*VMAP_MAX_ALLOC, VMALLOC_PAGES / NR_CPUS / 16)) is not a power of
 * two for many NR_CPUS (x86-32 NR_CPUS=6 gives 341). The block code assumes one: ALIGN(x,
 * VMAP_BLOCK_SIZE), `addr & (VMAP_BLOCK_SIZE - 1)` in vb_free and bitmap_find_free_region's `pos
 * += 1 << order` stepping past `bits` all go wrong: wrong offsets, BUG_ON(addr_to_vb_idx(...)),
 * dirty bits counted in the wrong block. (Later kernels use roundup_pow_of_two(NR_CPUS).)
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-nonpow2.block_counters_consistent.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F6 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-nonpow2.block_counters_consistent.json', 'F6');
});
