import { describe, it, expect } from 'vitest';
import {
  RB_BLACK, RB_RED, RB_CLEAR_NODE, RB_EMPTY_NODE, RB_EMPTY_ROOT, rbCheck, rbChildLink, rbLinkGet, rbNode,
  rbRoot, rbRootLink, rb_erase, rb_first, rb_insert_color, rb_last, rb_link_node, rb_next, rb_prev,
  type RbLink, type RbNode, type RbRoot,
} from '../../model/kernel/rbtree';

/** A node embedded in a keyed object, as vmap_area embeds its rb_node. */
interface KNode extends RbNode { key: number }
const key = (n: RbNode | null): number | null => (n === null ? null : (n as KNode).key);
const byKey = (a: KNode, b: KNode): number => a.key - b.key;

function mk(k: number): KNode {
  return Object.assign(rbNode(), { key: k });
}

/** Kernel-style insert: descend with a `struct rb_node **`, then rb_link_node + rb_insert_color. */
function insert(root: RbRoot, node: KNode): void {
  let link: RbLink = rbRootLink(root);
  let parent: RbNode | null = null;
  for (let cur = rbLinkGet(link); cur; cur = rbLinkGet(link)) {
    parent = cur;
    link = rbChildLink(cur, node.key < (cur as KNode).key ? 'left' : 'right');
  }
  rb_link_node(node, parent, link);
  rb_insert_color(node, root);
}

function build(keys: number[]): { root: RbRoot; nodes: Map<number, KNode> } {
  const root = rbRoot();
  const nodes = new Map<number, KNode>();
  for (const k of keys) {
    const n = mk(k);
    nodes.set(k, n);
    insert(root, n);
  }
  return { root, nodes };
}

/** `key colour (left, right)`, '-' for NULL: two trees with equal strings have equal shape. */
function shape(n: RbNode | null): string {
  if (!n) return '-';
  const c = n.rb_color === RB_BLACK ? 'B' : 'R';
  if (!n.rb_left && !n.rb_right) return `${key(n)}${c}`;
  return `${key(n)}${c}(${shape(n.rb_left)},${shape(n.rb_right)})`;
}

function inorder(root: RbRoot): number[] {
  const out: number[] = [];
  for (let n = rb_first(root); n; n = rb_next(n)) out.push(key(n)!);
  return out;
}

