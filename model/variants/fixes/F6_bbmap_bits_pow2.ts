/**
 * F6 fix: VMAP_BBMAP_BITS divides VMALLOC_PAGES by NR_CPUS rounded up to a power of two,
 * so the block size is a power of two, as ALIGN(.., VMAP_BLOCK_SIZE), addr_to_vb_idx(),
 * vb_free's `addr & (VMAP_BLOCK_SIZE - 1)` and bitmap_find_free_region assume.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: the VMAP_BBMAP_BITS macro)
 *   +++ b/mm/vmalloc.c
 *   @@
 *    #define VMAP_BBMAP_BITS		VMAP_MIN(VMAP_BBMAP_BITS_MAX,		\
 *    					VMAP_MAX(VMAP_BBMAP_BITS_MIN,	\
 *   -						VMALLOC_PAGES / NR_CPUS / 16))
 *   +						VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16))
 *
 * Upstream: "mm: fix wrong vmap address calculations with odd NR_CPUS values", Clemens
 * Ladisch, 2011 (posted 2011-06-21, resent by Stefan Richter 2011-08-14, Cc stable 2.6.28+,
 * kernel 3.1; changelog: caught by vb_alloc's BUG_ON on inconsistent vmap_block indices).
 *
 * Why this alone is a power of two in C: VMAP_BBMAP_BITS_MIN (2 * BITS_PER_LONG) and _MAX
 * (1024) are, and so is VMALLOC_PAGES, since VMALLOC_SPACE is the guess 128 MB or 128 GB;
 * a power of two divided by powers of two is one (or 0, clamped to _MIN). The model's
 * shrunk layouts set VMALLOC_SPACE to values the C never has: tiny-nonpow2 stands for
 * x86-32 with NR_CPUS=6 (32768 / 6 / 16 = 341; fixed: 32768 / 8 / 16 = 256) by 192 pages
 * and NR_CPUS=1, where the literal hunk still gives 12. The model therefore also rounds
 * the quotient down to a power of two — the identity wherever VMALLOC_PAGES is one, which
 * tests/fixes/F6_bbmap_bits_pow2.test.ts checks (for x86-32, x86-64 and NR_CPUS 1..64
 * the result equals the literal hunk), and 341 -> 256 is what the hunk gives there.
 */
import { fls_long, roundup_pow_of_two } from '../../kernel/bitops';
import type { Layout } from '../../config/layout';
import { vmapBbmapMacros } from '../rewrite-v2/state';
import type { Fix } from './fix';

/** `rounddown_pow_of_two(n)` of include/linux/log2.h (`1UL << (fls_long(n) - 1)`); 0 stays 0 here (only the clamp sees it). */
function rounddown_pow_of_two(n: bigint, L: Layout): bigint {
  return n === 0n ? 0n : 1n << BigInt(fls_long(n, L.BITS_PER_LONG) - 1);
}

/** The hunk as upstream wrote it (the term inside VMAP_MAX). */
export function upstreamShare(L: Layout): bigint {
  return vmapBbmapMacros(L).VMALLOC_PAGES / roundup_pow_of_two(BigInt(L.NR_CPUS), L.BITS_PER_LONG) / 16n;
}

/** VMAP_BBMAP_BITS with the hunk (and the model-only rounding explained above). */
export function VMAP_BBMAP_BITS_fixed(L: Layout): bigint {
  const { VMAP_BBMAP_BITS_MIN, VMAP_BBMAP_BITS_MAX, VMAP_MIN, VMAP_MAX } = vmapBbmapMacros(L);
  return VMAP_MIN(VMAP_BBMAP_BITS_MAX, VMAP_MAX(VMAP_BBMAP_BITS_MIN, rounddown_pow_of_two(upstreamShare(L), L)));
}

/** `VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16`. */
export const F6: Fix = {
  id: 'F6',
  title: 'VMAP_BBMAP_BITS: `VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16` instead of `/ NR_CPUS / 16`',
  upstream: '"mm: fix wrong vmap address calculations with odd NR_CPUS values", Clemens Ladisch, 2011 (Cc stable 2.6.28+; 3.1)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    VMAP_BBMAP_BITS: VMAP_BBMAP_BITS_fixed,
  }),
};
