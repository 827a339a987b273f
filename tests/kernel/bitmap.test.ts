import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  KBitmap, BitmapOutOfBounds, REG_OP_ISFREE, REG_OP_ALLOC, __reg_op, __reg_op_geometry,
  bitmap_zero, bitmap_weight, test_bit, set_bit, __set_bit, clear_bit,
  bitmap_find_free_region, bitmap_allocate_region, bitmap_release_region,
  find_first_bit, find_next_bit, find_next_zero_bit,
} from '../../model/kernel/bitmap';

/* Reference: the C read literally, with bigint longs (independent of the model's word layout). */
class CRefOOB extends Error { constructor(readonly longIndex: number, readonly access: string) { super('oob'); } }
class CRef {
  readonly longs: bigint[];
  constructor(nbits: number, readonly bpl: 32 | 64) { this.longs = Array(Math.ceil(nbits / bpl)).fill(0n); }
  read(i: number): bigint { if (i < 0 || i >= this.longs.length) throw new CRefOOB(i, 'read'); return this.longs[i]; }
  /** `x |= m` / `x &= m`: the model reports a read-modify-write as a write. */
  rmw(i: number, f: (x: bigint) => bigint): void { if (i < 0 || i >= this.longs.length) throw new CRefOOB(i, 'write'); this.longs[i] = f(this.longs[i]); }
  hex(): string[] { return this.longs.map((l) => '0x' + l.toString(16).padStart(this.bpl / 4, '0')); }
}
function C_reg_op(b: CRef, pos: number, order: number, reg_op: number): number {
  if (pos < 0 || pos > 0x7fffffff) throw new RangeError('pos');
  const BPL = b.bpl, nbits_reg = 1 << order, index = Math.trunc(pos / BPL), offset = pos - index * BPL;
  const nlongs_reg = Math.ceil(nbits_reg / BPL), nbitsinlong = Math.min(nbits_reg, BPL);
  let mask = 1n << BigInt(nbitsinlong - 1);
  mask += mask - 1n;
  mask = BigInt.asUintN(BPL, mask << BigInt(offset));
  if (reg_op === REG_OP_ISFREE) { for (let i = 0; i < nlongs_reg; i++) if (b.read(index + i) & mask) return 0; return 1; }
  for (let i = 0; i < nlongs_reg; i++) b.rmw(index + i, (x) => (reg_op === REG_OP_ALLOC ? x | mask : x & BigInt.asUintN(BPL, ~mask)));
  return 0;
}
const __ffs = (x: bigint): number => { let n = 0; while (!(x & 1n)) { x >>= 1n; n++; } return n; };
/** find_next_bit as written; find_next_zero_bit is the same walk over complemented longs. */
function C_find_next(b: CRef, size: number, offset: number, zero: boolean): number {
  const BPL = b.bpl, ONES = (1n << BigInt(BPL)) - 1n;
  const ld = (i: number) => (zero ? ~b.read(i) & ONES : b.read(i));
  let p = Math.floor(offset / BPL), result = offset - (offset % BPL), tmp: bigint;
  if (offset >= size) return size;
  size -= result;
  offset %= BPL;
  const found_first = (t: bigint) => { t &= ONES >> BigInt(BPL - size); return t === 0n ? result + size : result + __ffs(t); };
  if (offset) {
    tmp = ld(p++) & (ONES << BigInt(offset)) & ONES;
    if (size < BPL) return found_first(tmp);
    if (tmp) return result + __ffs(tmp);
    size -= BPL;
    result += BPL;
  }
  while (size >= BPL) { if ((tmp = ld(p++))) return result + __ffs(tmp); result += BPL; size -= BPL; }
  if (!size) return result;
  return found_first(ld(p));
}

const BPLS = [32, 64] as const;

function filled(name: string, nbits: number, bpl: 32 | 64, upTo: number): KBitmap {
  const bm = new KBitmap(name, nbits, bpl);
  for (let i = 0; i < upTo; i++) set_bit(i, bm);
  return bm;
}