function reverseOrder(root: RbRoot): number[] {
  const out: number[] = [];
  for (let n = rb_last(root); n; n = rb_prev(n)) out.push(key(n)!);
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Independent textbook (CLRS, sentinel-based, direction-generic) red-black tree for differential checks. */
interface R { key: number; red: boolean; p: R; c: [R, R] }
class Ref {
  readonly nil: R;
  root: R;
  constructor() {
    const nil = { key: NaN, red: false } as R;
    nil.p = nil;
    nil.c = [nil, nil];
    this.nil = this.root = nil;
  }
  private side(x: R): 0 | 1 { return x === x.p.c[0] ? 0 : 1; }
  /** d = 0: left rotation (x's right child rises); d = 1: right rotation. */
  private rotate(x: R, d: 0 | 1): void {
    const o = (1 - d) as 0 | 1;
    const y = x.c[o];
    x.c[o] = y.c[d];
    if (y.c[d] !== this.nil) y.c[d].p = x;
    y.p = x.p;
    if (x.p === this.nil) this.root = y; else x.p.c[this.side(x)] = y;
    y.c[d] = x;
    x.p = y;
  }
  private transplant(u: R, v: R): void {
    if (u.p === this.nil) this.root = v; else u.p.c[this.side(u)] = v;
    v.p = u.p;
  }
  insert(key: number): R {
    let y = this.nil;
    for (let x = this.root; x !== this.nil; x = key < x.key ? x.c[0] : x.c[1]) y = x;
    let z: R = { key, red: true, p: y, c: [this.nil, this.nil] };
    const made = z;
    if (y === this.nil) this.root = z; else y.c[key < y.key ? 0 : 1] = z;
    while (z.p.red) {
      const d = this.side(z.p), o = (1 - d) as 0 | 1, u = z.p.p.c[o];
      if (u.red) { z.p.red = u.red = false; z.p.p.red = true; z = z.p.p; continue; }
      if (z === z.p.c[o]) { z = z.p; this.rotate(z, d); }
      z.p.red = false; z.p.p.red = true; this.rotate(z.p.p, o);
    }
    this.root.red = false;
    return made;
  }
  delete(z: R): void {
    const nil = this.nil;
    let y = z, yRed = y.red, x: R;
    if (z.c[0] === nil) { x = z.c[1]; this.transplant(z, x); }
    else if (z.c[1] === nil) { x = z.c[0]; this.transplant(z, x); }
    else {
      for (y = z.c[1]; y.c[0] !== nil;) y = y.c[0];
      yRed = y.red; x = y.c[1];
      if (y.p === z) x.p = y;
      else { this.transplant(y, y.c[1]); y.c[1] = z.c[1]; y.c[1].p = y; }
      this.transplant(z, y); y.c[0] = z.c[0]; y.c[0].p = y; y.red = z.red;
    }
    if (yRed) return;
    while (x !== this.root && !x.red) {
      const d = this.side(x), o = (1 - d) as 0 | 1;
      let w = x.p.c[o];
      if (w.red) { w.red = false; x.p.red = true; this.rotate(x.p, d); w = x.p.c[o]; }
      if (!w.c[0].red && !w.c[1].red) { w.red = true; x = x.p; continue; }
      if (!w.c[o].red) { w.c[d].red = false; w.red = true; this.rotate(w, o); w = x.p.c[o]; }
      w.red = x.p.red; x.p.red = false; w.c[o].red = false; this.rotate(x.p, d); x = this.root;
    }
    x.red = false;
  }
  shape(n: R = this.root): string {
    if (n === this.nil) return '-';
    const c = n.red ? 'R' : 'B';
    if (n.c[0] === this.nil && n.c[1] === this.nil) return `${n.key}${c}`;
    return `${n.key}${c}(${this.shape(n.c[0])},${this.shape(n.c[1])})`;
  }
}

describe('rbtree (2.6.26 lib/rbtree.c port)', () => {
  it('inserting 1..7 ascending yields the exact kernel shape, colours and parents', () => {
    const { root, nodes } = build([1, 2, 3, 4, 5, 6, 7]);
    const row = (k: number) => {
      const n = nodes.get(k)!;
      return [key(n.rb_parent), n.rb_color === RB_RED ? 'R' : 'B', key(n.rb_left), key(n.rb_right)];
    };
    expect(root.rb_node).toBe(nodes.get(2));
    expect(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((k) => [k, row(k)]))).toEqual({
      1: [2, 'B', null, null],
      2: [null, 'B', 1, 4],
      3: [4, 'B', null, null],
      4: [2, 'R', 3, 6],
      5: [6, 'R', null, null],
      6: [4, 'B', 5, 7],
      7: [6, 'R', null, null],
    });
    expect(rbCheck(root, byKey)).toEqual([]);
  });

  it('descending and zig-zag insertions give the kernel shapes', () => {
    expect(shape(build([7, 6, 5, 4, 3, 2, 1]).root.rb_node)).toBe('6B(4R(2B(1R,3R),5B),7B)');
    // Inner-grandchild cases: rotate at parent, swap parent/node, then rotate at grandparent.
    for (const keys of [[3, 1, 2], [1, 3, 2]]) {
      const { root, nodes } = build(keys);
      expect(root.rb_node).toBe(nodes.get(2));
      expect(shape(root.rb_node)).toBe('2B(1R,3R)');
    }
  });

  it('erase of a two-child node relinks the SUCCESSOR (leftmost of right subtree)', () => {
    const { root, nodes } = build([1, 2, 3, 4, 5, 6, 7]);
    rb_erase(nodes.get(2)!, root);
    // A predecessor-based erase would put 1 at the root.
    expect(root.rb_node).toBe(nodes.get(3));
    expect(shape(root.rb_node)).toBe('3B(1B,6R(4B(-,5R),7B))');
    expect(rbCheck(root, byKey)).toEqual([]);
  });

  it('erase where the successor is the right child itself (parent == old branch)', () => {
    const { root, nodes } = build([1, 2, 3, 4, 5, 6, 7]);
    rb_erase(nodes.get(6)!, root);
    expect(shape(root.rb_node)).toBe('2B(1B,4R(3B,7B(5R,-)))');
    expect(nodes.get(5)!.rb_parent).toBe(nodes.get(7));
    expect(rbCheck(root, byKey)).toEqual([]);
  });

  it('erase of a black leaf with a red sibling rotates as the kernel does', () => {
    const { root, nodes } = build([1, 2, 3, 4, 5, 6, 7]);
    rb_erase(nodes.get(1)!, root);
    expect(shape(root.rb_node)).toBe('4B(2B(-,3R),6B(5R,7R))');
    expect(rbCheck(root, byKey)).toEqual([]);
  });

  it('RB_CLEAR_NODE / RB_EMPTY_NODE follow 2.6.26 (parent == self) and rb_next/rb_prev honour it', () => {
    const n = mk(5);
    expect(RB_EMPTY_NODE(n)).toBe(true);
    const { root, nodes } = build([1, 2, 3]);
    insert(root, n);
    expect(RB_EMPTY_NODE(n)).toBe(false);
    expect(key(rb_next(n))).toBe(null);
    expect(key(rb_prev(n))).toBe(3);
    const mid = nodes.get(2)!;
    rb_erase(mid, root);
    const colour = mid.rb_color, left = mid.rb_left;
    RB_CLEAR_NODE(mid);
    expect(RB_EMPTY_NODE(mid)).toBe(true);
    expect([mid.rb_color, mid.rb_left]).toEqual([colour, left]);
    expect(rb_next(mid)).toBe(null);
    expect(rb_prev(mid)).toBe(null);
    expect(inorder(root)).toEqual([1, 3, 5]);
    const empty = rbRoot();
    expect([RB_EMPTY_ROOT(empty), rb_first(empty), rb_last(empty)]).toEqual([true, null, null]);
  });

  it('random insert/erase sequences stay well-formed, ordered, and match a textbook RB tree shape', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const rnd = mulberry32(seed);
      const root = rbRoot();
      const ref = new Ref();
      const live = new Map<number, { k: KNode; r: R }>();
      for (let step = 0; step < 300; step++) {
        const k = Math.floor(rnd() * 120);
        const have = live.get(k);
        if (have) {
          rb_erase(have.k, root);
          ref.delete(have.r);
          live.delete(k);
        } else {
          const n = mk(k);
          insert(root, n);
          live.set(k, { k: n, r: ref.insert(k) });
        }
        expect(rbCheck(root, byKey), `seed ${seed} step ${step}`).toEqual([]);
        expect(shape(root.rb_node), `seed ${seed} step ${step}`).toBe(ref.shape());
      }
      const sorted = [...live.keys()].sort((a, b) => a - b);
      expect(inorder(root)).toEqual(sorted);
      expect(reverseOrder(root)).toEqual([...sorted].reverse());
    }
  });

  it('rbCheck reports each kind of breakage and does not mutate the tree', () => {
    const fresh = () => build([1, 2, 3, 4, 5, 6, 7]);
    const has = (problems: string[], what: string) => problems.some((p) => p.includes(what));
    let t = fresh();
    const before = shape(t.root.rb_node);
    expect(rbCheck(t.root, byKey)).toEqual([]);
    expect(shape(t.root.rb_node)).toBe(before);

    t.root.rb_node!.rb_color = RB_RED;
    expect(has(rbCheck(t.root), 'root is red')).toBe(true);

    t = fresh();
    t.nodes.get(3)!.rb_color = RB_RED; // red child of red 4
    expect(has(rbCheck(t.root), 'red child of red')).toBe(true);

    t = fresh();
    t.nodes.get(1)!.rb_color = RB_RED; // left black height drops
    expect(has(rbCheck(t.root), 'black heights differ')).toBe(true);

    t = fresh();
    t.nodes.get(5)!.rb_parent = t.nodes.get(4)!;
    expect(has(rbCheck(t.root), 'wrong parent')).toBe(true);

    t = fresh();
    t.nodes.get(5)!.key = 100;
    expect(has(rbCheck(t.root, byKey), 'BST order')).toBe(true);
    expect(rbCheck(t.root)).toEqual([]); // order is only checked with a comparator
  });
});
