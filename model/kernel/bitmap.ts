/**
 * `DECLARE_BITMAP` storage and the 2.6.26 lib/bitmap.c + lib/find_next_bit.c
 * operations the 2008 vmap block allocator uses. Storage is BITS_TO_LONGS(nbits) longs, kept as little-endian 32-bit words: bit n
 * is bit (n & 31) of words[n >> 5] for either long size, and long L is words
 * [L*wpl, (L+1)*wpl). The padding bits between nbits and the end of the last long
 * exist and are reachable, as in C. Any access to a long outside the storage throws
 * {@link BitmapOutOfBounds}: in C it would silently hit the next struct member;
 * the model reports it the way KASAN would.
 */
import { BITS_TO_LONGS } from './bitops';
import type { WordBits } from './word';

const ENOMEM = 12, EBUSY = 16; // errno values, returned negated as in C

/** `__reg_op`: are all bits in the region free (zero)? */
export const REG_OP_ISFREE = 0;
/** `__reg_op`: set all bits in the region. */
export const REG_OP_ALLOC = 1;
/** `__reg_op`: clear all bits in the region. */
export const REG_OP_RELEASE = 2;
/** One of REG_OP_ISFREE, REG_OP_ALLOC, REG_OP_RELEASE. */
export type RegOp = typeof REG_OP_ISFREE | typeof REG_OP_ALLOC | typeof REG_OP_RELEASE;

/** An access to a long outside a bitmap's storage (C: corrupts a neighbour). */
export class BitmapOutOfBounds extends Error {
  constructor(readonly bitmap: string, readonly longIndex: number, readonly storageLongs: number,
              readonly access: 'read' | 'write', readonly op: string) {
    super(`${op}: out-of-bounds ${access} of ${bitmap}[${longIndex}] (storage is ${storageLongs} longs)`);
    this.name = 'BitmapOutOfBounds';
  }
}

/** C `DECLARE_BITMAP(name, nbits)` with its real storage (padding included). */
export class KBitmap {
  /** BITS_TO_LONGS(nbits). */
  readonly storageLongs: number;
  /** storageLongs * bitsPerLong: every bit C can reach without overrunning. */
  readonly storageBits: number;
  /** Raw storage, little-endian 32-bit words; read-only for callers. */
  readonly words: Uint32Array;

  /**
   * `init` is what the memory holds before any bitmap_zero: kmalloc does not zero,
   * so 'poison' (slab POISON_FREE 0x6b bytes) lets a missing bitmap_zero show up.
   */
  constructor(readonly name: string, readonly nbits: number, readonly bitsPerLong: WordBits,
              init: 'zero' | 'poison' | Uint32Array = 'zero') {
    this.storageLongs = BITS_TO_LONGS(nbits, bitsPerLong);
    this.storageBits = this.storageLongs * bitsPerLong;
    const nwords = this.storageBits >>> 5;
    if (init instanceof Uint32Array) {
      if (init.length !== nwords) throw new RangeError(`${name}: expected ${nwords} words`);
      this.words = init;
    } else {
      this.words = new Uint32Array(nwords);
      if (init === 'poison') this.words.fill(0x6b6b6b6b);
    }
  }

  /** Deep copy for state snapshots. */
  clone(): KBitmap {
    return new KBitmap(this.name, this.nbits, this.bitsPerLong, this.words.slice());
  }

  /** One byte (0/1) per storage bit, padding included; a fresh copy. */
  bits(): Uint8Array {
    const out = new Uint8Array(this.storageBits);
    for (let i = 0; i < this.storageBits; i++) out[i] = (this.words[i >>> 5] >>> (i & 31)) & 1;
    return out;
  }

  /** Indices of all set bits in the storage, padding included, ascending. */
  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.storageBits; i++) if ((this.words[i >>> 5] >>> (i & 31)) & 1) out.push(i);
    return out;
  }

  /** Same geometry and same storage contents. */
  equals(o: KBitmap): boolean {
    if (o.nbits !== this.nbits || o.bitsPerLong !== this.bitsPerLong) return false;
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== o.words[i]) return false;
    return true;
  }

  /** Each long as C would print it with %0Nlx, index 0 first. */
  toHex(): string[] {
    const wpl = this.bitsPerLong >>> 5;
    const hex = (k: number) => this.words[k].toString(16).padStart(8, '0');
    return Array.from({ length: this.storageLongs }, (_, l) => '0x' + (wpl === 2 ? hex(2 * l + 1) : '') + hex(wpl * l));
  }
}

function checkLong(bm: KBitmap, l: number, access: 'read' | 'write', op: string): void {
  if (l < 0 || l >= bm.storageLongs) throw new BitmapOutOfBounds(bm.name, l, bm.storageLongs, access, op);
}

function checkNat(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new RangeError(`${what} = ${v}: not a valid int`);
}

function checkOrder(order: number): void {
  if (!Number.isInteger(order) || order < 0 || order > 30) throw new RangeError(`__reg_op order ${order}`);
}