describe('storage and single bits', () => {
  it('has BITS_TO_LONGS(nbits) longs and reachable padding', () => {
    const bm = new KBitmap('alloc_map', 12, 32);
    expect(bm.storageLongs).toBe(1);
    expect(bm.storageBits).toBe(32);
    set_bit(31, bm); // padding: legal memory in C
    expect(test_bit(31, bm)).toBe(true);
    expect(bitmap_weight(bm)).toBe(0); // weight only counts the first nbits
    clear_bit(31, bm);
    __set_bit(11, bm);
    expect(bm.toArray()).toEqual([11]);
  });

  it('reports accesses past the storage like KASAN', () => {
    for (const bpl of BPLS) {
      const bm = new KBitmap('dirty_map', 40, bpl);
      const limit = bm.storageBits;
      expect(() => test_bit(limit - 1, bm)).not.toThrow();
      const err = (() => { try { set_bit(limit, bm); } catch (e) { return e; } })();
      expect(err).toBeInstanceOf(BitmapOutOfBounds);
      expect(err).toMatchObject({ bitmap: 'dirty_map', longIndex: bm.storageLongs, storageLongs: bm.storageLongs, access: 'write' });
      expect(() => test_bit(-1, bm)).toThrow(BitmapOutOfBounds);
    }
  });

  it('bitmap_zero clears whole longs (padding included); poison init is non-zero', () => {
    const bm = new KBitmap('alloc_map', 12, 64, 'poison');
    expect(bitmap_weight(bm)).toBeGreaterThan(0);
    expect(test_bit(63, bm)).toBe(false); // 0x6b: bit 7 of each byte is clear
    expect(test_bit(62, bm)).toBe(true);
    bitmap_zero(bm);
    expect(bm.toArray()).toEqual([]);
    expect(() => bitmap_zero(bm, 65)).toThrow(BitmapOutOfBounds);
  });

  it('clone is independent; bits()/toHex() expose the storage', () => {
    const a = new KBitmap('m', 70, 64);
    set_bit(69, a);
    const b = a.clone();
    set_bit(0, b);
    expect(a.toArray()).toEqual([69]);
    expect(b.toArray()).toEqual([0, 69]);
    expect(a.equals(b)).toBe(false);
    expect(Array.from(a.bits()).filter((x) => x).length).toBe(1);
    expect(a.bits()[69]).toBe(1);
    expect(a.toHex()).toEqual(['0x0000000000000000', '0x0000000000000020']);
  });
});

