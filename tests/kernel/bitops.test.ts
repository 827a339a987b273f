import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  fls,
  fls64,
  fls_long,
  ilog2,
  is_power_of_2,
  roundup_pow_of_two,
  BITS_TO_LONGS,
  get_order,
} from '../../model/kernel/bitops';

describe('fls family', () => {
  it('fls on 32-bit ints', () => {
    expect(fls(0)).toBe(0);
    expect(fls(1)).toBe(1);
    expect(fls(2)).toBe(2);
    expect(fls(3)).toBe(2);
    expect(fls(0x8000)).toBe(16);
    expect(fls(0x80000000)).toBe(32);
    expect(fls(-1)).toBe(32); // int argument: the sign bit is bit 31
    expect(fls(0xffffffff)).toBe(32);
  });

  it('fls64 and fls_long', () => {
    expect(fls64(0n)).toBe(0);
    expect(fls64(1n)).toBe(1);
    expect(fls64(0xffffffffn)).toBe(32);
    expect(fls64(0x100000000n)).toBe(33);
    expect(fls64(0x8000000000000000n)).toBe(64);
    expect(fls64(-1n)).toBe(64);
    expect(fls_long(0x100000000n, 32)).toBe(0); // truncated to a 32-bit long
    expect(fls_long(0x100000000n, 64)).toBe(33);
    expect(fls_long(0x80000000n, 32)).toBe(32);
  });

  it('fls64 agrees with bigint bit length', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (x) => {
        expect(fls64(x)).toBe(x === 0n ? 0 : x.toString(2).length);
      }),
      { seed: 20080801, numRuns: 500 },
    );
  });

  it('ilog2, is_power_of_2, roundup_pow_of_two', () => {
    expect(ilog2(1n, 64)).toBe(0);
    expect(ilog2(1024n, 32)).toBe(10);
    expect(ilog2(1025n, 32)).toBe(10);
    expect(ilog2(0n, 32)).toBe(-1);
    expect(is_power_of_2(0n, 64)).toBe(false);
    expect(is_power_of_2(64n, 64)).toBe(true);
    expect(is_power_of_2(96n, 64)).toBe(false);
    expect(roundup_pow_of_two(1n, 32)).toBe(1n);
    expect(roundup_pow_of_two(3n, 32)).toBe(4n);
    expect(roundup_pow_of_two(64n, 64)).toBe(64n);
    expect(roundup_pow_of_two(65n, 64)).toBe(128n);
    expect(() => roundup_pow_of_two(0n, 32)).toThrow(RangeError);
    expect(() => roundup_pow_of_two(0x80000001n, 32)).toThrow(RangeError);
  });
});

describe('BITS_TO_LONGS', () => {
  it('rounds up to whole longs', () => {
    expect(BITS_TO_LONGS(0, 32)).toBe(0);
    expect(BITS_TO_LONGS(1, 32)).toBe(1);
    expect(BITS_TO_LONGS(32, 32)).toBe(1);
    expect(BITS_TO_LONGS(33, 32)).toBe(2);
    expect(BITS_TO_LONGS(12, 32)).toBe(1);
    expect(BITS_TO_LONGS(682, 32)).toBe(22);
    expect(BITS_TO_LONGS(682, 64)).toBe(11);
    expect(BITS_TO_LONGS(1024, 64)).toBe(16);
    expect(() => BITS_TO_LONGS(-1, 32)).toThrow(RangeError);
  });
});

describe('get_order (2008 asm-generic/page.h)', () => {
  it('matches the documented values for 4K pages', () => {
    for (const bits of [32, 64] as const) {
      expect(get_order(1n, 12, bits)).toBe(0);
      expect(get_order(4096n, 12, bits)).toBe(0);
      expect(get_order(4097n, 12, bits)).toBe(1);
      expect(get_order(8192n, 12, bits)).toBe(1);
      expect(get_order(3n * 4096n, 12, bits)).toBe(2);
      expect(get_order(4n * 4096n, 12, bits)).toBe(2);
      expect(get_order(64n * 4096n, 12, bits)).toBe(6);
      expect(get_order(65n * 4096n, 12, bits)).toBe(7);
    }
  });

  it('get_order(0) wraps to BITS_PER_LONG - PAGE_SHIFT', () => {
    expect(get_order(0n, 12, 32)).toBe(20);
    expect(get_order(0n, 12, 64)).toBe(52);
    expect(get_order(0n, 14, 64)).toBe(50);
  });

  it('reduces the argument modulo 2^BITS_PER_LONG like an unsigned long parameter', () => {
    expect(get_order(1n << 32n, 12, 32)).toBe(20); // == get_order(0) on 32-bit
    expect(get_order(1n << 32n, 12, 64)).toBe(20); // 2^20 pages
    expect(get_order((1n << 64n) - 1n, 12, 64)).toBe(52);
  });

  it('equals ceil(log2(pages)) for every non-zero size', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32 as const, 64 as const),
        fc.integer({ min: 9, max: 16 }),
        fc.bigInt({ min: 1n, max: (1n << 32n) - 1n }),
        (bits, shift, size) => {
          const pages = (size + (1n << BigInt(shift)) - 1n) >> BigInt(shift);
          let ref = 0;
          while (1n << BigInt(ref) < pages) ref++;
          expect(get_order(size, shift, bits)).toBe(ref);
        },
      ),
      { seed: 2627, numRuns: 1000 },
    );
  });

  it('rejects nonsensical PAGE_SHIFT', () => {
    expect(() => get_order(1n, 0, 32)).toThrow(RangeError);
    expect(() => get_order(1n, 32, 32)).toThrow(RangeError);
  });
});
