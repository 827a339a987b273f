/**
 * The oracle's own incremental check of the rewrite's red-black tree and its address-sorted
 * list, so tree_wellformed costs what a step wrote, not the whole tree. It keeps, per node in
 * the tree, what it verified last time: the subtree's black height and its smallest and
 * largest key. Every node's invariants (children point back at it, no red child of a red
 * node, equal black heights, left keys <= its key <= right keys) depend only on its subtree,
 * so after a step only the nodes written (model/kernel/rbtree.ts rbWatch.touch, called before
 * every store, with the neighbours the node had then) and their ancestors are re-verified,
 * bottom-up, from the children's remembered values. The list equals the tree in order iff
 * every node's list entry points at its in-order neighbours' (the head at the ends), so only
 * entries written (model/kernel/list.ts listWatch) and the in-order neighbours of linked or
 * erased nodes are re-verified. The code walks the tree's fields itself (no rbtree.ts
 * function, no variant function); the view only names the root, the head and the keys.
 *
 * It only ever says "all well" or "maybe broken": on the latter the full check writes the
 * verdict and the messages, and the next sync rebuilds everything from the tree. Not seen:
 * stores that bypass the rbtree and list primitives (a key changed in a linked node, a field
 * written directly). tests/properties/incremental_tree.test.ts compares it with the full check
 * on random runs of every rewrite-family variant and on deliberately broken trees.
 */
import type { World } from '../model/engine/world';
import type { LayerView, TreeStructure } from '../model/engine/variant';
import type { RbNode } from '../model/kernel/rbtree';
import { ListHead } from '../model/kernel/list';

/** Test-only mutants (tests/properties/incremental_tree.test.ts): each must make the comparison fail. */
export const TREE_MUTANT: { kind: 'none' | 'skip-ancestors' | 'drop-list-writes' } = { kind: 'none' };

/** What a verified node's subtree was. */
interface Sum {
  readonly bh: number;
  readonly min: bigint;
  readonly max: bigint;
}

/** Bound on an ancestor climb: deeper than any red-black tree of 2^40 nodes means a cycle. */
const MAX_DEPTH = 96;

/** The incremental tree and list check of one world. */
export class TreeIndex {
  private readonly sums = new Map<RbNode, Sum>();
  private readonly written = new Set<RbNode>();
  private readonly listed = new Set<RbNode>();
  private ok = false;

  constructor(w: World, private readonly t: TreeStructure) {
    w.changes.onTreeWrite((n) => {
      this.written.add(n);
      for (const m of [n.rb_parent, n.rb_left, n.rb_right]) if (m !== null && m !== n) this.written.add(m);
    });
    w.changes.onListWrite((l) => {
      if (TREE_MUTANT.kind === 'drop-list-writes') return;
      const n = t.nodeOf(l);
      if (n !== null) this.listed.add(n);
    });
    // The in-order neighbours of a node linked (after rebalancing) or erased (before): their list entries must follow.
    w.changes.onArea((node) => {
      const n = node as RbNode;
      if (!('rb_parent' in n)) return;
      this.listed.add(n);
      for (const m of [this.pred(n), this.succ(n)]) if (m !== null) this.listed.add(m);
    });
  }

  /** Is the tree (and list) certainly well formed? False means: ask the full check. */
  get wellFormed(): boolean {
    return this.ok;
  }

  /** Re-verify what the notifications since the last sync name. */
  sync(): void {
    if (!this.ok) this.ok = this.rebuild();
    else this.ok = this.incremental();
    this.written.clear();
    this.listed.clear();
  }

  private key(n: RbNode): bigint {
    return this.t.key(n);
  }

  /** Verify `n` from its children's sums; record its own. False on any problem. */
  private verify(n: RbNode): boolean {
    let bhL = 1;
    let bhR = 1;
    let min = this.key(n);
    let max = min;
    const l = n.rb_left;
    const r = n.rb_right;
    if (l !== null) {
      const s = this.sums.get(l);
      if (s === undefined || l.rb_parent !== n || (n.rb_color === 0 && l.rb_color === 0) || s.max > min) return false;
      bhL = s.bh;
      min = s.min;
    }
    if (r !== null) {
      const s = this.sums.get(r);
      if (s === undefined || r.rb_parent !== n || (n.rb_color === 0 && r.rb_color === 0) || s.min < this.key(n)) return false;
      bhR = s.bh;
      max = s.max;
    }
    if (bhL !== bhR) return false;
    this.sums.set(n, { bh: bhL + (n.rb_color === 1 ? 1 : 0), min, max });
    return true;
  }