describe('__reg_op and regions (2.6.26 lib/bitmap.c)', () => {
  it('order 2 with bit 1 set: returns 4, sets exactly bits 4..7', () => {
    for (const bpl of BPLS) {
      const bm = new KBitmap('alloc_map', 1024, bpl);
      set_bit(1, bm);
      expect(bitmap_find_free_region(bm, 1024, 2)).toBe(4);
      expect(bm.toArray()).toEqual([1, 4, 5, 6, 7]);
    }
  });

  it('12-bit map, bits 0..7 used, order 3: returns 8 and allocates padding bits 12..15', () => {
    // C only tests pos < bits (8 < 12), never pos + 8 <= bits, and __reg_op builds
    // mask 0xff << 8 over the whole long: bits 12..15 are padding, so zero, so the
    // region counts as free and ALLOC sets them.
    const bm = filled('alloc_map', 12, 32, 8);
    expect(bitmap_find_free_region(bm, 12, 3)).toBe(8);
    expect(bm.toArray()).toEqual([...Array(16).keys()]);
    expect(bitmap_weight(bm)).toBe(12);
    expect(bm.words[0]).toBe(0xffff);
  });

  it('682-bit map fully used, order 5: pos steps to 704 != 682 and ALLOC faults at long 22', () => {
    const bm = filled('alloc_map', 682, 32, 682);
    expect(bm.storageLongs).toBe(22);
    let err: unknown;
    try { bitmap_find_free_region(bm, 682, 5); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(BitmapOutOfBounds);
    expect(err).toMatchObject({ bitmap: 'alloc_map', longIndex: 22, storageLongs: 22, access: 'write', op: 'REG_OP_ALLOC' });
    // With 64-bit longs the same map is 11 longs and the ALLOC lands on long 11.
    const bm64 = filled('alloc_map', 682, 64, 682);
    expect(() => bitmap_find_free_region(bm64, 682, 5)).toThrow(/alloc_map\[11\]/);
  });

  it('a search bound beyond the storage faults on the ISFREE read', () => {
    // Padding bits 12..31 are set too, so long 0 has no free region; order 6 steps
    // from long 0 straight to long 2.
    for (const [order, longIndex] of [[0, 1], [3, 1], [5, 1], [6, 2]]) {
      const bm = filled('alloc_map', 12, 32, 32);
      expect(() => bitmap_find_free_region(bm, 128, order)).toThrow(
        expect.objectContaining({ longIndex, access: 'read', op: 'REG_OP_ISFREE' }),
      );
    }
  });

  it('682-bit map used up to 672: long 21 is free so pos 672 is returned, padding included', () => {
    const bm = filled('alloc_map', 682, 32, 672);
    expect(bitmap_find_free_region(bm, 682, 5)).toBe(672);
    expect(test_bit(703, bm)).toBe(true);
  });

  it('full map whose size is a multiple of the region: -ENOMEM and unchanged', () => {
    const bm = filled('alloc_map', 1024, 64, 1024);
    const before = bm.clone();
    expect(bitmap_find_free_region(bm, 1024, 5)).toBe(-12);
    expect(bm.equals(before)).toBe(true);
  });

  it('allocate_region on a taken region returns -EBUSY and changes nothing', () => {
    for (const bpl of BPLS) {
      const bm = new KBitmap('alloc_map', 256, bpl);
      set_bit(37, bm);
      const before = bm.clone();
      expect(bitmap_allocate_region(bm, 32, 3)).toBe(-16);
      expect(bm.equals(before)).toBe(true);
      expect(bitmap_allocate_region(bm, 40, 3)).toBe(0);
      expect(bm.toArray()).toEqual([37, 40, 41, 42, 43, 44, 45, 46, 47]);
      bitmap_release_region(bm, 40, 3);
      expect(bm.toArray()).toEqual([37]);
    }
  });

  it('order 6 on 32-bit longs spans two longs with the same all-ones mask', () => {
    const g = __reg_op_geometry(64, 6, 32);
    expect(g).toMatchObject({ index: 2, offset: 0, nlongs_reg: 2, nbitsinlong: 32, mask: 0xffffffffn });
    const bm = new KBitmap('alloc_map', 256, 32);
    expect(bitmap_allocate_region(bm, 64, 6)).toBe(0);
    expect(bm.toArray()).toEqual([...Array(64).keys()].map((i) => i + 64));
    expect(__reg_op_geometry(64, 6, 64)).toMatchObject({ index: 1, nlongs_reg: 1, mask: (1n << 64n) - 1n });
  });

  it('unaligned multi-long region reuses the first long\'s mask (C holes)', () => {
    const bm = new KBitmap('alloc_map', 256, 32);
    expect(bitmap_allocate_region(bm, 40, 6)).toBe(0); // mask 0xffffff00 on longs 1 and 2
    const set = bm.toArray();
    expect(set).toEqual([...Array(24).keys()].map((i) => i + 40).concat([...Array(24).keys()].map((i) => i + 72)));
  });

  it('ISFREE stops at the first busy long without reading further', () => {
    const bm = new KBitmap('m', 64, 32); // 2 longs; order 7 spans 4
    set_bit(70 - 64, bm);
    expect(__reg_op(bm, 0, 7, REG_OP_ISFREE)).toBe(0);
    bitmap_zero(bm);
    expect(() => __reg_op(bm, 0, 7, REG_OP_ISFREE)).toThrow(BitmapOutOfBounds);
    expect(() => __reg_op(bm, 0, 7, REG_OP_ALLOC)).toThrow(/m\[2\]/);
    expect(bm.words[0]).toBe(0xffffffff); // longs before the fault were written, as in C
  });
});

describe('find_*_bit (lib/find_next_bit.c)', () => {
  it('handles long boundaries for 32- and 64-bit longs', () => {
    for (const bpl of BPLS) {
      const bm = new KBitmap('m', 128, bpl);
      for (const b of [31, 32, 63, 64, 127]) set_bit(b, bm);
      expect(find_first_bit(bm, 128)).toBe(31);
      expect(find_first_bit(bm, 31)).toBe(31); // nothing below size: returns size
      expect(find_next_bit(bm, 128, 31)).toBe(31);
      expect(find_next_bit(bm, 128, 33)).toBe(63);
      expect(find_next_bit(bm, 128, 64)).toBe(64);
      expect(find_next_bit(bm, 128, 65)).toBe(127);
      expect(find_next_bit(bm, 127, 65)).toBe(127);
      expect(find_next_bit(bm, 128, 128)).toBe(128);
      expect(find_next_bit(bm, 100, 200)).toBe(100); // offset >= size returns size
      expect(find_next_zero_bit(bm, 128, 31)).toBe(33);
      expect(find_next_zero_bit(bm, 128, 63)).toBe(65);
      expect(find_next_zero_bit(bm, 33, 31)).toBe(33);
      const full = filled('f', 128, bpl, 128);
      clear_bit(64, full);
      expect(find_next_zero_bit(full, 128, 0)).toBe(64);
      expect(find_next_zero_bit(full, 64, 0)).toBe(64);
      expect(find_next_zero_bit(full, 128, 65)).toBe(128);
    }
  });

  it('never reports padding bits and reads only within size', () => {
    const bm = new KBitmap('m', 40, 64);
    set_bit(50, bm);
    expect(find_next_bit(bm, 40, 0)).toBe(40);
    expect(find_next_zero_bit(filled('z', 40, 64, 40), 40, 3)).toBe(40);
    expect(find_next_bit(bm, 65, 0)).toBe(50); // found in long 0: long 1 is never read
    expect(() => find_next_bit(bm, 65, 51)).toThrow(BitmapOutOfBounds);
    set_bit(1, bm);
    expect(find_next_bit(bm, 1000, 0)).toBe(1); // stops before reading beyond storage
  });
});

describe('agreement with a line-by-line transliteration of the C', () => {
  const op = fc.oneof(
    fc.record({ k: fc.constant('find' as const), bits: fc.integer({ min: -2, max: 300 }), order: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ k: fc.constant('alloc' as const), pos: fc.integer({ min: 0, max: 320 }), order: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ k: fc.constant('release' as const), pos: fc.integer({ min: 0, max: 320 }), order: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ k: fc.constant('next' as const), size: fc.integer({ min: 0, max: 330 }), off: fc.integer({ min: 0, max: 330 }), zero: fc.boolean() }),
  );
  it('matches results, faults and final storage', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BPLS), fc.integer({ min: 1, max: 300 }), fc.array(op, { maxLength: 40 }), (bpl, nbits, ops) => {
        const bm = new KBitmap('m', nbits, bpl);
        const ref = new CRef(nbits, bpl);
        const run = (f: () => number) => { try { return f(); } catch (e) { return e instanceof BitmapOutOfBounds || e instanceof CRefOOB ? `oob ${(e as CRefOOB).access}@${(e as CRefOOB).longIndex}` : 'range'; } };
        for (const o of ops) {
          let got, want;
          if (o.k === 'find') {
            got = run(() => bitmap_find_free_region(bm, o.bits, o.order));
            want = run(() => { let pos; for (pos = 0; pos < o.bits; pos += 1 << o.order) if (C_reg_op(ref, pos, o.order, REG_OP_ISFREE)) break; if (pos === o.bits) return -12; C_reg_op(ref, pos, o.order, REG_OP_ALLOC); return pos; });
          } else if (o.k === 'alloc' || o.k === 'release') {
            got = run(() => (o.k === 'alloc' ? bitmap_allocate_region(bm, o.pos, o.order) : (bitmap_release_region(bm, o.pos, o.order), 0)));
            want = run(() => (o.k === 'alloc' ? (C_reg_op(ref, o.pos, o.order, REG_OP_ISFREE) ? (C_reg_op(ref, o.pos, o.order, REG_OP_ALLOC), 0) : -16) : (C_reg_op(ref, o.pos, o.order, 2), 0)));
          } else {
            got = run(() => (o.zero ? find_next_zero_bit : find_next_bit)(bm, o.size, o.off));
            want = run(() => C_find_next(ref, o.size, o.off, o.zero));
          }
          expect(got).toEqual(want);
          expect(bm.toHex()).toEqual(ref.hex());
        }
      }),
      { seed: 1208, numRuns: 400 },
    );
  });
});
