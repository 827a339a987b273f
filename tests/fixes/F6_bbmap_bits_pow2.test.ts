/**
 * F6 fix (model/variants/fixes/F6_bbmap_bits_pow2.ts): VMAP_BBMAP_BITS with
 * roundup_pow_of_two(NR_CPUS) is a power of two on every layout, and equals the literal
 * upstream hunk wherever VMALLOC_PAGES is a power of two (every C build).
 */
import { describe, expect, it } from 'vitest';
import { LAYOUTS, type Layout } from '../../model/config/layout';
import { is_power_of_2 } from '../../model/kernel/bitops';
import { VMAP_BBMAP_BITS, vmapBbmapMacros } from '../../model/variants/rewrite-v2/state';
import { VMAP_BBMAP_BITS_fixed, upstreamShare } from '../../model/variants/fixes/F6_bbmap_bits_pow2';
import { itAddsNothing, itRemovesItsCounterexamples } from './F1_F5_F6_F7_F8_support';

/** The upstream macro, literally: VMAP_MIN(MAX, VMAP_MAX(MIN, VMALLOC_PAGES / roundup_pow_of_two(NR_CPUS) / 16)). */
function literal(L: Layout): bigint {
  const m = vmapBbmapMacros(L);
  return m.VMAP_MIN(m.VMAP_BBMAP_BITS_MAX, m.VMAP_MAX(m.VMAP_BBMAP_BITS_MIN, upstreamShare(L)));
}

describe('F6: VMAP_BBMAP_BITS is a power of two', () => {
  it('every layout: a power of two with the fix; tiny-nonpow2 is not one without it', () => {
    for (const L of Object.values(LAYOUTS)) expect(is_power_of_2(VMAP_BBMAP_BITS_fixed(L), L.BITS_PER_LONG), L.name).toBe(true);
    expect(VMAP_BBMAP_BITS(LAYOUTS['tiny-nonpow2']!)).toBe(12n);
    expect(VMAP_BBMAP_BITS_fixed(LAYOUTS['tiny-nonpow2']!)).toBe(8n);
  });
  it('equals the literal upstream hunk on the real layouts for NR_CPUS 1..64 (341 -> 256 at x86-32, NR_CPUS=6)', () => {
    for (const name of ['x86-32', 'x86-64']) {
      for (let n = 1; n <= 64; n++) {
        const L = { ...LAYOUTS[name]!, NR_CPUS: n };
        expect(VMAP_BBMAP_BITS_fixed(L), `${name} NR_CPUS=${n}`).toBe(literal(L));
        expect(is_power_of_2(literal(L), L.BITS_PER_LONG), `${name} NR_CPUS=${n}`).toBe(true);
      }
    }
    const six = { ...LAYOUTS['x86-32']!, NR_CPUS: 6 };
    expect(VMAP_BBMAP_BITS(six)).toBe(341n);
    expect(VMAP_BBMAP_BITS_fixed(six)).toBe(256n);
  });
  itRemovesItsCounterexamples('F6', 15);
  itAddsNothing('F6', 'rewrite-v2', 100);
});
