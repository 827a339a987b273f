/**
 * `unsigned long` arithmetic for a configured word size.
 *
 * Kernel addresses are kept as `bigint` so that 64-bit addresses such as
 * 0xffffc20000000000 are exact; every operation wraps modulo 2^BITS_PER_LONG
 * exactly as C's unsigned arithmetic does (ALIGN near the top of the address
 * space wraps to 0, `addr + size` may overflow, and so on).
 */

/** Word size of the configured architecture. */
export type WordBits = 32 | 64;

/** An `unsigned long` value (always already reduced modulo 2^bits). */
export type ulong = bigint;

/** Arithmetic of one word size; create once per config with {@link wordOps}. */
export interface WordOps {
  readonly bits: WordBits;
  /** ULONG_MAX */
  readonly max: ulong;
  /** Reduce any integer modulo 2^bits. */
  u(x: bigint | number): ulong;
  add(a: ulong, b: ulong): ulong;
  sub(a: ulong, b: ulong): ulong;
  mul(a: ulong, b: ulong): ulong;
  /** C `ALIGN(x, a)`: `(x + a - 1) & ~(a - 1)`, wrapping; `a` must be a power of two in C. */
  ALIGN(x: ulong, a: ulong): ulong;
  /** `~x` */
  not(x: ulong): ulong;
  shl(x: ulong, n: number): ulong;
  shr(x: ulong, n: number): ulong;
  /** Format as the kernel prints pointers: zero-padded hex. */
  hex(x: ulong): string;
}

/** Build the arithmetic for a word size. */
export function wordOps(bits: WordBits): WordOps {
  const width = BigInt(bits);
  const mod = 1n << width;
  const max = mod - 1n;
  const u = (x: bigint | number): ulong => BigInt.asUintN(bits, typeof x === 'number' ? BigInt(x) : x);
  return {
    bits,
    max,
    u,
    add: (a, b) => BigInt.asUintN(bits, a + b),
    sub: (a, b) => BigInt.asUintN(bits, a - b),
    mul: (a, b) => BigInt.asUintN(bits, a * b),
    ALIGN: (x, a) => BigInt.asUintN(bits, x + a - 1n) & BigInt.asUintN(bits, ~(a - 1n)),
    not: (x) => BigInt.asUintN(bits, ~x),
    shl: (x, n) => BigInt.asUintN(bits, x << BigInt(n)),
    shr: (x, n) => x >> BigInt(n),
    hex: (x) => '0x' + x.toString(16).padStart(bits / 4, '0'),
  };
}

/** C `int` (32-bit signed) wrap, for `atomic_t` and `int nr` counters. */
export function int32(x: number): number {
  return x | 0;
}
