/**
 * `unsigned long` arithmetic: every operation wraps modulo 2^BITS_PER_LONG as C does, so
 * ALIGN near the top of a 32-bit address space wraps to 0 and `addr + size` may overflow,
 * while the same values on a 64-bit config do not wrap.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { wordOps, int32 } from '../../model/kernel/word';

const w32 = wordOps(32);
const w64 = wordOps(64);

describe('ALIGN', () => {
  it('wraps to 0 past ULONG_MAX on a 32-bit config', () => {
    expect(w32.ALIGN(0xfffff001n, 0x1000n)).toBe(0n);
    expect(w32.ALIGN(0xffffffffn, 0x2n)).toBe(0n);
  });

  it('does not wrap for the same value on a 64-bit config', () => {
    expect(w64.ALIGN(0xfffff001n, 0x1000n)).toBe(0x100000000n);
  });

  it('wraps to 0 at the top of the 64-bit space', () => {
    expect(w64.ALIGN(0xfffffffffffff001n, 0x1000n)).toBe(0n);
  });

  it('leaves aligned values alone and rounds others up', () => {
    expect(w32.ALIGN(0xf8800000n, 0x1000n)).toBe(0xf8800000n);
    expect(w32.ALIGN(0xf8800001n, 0x1000n)).toBe(0xf8801000n);
    expect(w32.ALIGN(0x1234n, 0x10000n)).toBe(0x10000n);
  });

  it('agrees with the C formula over random inputs (32-bit)', () => {
    const ref = (x: bigint, a: bigint): bigint => ((x + a - 1n) % (1n << 32n)) & ((1n << 32n) - a);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.integer({ min: 0, max: 20 }), (x, sh) => {
        const a = 1n << BigInt(sh);
        const r = w32.ALIGN(x, a);
        expect(r).toBe(ref(x, a));
        expect(r % a).toBe(0n);
        if (x + a - 1n <= 0xffffffffn) expect(r >= x).toBe(true);
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe('add/sub/mul/shl/not', () => {
  it('add wraps at 2^32 and at 2^64', () => {
    expect(w32.add(0xffffffffn, 1n)).toBe(0n);
    expect(w32.add(0xfffff000n, 0x2000n)).toBe(0x1000n);
    expect(w64.add(0xffffffffn, 1n)).toBe(0x100000000n);
    expect(w64.add(w64.max, 1n)).toBe(0n);
  });

  it('sub wraps below 0', () => {
    expect(w32.sub(0n, 1n)).toBe(0xffffffffn);
    expect(w64.sub(0n, 1n)).toBe(0xffffffffffffffffn);
    expect(w32.sub(0x1000n, 0x2000n)).toBe(0xfffff000n);
  });

  it('mul, shl and not stay inside the word', () => {
    expect(w32.mul(0x10000n, 0x10000n)).toBe(0n);
    expect(w64.mul(0x10000n, 0x10000n)).toBe(0x100000000n);
    expect(w32.shl(0x80000000n, 1)).toBe(0n);
    expect(w32.not(0n)).toBe(0xffffffffn);
    expect(w32.not(0xfffn)).toBe(0xfffff000n);
    expect(w64.not(0n)).toBe(w64.max);
  });

  it('u reduces any integer, including negatives', () => {
    expect(w32.u(-1)).toBe(0xffffffffn);
    expect(w32.u(1n << 32n)).toBe(0n);
    expect(w64.u(-1n)).toBe(0xffffffffffffffffn);
    expect(w32.max).toBe(0xffffffffn);
  });

  it('shr is a logical shift', () => {
    expect(w32.shr(0xf8800000n, 12)).toBe(0xf8800n);
  });
});

describe('hex', () => {
  it('pads to 8 digits on 32-bit and 16 on 64-bit', () => {
    expect(w32.hex(0x1000n)).toBe('0x00001000');
    expect(w32.hex(0xf8800000n)).toBe('0xf8800000');
    expect(w64.hex(0x1000n)).toBe('0x0000000000001000');
    expect(w64.hex(0xffffc20000000000n)).toBe('0xffffc20000000000');
  });
});

describe('int32', () => {
  it('wraps like a C int', () => {
    expect(int32(0x7fffffff + 1)).toBe(-0x80000000);
    expect(int32(-1)).toBe(-1);
  });
});