  /** Everything from the tree: post-order walk (iterative, cycle-safe), then the whole list. */
  private rebuild(): boolean {
    this.sums.clear();
    const top = this.t.root.rb_node;
    if (top !== null && (top.rb_parent !== null || top.rb_color !== 1)) return false;
    const seen = new Set<RbNode>();
    const stack: [RbNode, boolean][] = top === null ? [] : [[top, false]];
    while (stack.length > 0) {
      const [n, done] = stack.pop()!;
      if (done) {
        if (!this.verify(n)) return false;
        continue;
      }
      if (seen.has(n)) return false;
      seen.add(n);
      stack.push([n, true]);
      if (n.rb_right !== null) stack.push([n.rb_right, false]);
      if (n.rb_left !== null) stack.push([n.rb_left, false]);
    }
    const head = this.t.head;
    let l: unknown = head.next;
    let count = 0;
    for (let n = this.first(); n !== null; n = this.succ(n)) {
      if (l !== this.t.list(n) || !this.linksBack(this.t.list(n))) return false;
      l = this.t.list(n).next;
      if (++count > seen.size) return false;
    }
    return l === head && this.linksBack(head) && count === seen.size;
  }

  /** Only the written nodes and their ancestors, deepest first; then the named list entries. */
  private incremental(): boolean {
    const top = this.t.root.rb_node;
    if (top !== null && (top.rb_parent !== null || top.rb_color !== 1)) return false;
    const depth = new Map<RbNode, number>();
    for (const n of this.written) {
      const path = this.pathToRoot(n);
      if (path === undefined) return false;
      if (path === null) {
        this.sums.delete(n);
        continue;
      }
      const chain = TREE_MUTANT.kind === 'skip-ancestors' ? path.slice(0, 1) : path;
      chain.forEach((m, i) => depth.set(m, path.length - 1 - i));
    }
    const order = [...depth.entries()].sort((a, b) => b[1] - a[1]);
    for (const [n] of order) if (!this.verify(n)) return false;
    const head = this.t.head;
    const first = this.first();
    if (head.next !== (first === null ? head : this.t.list(first)) || !this.linksBack(head)) return false;
    for (const n of this.listed) {
      if (this.pathToRoot(n) === null) continue; // not in the tree: its neighbours' entries show a stale link
      const s = this.succ(n);
      const p = this.pred(n);
      const l = this.t.list(n);
      if (l.next !== (s === null ? head : this.t.list(s)) || l.prev !== (p === null ? head : this.t.list(p)) || !this.linksBack(l)) return false;
    }
    return true;
  }

  /** `l->next->prev == l` and `l->prev->next == l`. */
  private linksBack(l: ListHead): boolean {
    return l.next instanceof ListHead && l.next.prev === l && l.prev instanceof ListHead && l.prev.next === l;
  }

  /** `n` and its ancestors up to the root; null when `n` is not in the tree; undefined on a cycle. */
  private pathToRoot(n: RbNode): RbNode[] | null | undefined {
    const path: RbNode[] = [n];
    let x = n;
    for (;;) {
      const p = x.rb_parent;
      if (p === null) return this.t.root.rb_node === x ? path : null;
      if (p === x || (p.rb_left !== x && p.rb_right !== x)) return null;
      path.push(p);
      if (path.length > MAX_DEPTH) return undefined;
      x = p;
    }
  }

  private first(): RbNode | null {
    let n = this.t.root.rb_node;
    for (let k = 0; n !== null && n.rb_left !== null && k < MAX_DEPTH; k++) n = n.rb_left;
    return n;
  }

  /** In-order successor by the fields (the oracle's own walk; bounded: the tree may be broken). */
  private succ(n: RbNode): RbNode | null {
    let k = 0;
    if (n.rb_right !== null) {
      let m = n.rb_right;
      while (m.rb_left !== null && ++k < MAX_DEPTH) m = m.rb_left;
      return m;
    }
    let x = n;
    for (let p = x.rb_parent; p !== null && p !== x && ++k < MAX_DEPTH; x = p, p = x.rb_parent) if (p.rb_left === x) return p;
    return null;
  }

  /** In-order predecessor by the fields. */
  private pred(n: RbNode): RbNode | null {
    let k = 0;
    if (n.rb_left !== null) {
      let m = n.rb_left;
      while (m.rb_right !== null && ++k < MAX_DEPTH) m = m.rb_right;
      return m;
    }
    let x = n;
    for (let p = x.rb_parent; p !== null && p !== x && ++k < MAX_DEPTH; x = p, p = x.rb_parent) if (p.rb_right === x) return p;
    return null;
  }
}

const INDEXES = new WeakMap<World, TreeIndex>();

/** This world's tree check, synced; undefined when the view names no tree (vanilla). */
export function treeIndex(w: World, view: LayerView): TreeIndex | undefined {
  const t = view.treeStructure?.();
  if (t === undefined || t === null) return undefined;
  let ix = INDEXES.get(w);
  if (ix === undefined) INDEXES.set(w, (ix = new TreeIndex(w, t)));
  ix.sync();
  return ix;
}