/** Locate bit nr, checking its long; returns the word index. Negative nr reads before the map. */
function bitWord(bm: KBitmap, nr: number, access: 'read' | 'write', op: string): number {
  if (!Number.isInteger(nr)) throw new RangeError(`${op}: bit ${nr}`);
  checkLong(bm, Math.floor(nr / bm.bitsPerLong), access, op);
  return nr >>> 5;
}

/** C `test_bit(nr, addr)`. */
export function test_bit(nr: number, bm: KBitmap): boolean {
  return ((bm.words[bitWord(bm, nr, 'read', 'test_bit')] >>> (nr & 31)) & 1) === 1;
}

/** C `set_bit(nr, addr)` (atomic in C; steps are atomic in the model). */
export function set_bit(nr: number, bm: KBitmap): void {
  bm.words[bitWord(bm, nr, 'write', 'set_bit')] |= 1 << (nr & 31);
}

/** C `__set_bit(nr, addr)`: non-atomic variant, same effect in the model. */
export const __set_bit = set_bit;

/** C `clear_bit(nr, addr)`. */
export function clear_bit(nr: number, bm: KBitmap): void {
  bm.words[bitWord(bm, nr, 'write', 'clear_bit')] &= ~(1 << (nr & 31));
}

/** C `__clear_bit(nr, addr)`. */
export const __clear_bit = clear_bit;

