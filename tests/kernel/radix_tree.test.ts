import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  RADIX_TREE,
  radix_tree_insert,
  radix_tree_lookup,
  radix_tree_delete,
} from '../../model/kernel/radix_tree';

interface Vb {
  id: string;
}

describe('radix tree (vmap_block_tree)', () => {
  it('starts empty, with its name and gfp mask', () => {
    const t = RADIX_TREE<Vb>('vmap_block_tree');
    expect(t.name).toBe('vmap_block_tree');
    expect(t.gfp_mask).toBe('GFP_ATOMIC');
    expect(t.count).toBe(0);
    expect(t.entries()).toEqual([]);
    expect(radix_tree_lookup(t, 0n)).toBeNull();
    expect(radix_tree_delete(t, 0n)).toBeNull();
  });

  it('insert returns 0, then -EEXIST for an occupied slot without replacing it', () => {
    const t = RADIX_TREE<Vb>('vmap_block_tree');
    const a = { id: 'a' };
    const b = { id: 'b' };
    expect(radix_tree_insert(t, 5n, a)).toBe(0);
    expect(radix_tree_insert(t, 5n, b)).toBe(-17);
    expect(radix_tree_lookup(t, 5n)).toBe(a);
    expect(radix_tree_lookup(t, 4n)).toBeNull();
    expect(radix_tree_lookup(t, 6n)).toBeNull();
  });

  it('delete returns the removed item once, then null; the slot can be reused', () => {
    const t = RADIX_TREE<Vb>('vmap_block_tree');
    const a = { id: 'a' };
    radix_tree_insert(t, 7n, a);
    expect(radix_tree_delete(t, 7n)).toBe(a);
    expect(radix_tree_delete(t, 7n)).toBeNull();
    expect(radix_tree_lookup(t, 7n)).toBeNull();
    expect(radix_tree_insert(t, 7n, { id: 'c' })).toBe(0);
    expect(t.count).toBe(1);
  });

  it('accepts the full unsigned long range and rejects anything else', () => {
    const t = RADIX_TREE<Vb>('vmap_block_tree');
    const top = (1n << 64n) - 1n;
    expect(radix_tree_insert(t, top, { id: 'top' })).toBe(0);
    expect(radix_tree_lookup(t, top)?.id).toBe('top');
    expect(() => radix_tree_insert(t, 1n << 64n, { id: 'x' })).toThrow(RangeError);
    expect(() => radix_tree_lookup(t, -1n)).toThrow(RangeError);
    expect(() => radix_tree_insert(t, 1n, null as unknown as Vb)).toThrow(RangeError);
  });

  it('iterates in index order, and clones are independent', () => {
    const t = RADIX_TREE<Vb>('vmap_block_tree');
    for (const i of [0xffffc2000n, 3n, 0x100000000n, 0n]) radix_tree_insert(t, i, { id: i.toString(16) });
    expect(t.entries().map(([i]) => i)).toEqual([0n, 3n, 0x100000000n, 0xffffc2000n]);
    const c = t.clone((vb) => ({ id: vb.id + "'" }));
    radix_tree_delete(c, 3n);
    expect(t.count).toBe(4);
    expect(c.count).toBe(3);
    expect(radix_tree_lookup(c, 0n)?.id).toBe("0'");
    expect(radix_tree_lookup(t, 0n)?.id).toBe('0');
    radix_tree_insert(t, 1n, { id: '1' });
    expect(t.entries().map(([i]) => i)).toEqual([0n, 1n, 3n, 0x100000000n, 0xffffc2000n]);
  });

  it('behaves like a map under random insert/lookup/delete sequences', () => {
    const cmd = fc.record({
      k: fc.constantFrom('ins', 'look', 'del'),
      idx: fc.oneof(fc.bigInt({ min: 0n, max: 20n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    });
    fc.assert(
      fc.property(fc.array(cmd, { maxLength: 60 }), (cmds) => {
        const t = RADIX_TREE<Vb>('vmap_block_tree');
        const ref = new Map<bigint, Vb>();
        cmds.forEach((c, n) => {
          if (c.k === 'ins') {
            const item = { id: String(n) };
            expect(radix_tree_insert(t, c.idx, item)).toBe(ref.has(c.idx) ? -17 : 0);
            if (!ref.has(c.idx)) ref.set(c.idx, item);
          } else if (c.k === 'look') {
            expect(radix_tree_lookup(t, c.idx)).toBe(ref.get(c.idx) ?? null);
          } else {
            expect(radix_tree_delete(t, c.idx)).toBe(ref.get(c.idx) ?? null);
            ref.delete(c.idx);
          }
          const keys = [...ref.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
          expect(t.entries().map(([i]) => i)).toEqual(keys);
        });
      }),
      { seed: 2608, numRuns: 200 },
    );
  });
});
