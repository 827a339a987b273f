/**
 * Generic kernel bit operations as of 2.6.26/27 (include/asm-generic/bitops/fls*.h,
 * include/linux/bitops.h, include/linux/log2.h, include/asm-generic/page.h).
 *
 * Values that are `unsigned long` in C are `bigint` here and are reduced modulo
 * 2^BITS_PER_LONG first, so wrap-around cases (get_order(0)) match C exactly.
 */
import type { WordBits } from './word';

/** BITS_PER_BYTE */
export const BITS_PER_BYTE = 8;

/**
 * C `fls(int x)`: 1-based index of the most significant set bit, 0 for 0.
 * The argument is taken as a 32-bit int, so fls(-1) = fls(0x80000000) = 32.
 */
export function fls(x: number): number {
  const v = x >>> 0;
  return v === 0 ? 0 : 32 - Math.clz32(v);
}

/** C `fls64(__u64 x)`: 1-based index of the top set bit of a 64-bit value, 0 for 0. */
export function fls64(x: bigint): number {
  let v = BigInt.asUintN(64, x);
  const hi = Number(v >> 32n);
  if (hi !== 0) return 32 + fls(hi);
  v &= 0xffffffffn;
  return fls(Number(v));
}

/** C `fls_long(unsigned long l)`: fls on a 32-bit long, fls64 on a 64-bit long. */
export function fls_long(x: bigint, bits: WordBits): number {
  const v = BigInt.asUintN(bits, x);
  return bits === 32 ? fls(Number(v)) : fls64(v);
}

/**
 * C `ilog2(n)` for a runtime value: `fls_long(n) - 1`. ilog2(0) is -1 here; in C a
 * constant 0 is a link error and a runtime 0 yields -1 the same way.
 */
export function ilog2(n: bigint, bits: WordBits): number {
  return fls_long(n, bits) - 1;
}

/** C `is_power_of_2(unsigned long n)`: `n != 0 && (n & (n - 1)) == 0`. */
export function is_power_of_2(n: bigint, bits: WordBits): boolean {
  const v = BigInt.asUintN(bits, n);
  return v !== 0n && (v & (v - 1n)) === 0n;
}

/**
 * C `roundup_pow_of_two(n)`: `1UL << fls_long(n - 1)`. For n == 0 (or n above the
 * top power of two) C shifts by BITS_PER_LONG, which is undefined: we throw.
 */
export function roundup_pow_of_two(n: bigint, bits: WordBits): bigint {
  const shift = fls_long(BigInt.asUintN(bits, n) - 1n, bits);
  if (shift >= bits) throw new RangeError(`roundup_pow_of_two(${n}): shift by ${shift} is undefined in C`);
  return 1n << BigInt(shift);
}

/**
 * C `BITS_TO_LONGS(nr)` = DIV_ROUND_UP(nr, BITS_PER_LONG): how many longs a
 * `DECLARE_BITMAP(name, nr)` occupies.
 */
export function BITS_TO_LONGS(nbits: number, bitsPerLong: WordBits): number {
  if (!Number.isInteger(nbits) || nbits < 0) throw new RangeError(`BITS_TO_LONGS(${nbits})`);
  return Math.floor((nbits + bitsPerLong - 1) / bitsPerLong);
}

/**
 * C `get_order(unsigned long size)` from 2008 asm-generic/page.h:
 *
 *   size = (size - 1) >> (PAGE_SHIFT - 1); order = -1;
 *   do { size >>= 1; order++; } while (size);
 *
 * The subtraction is unsigned, so get_order(0) = BITS_PER_LONG - PAGE_SHIFT
 * (20 on 32-bit/4K, 52 on 64-bit/4K) rather than an error: callers that pass 0
 * get a huge order, which is a bug class the model must be able to show.
 */
export function get_order(size: bigint, PAGE_SHIFT: number, bits: WordBits): number {
  if (!Number.isInteger(PAGE_SHIFT) || PAGE_SHIFT < 1 || PAGE_SHIFT >= bits) {
    throw new RangeError(`get_order: bad PAGE_SHIFT ${PAGE_SHIFT}`);
  }
  let s = BigInt.asUintN(bits, BigInt.asUintN(bits, size) - 1n) >> BigInt(PAGE_SHIFT - 1);
  let order = -1;
  do {
    s >>= 1n;
    order++;
  } while (s !== 0n);
  return order;
}