/** C `bitmap_zero(dst, nbits)`: memset of BITS_TO_LONGS(nbits) whole longs (padding too). */
export function bitmap_zero(bm: KBitmap, nbits: number = bm.nbits): void {
  checkNat(nbits, 'bitmap_zero nbits');
  const nlongs = BITS_TO_LONGS(nbits, bm.bitsPerLong), wpl = bm.bitsPerLong >>> 5;
  bm.words.fill(0, 0, Math.min(nlongs, bm.storageLongs) * wpl);
  if (nlongs > bm.storageLongs) checkLong(bm, bm.storageLongs, 'write', 'bitmap_zero');
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** C `bitmap_weight(src, nbits)`: number of set bits among the first nbits. */
export function bitmap_weight(bm: KBitmap, nbits: number = bm.nbits): number {
  checkNat(nbits, 'bitmap_weight nbits');
  const nlongs = BITS_TO_LONGS(nbits, bm.bitsPerLong);
  if (nlongs > 0) checkLong(bm, nlongs - 1, 'read', 'bitmap_weight');
  let w = 0;
  const full = nbits >>> 5;
  for (let i = 0; i < full; i++) w += popcount32(bm.words[i]);
  if (nbits & 31) w += popcount32(bm.words[full] & (0xffffffff >>> (32 - (nbits & 31))));
  return w;
}

/** Bits [a, b) of one 32-bit word, clipped to 0..32. */
function rangeMask32(a: number, b: number): number {
  a = Math.max(a, 0);
  b = Math.min(b, 32);
  return b <= a ? 0 : ((0xffffffff >>> (32 - (b - a))) << a) >>> 0;
}

/** The values `__reg_op` derives from (pos, order), with the per-long mask as a bigint. */
export function __reg_op_geometry(pos: number, order: number, bitsPerLong: WordBits) {
  checkNat(pos, '__reg_op pos');
  checkOrder(order);
  const nbits_reg = 1 << order, index = Math.floor(pos / bitsPerLong), offset = pos - index * bitsPerLong;
  const nlongs_reg = BITS_TO_LONGS(nbits_reg, bitsPerLong), nbitsinlong = Math.min(nbits_reg, bitsPerLong);
  // mask = 1UL << (n-1); mask += mask - 1; mask <<= offset  (bits shifted past the top are lost)
  let mask = 1n << BigInt(nbitsinlong - 1);
  mask += mask - 1n;
  mask = BigInt.asUintN(bitsPerLong, mask << BigInt(offset));
  return { nbits_reg, index, offset, nlongs_reg, nbitsinlong, mask };
}

const REG_OP_NAMES = ['REG_OP_ISFREE', 'REG_OP_ALLOC', 'REG_OP_RELEASE'] as const;

/**
 * lib/bitmap.c `__reg_op(bitmap, pos, order, reg_op)`. One mask, computed for the
 * first long, is applied to all nlongs_reg longs from `index`: exact for aligned
 * regions, and for unaligned multi-long regions it reproduces C's holes. ISFREE stops
 * reading at the first busy long; ALLOC/RELEASE write longs in order, so longs before
 * an out-of-bounds one are already modified when BitmapOutOfBounds is thrown.
 * Returns 1 for a free region under ISFREE, else 0.
 */
export function __reg_op(bm: KBitmap, pos: number, order: number, reg_op: RegOp): number {
  checkNat(pos, '__reg_op pos');
  checkOrder(order);
  const bpl = bm.bitsPerLong;
  const nbits_reg = 1 << order, index = Math.floor(pos / bpl), offset = pos - index * bpl;
  const nlongs_reg = BITS_TO_LONGS(nbits_reg, bpl);
  const end = Math.min(offset + Math.min(nbits_reg, bpl), bpl);
  const m0 = rangeMask32(offset, end);
  const m1 = bpl === 64 ? rangeMask32(offset - 32, end - 32) : 0;
  const wpl = bpl >>> 5;
  const w = bm.words;
  const op = REG_OP_NAMES[reg_op];
  for (let i = 0; i < nlongs_reg; i++) {
    const l = index + i, k = l * wpl;
    checkLong(bm, l, reg_op === REG_OP_ISFREE ? 'read' : 'write', op);
    if (reg_op === REG_OP_ISFREE) {
      if ((w[k] & m0) !== 0 || (wpl === 2 && (w[k + 1] & m1) !== 0)) return 0;
    } else if (reg_op === REG_OP_ALLOC) {
      w[k] |= m0;
      if (wpl === 2) w[k + 1] |= m1;
    } else {
      w[k] &= ~m0;
      if (wpl === 2) w[k + 1] &= ~m1;
    }
  }
  return reg_op === REG_OP_ISFREE ? 1 : 0;
}

/**
 * lib/bitmap.c (2.6.26) `bitmap_find_free_region`. The loop only checks
 * `pos < bits`, never `pos + (1 << order) <= bits`: a region may run into the
 * padding, and when bits is not a multiple of 1 << order, pos steps past bits
 * without equalling it and the C code ALLOCs there (possibly out of storage).
 * Both are kept on purpose. Returns the region's first bit or -ENOMEM.
 */
export function bitmap_find_free_region(bm: KBitmap, bits: number, order: number): number {
  if (!Number.isInteger(bits)) throw new RangeError(`bitmap_find_free_region bits ${bits}`);
  let pos = 0;
  if (order >= 0 && order <= 5) {
    // Hot path, same reads and result as the loop below: an aligned region of at most
    // 32 bits lies in one 32-bit word, and a full word holds no free region, so jump
    // to where C's loop would leave it (next word, or the first step past bits).
    const step = 1 << order, base = 0xffffffff >>> (32 - step), w = bm.words;
    for (let lastLong = -1; pos < bits; pos += step) {
      const l = Math.floor(pos / bm.bitsPerLong);
      if (l !== lastLong) checkLong(bm, (lastLong = l), 'read', 'REG_OP_ISFREE');
      const word = w[pos >>> 5];
      if (word === 0xffffffff) pos = Math.min(((pos >>> 5) + 1) * 32, Math.ceil(bits / step) * step) - step;
      else if (((word >>> (pos & 31)) & base) === 0) break;
    }
  } else for (; pos < bits; pos += 1 << order) if (__reg_op(bm, pos, order, REG_OP_ISFREE)) break;
  if (pos === bits) return -ENOMEM;
  __reg_op(bm, pos, order, REG_OP_ALLOC);
  return pos;
}

/** lib/bitmap.c `bitmap_release_region`: clear the region unconditionally. */
export function bitmap_release_region(bm: KBitmap, pos: number, order: number): void {
  __reg_op(bm, pos, order, REG_OP_RELEASE);
}

/** lib/bitmap.c `bitmap_allocate_region`: 0, or -EBUSY (nothing changed) if any bit is set. */
export function bitmap_allocate_region(bm: KBitmap, pos: number, order: number): number {
  if (!__reg_op(bm, pos, order, REG_OP_ISFREE)) return -EBUSY;
  __reg_op(bm, pos, order, REG_OP_ALLOC);
  return 0;
}

/**
 * Shared body of the generic find_* functions: the first bit equal to `want` in
 * [offset, size), else size. It reads exactly the longs the C reads (those holding
 * bits offset..found-or-size-1), so an oversized `size` faults where C would overrun.
 */
function findNext(bm: KBitmap, size: number, offset: number, want: 0 | 1, op: string): number {
  checkNat(size, `${op} size`);
  checkNat(offset, `${op} offset`);
  if (offset >= size) return size;
  const bpl = bm.bitsPerLong;
  const w = bm.words;
  const flip = want ? 0 : 0xffffffff;
  let lastLong = -1;
  let i = offset;
  while (i < size) {
    const l = Math.floor(i / bpl);
    if (l !== lastLong) checkLong(bm, (lastLong = l), 'read', op);
    const wi = Math.floor(i / 32);
    const x = ((w[wi] ^ flip) & (0xffffffff << (i & 31))) >>> 0; // bits >= i only
    if (x !== 0) {
      const r = wi * 32 + (31 - Math.clz32(x & -x));
      return r < size ? r : size;
    }
    i = (wi + 1) * 32;
  }
  return size;
}

/** lib/find_next_bit.c `find_next_bit(addr, size, offset)`: next set bit, or size. */
export function find_next_bit(bm: KBitmap, size: number, offset: number): number {
  return findNext(bm, size, offset, 1, 'find_next_bit');
}

/** lib/find_next_bit.c `find_next_zero_bit(addr, size, offset)`: next clear bit, or size. */
export function find_next_zero_bit(bm: KBitmap, size: number, offset: number): number {
  return findNext(bm, size, offset, 0, 'find_next_zero_bit');
}

/** `find_first_bit(addr, size)`: first set bit, or size. */
export function find_first_bit(bm: KBitmap, size: number): number {
  return findNext(bm, size, 0, 1, 'find_first_bit');
}
