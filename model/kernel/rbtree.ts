/**
 * Port of Linux 2.6.26 `lib/rbtree.c` plus the inlines of `include/linux/rbtree.h`. Rotations,
 * case order and successor choice follow the C exactly: `alloc_vmap_area` walks root-to-leaf,
 * so tree SHAPE is observable. C's packed `rb_parent_color` is two fields here; wherever C
 * copies it, both are copied. Nodes are embedded in larger objects (container_of style).
 */

/** `RB_RED` (0 in 2.6.26). */
export const RB_RED = 0;
/** `RB_BLACK` (1 in 2.6.26). */
export const RB_BLACK = 1;
/** `struct rb_node`; embed these fields in (or hold one in) the containing object. */
export interface RbNode { rb_parent: RbNode | null; rb_color: 0 | 1; rb_left: RbNode | null; rb_right: RbNode | null }
/** `struct rb_root`. */
export interface RbRoot { rb_node: RbNode | null }
/** A C `struct rb_node **`: `side: 'root'` is `&root->rb_node`, else `&parent->rb_left` /
 *  `&parent->rb_right`. Build with {@link rbRootLink} / {@link rbChildLink}. */
export type RbLink =
  | { readonly side: 'root'; readonly root: RbRoot; readonly parent: null }
  | { readonly side: 'left' | 'right'; readonly parent: RbNode };

/**
 * Ghost observer of tree membership (set by the engine for the run in progress): a node was
 * linked (after rb_insert_color) or is being erased. Never changes behaviour; the oracles'
 * own indexes (properties/incremental.ts) follow it instead of re-walking the tree.
 */
export const rbWatch: {
  on: ((node: RbNode, linked: boolean) => void) | null;
  /**
   * A node's rb fields (or the root slot pointing at it) are about to be written: called
   * before the store, so the observer can note the node's neighbours before and after it
   * (the incremental tree check, properties/incremental_tree.ts, re-verifies only those).
   */
  touch: ((node: RbNode) => void) | null;
} = { on: null, touch: null };

/** Ghost: tell the observer `n` is about to be written. */
function touch(n: RbNode | null): void {
  if (n !== null && rbWatch.touch !== null) rbWatch.touch(n);
}

/** A fresh node, already RB_CLEAR_NODE'd (unlinked, parent points to itself). */
export function rbNode(): RbNode {
  const n: RbNode = { rb_parent: null, rb_color: RB_RED, rb_left: null, rb_right: null };
  n.rb_parent = n; // RB_CLEAR_NODE
  return n;
}

/** `RB_ROOT`: an empty tree. */
export function rbRoot(): RbRoot { return { rb_node: null }; }
/** `rb_parent(r)`. */
export function rb_parent(node: RbNode): RbNode | null { return node.rb_parent; }
/** `rb_color(r)`. */
export function rb_color(node: RbNode): 0 | 1 { return node.rb_color; }
/** `rb_is_red(r)`. */
export function rb_is_red(node: RbNode): boolean { return node.rb_color === RB_RED; }
/** `rb_is_black(r)`. */
export function rb_is_black(node: RbNode): boolean { return node.rb_color === RB_BLACK; }
/** `RB_EMPTY_ROOT(root)`. */
export function RB_EMPTY_ROOT(root: RbRoot): boolean { return root.rb_node === null; }
/** `RB_EMPTY_NODE(node)`: 2.6.26 marks an unlinked node by making it its own parent. */
export function RB_EMPTY_NODE(node: RbNode): boolean { return node.rb_parent === node; }
/** `RB_CLEAR_NODE(node)`: `rb_set_parent(node, node)`; colour and children are untouched. */
export function RB_CLEAR_NODE(node: RbNode): void { touch(node); node.rb_parent = node; }
/** The link `&root->rb_node`. */
export function rbRootLink(root: RbRoot): RbLink { return { side: 'root', root, parent: null }; }
/** The link `&parent->rb_left` or `&parent->rb_right`. */
export function rbChildLink(parent: RbNode, side: 'left' | 'right'): RbLink { return { side, parent }; }

/** `*link`: the node a link slot currently points to. */
export function rbLinkGet(link: RbLink): RbNode | null {
  return link.side === 'root' ? link.root.rb_node : link.side === 'left' ? link.parent.rb_left : link.parent.rb_right;
}

/** `rb_link_node(node, parent, rb_link)`: node becomes red (`rb_parent_color = parent`) and
 *  childless, then `*rb_link = node`. As in C, `parent` is not checked against `link`. */
export function rb_link_node(node: RbNode, parent: RbNode | null, link: RbLink): void {
  touch(node);
  touch(link.side === 'root' ? link.root.rb_node : link.parent);
  node.rb_parent = parent;
  node.rb_color = RB_RED;
  node.rb_left = node.rb_right = null;
  if (link.side === 'root') link.root.rb_node = node;
  else if (link.side === 'left') link.parent.rb_left = node;
  else link.parent.rb_right = node;
}

function __rb_rotate_left(node: RbNode, root: RbRoot): void {
  const right = node.rb_right!;
  const parent = node.rb_parent;
  touch(node); touch(right); touch(right.rb_left); touch(parent);
  if ((node.rb_right = right.rb_left)) right.rb_left!.rb_parent = node;
  right.rb_left = node;
  right.rb_parent = parent;
  if (parent) {
    if (node === parent.rb_left) parent.rb_left = right;
    else parent.rb_right = right;
  } else root.rb_node = right;
  node.rb_parent = right;
}

function __rb_rotate_right(node: RbNode, root: RbRoot): void {
  const left = node.rb_left!;
  const parent = node.rb_parent;
  touch(node); touch(left); touch(left.rb_right); touch(parent);
  if ((node.rb_left = left.rb_right)) left.rb_right!.rb_parent = node;
  left.rb_right = node;
  left.rb_parent = parent;
  if (parent) {
    if (node === parent.rb_right) parent.rb_right = left;
    else parent.rb_left = left;
  } else root.rb_node = left;
  node.rb_parent = left;
}

/** `rb_insert_color`: rebalance after {@link rb_link_node}. */
export function rb_insert_color(node: RbNode, root: RbRoot): void {
  const linked = node;
  try {
    rbInsertColor(node, root);
  } finally {
    rbWatch.on?.(linked, true);
  }
}

function rbInsertColor(node: RbNode, root: RbRoot): void {
  let parent: RbNode | null;
  while ((parent = node.rb_parent) && rb_is_red(parent)) {
    // A red parent is never the root, so the grandparent exists.
    const gparent = parent.rb_parent!;
    if (parent === gparent.rb_left) {
      const uncle = gparent.rb_right;
      if (uncle && rb_is_red(uncle)) {
        touch(uncle); touch(parent); touch(gparent);
        uncle.rb_color = parent.rb_color = RB_BLACK;
        gparent.rb_color = RB_RED;
        node = gparent; continue;
      }
      if (parent.rb_right === node) {
        __rb_rotate_left(parent, root);
        [parent, node] = [node, parent];
      }
      touch(parent); touch(gparent);
      parent.rb_color = RB_BLACK; gparent.rb_color = RB_RED;
      __rb_rotate_right(gparent, root);
    } else {
      const uncle = gparent.rb_left;
      if (uncle && rb_is_red(uncle)) {
        touch(uncle); touch(parent); touch(gparent);
        uncle.rb_color = parent.rb_color = RB_BLACK;
        gparent.rb_color = RB_RED;
        node = gparent; continue;
      }
      if (parent.rb_left === node) {
        __rb_rotate_right(parent, root);
        [parent, node] = [node, parent];
      }
      touch(parent); touch(gparent);
      parent.rb_color = RB_BLACK; gparent.rb_color = RB_RED;
      __rb_rotate_left(gparent, root);
    }
  }
  touch(root.rb_node);
  root.rb_node!.rb_color = RB_BLACK;
}

function __rb_erase_color(node: RbNode | null, parent: RbNode | null, root: RbRoot): void {
  let other: RbNode;
  while ((!node || rb_is_black(node)) && node !== root.rb_node) {
    // node is not the root, so parent is non-null; the sibling exists by black-height.
    const p = parent!;
    if (p.rb_left === node) {
      other = p.rb_right!;
      if (rb_is_red(other)) {
        touch(other); touch(p);
        other.rb_color = RB_BLACK; p.rb_color = RB_RED;
        __rb_rotate_left(p, root);
        other = p.rb_right!;
      }
      if ((!other.rb_left || rb_is_black(other.rb_left)) &&
          (!other.rb_right || rb_is_black(other.rb_right))) {
        touch(other);
        other.rb_color = RB_RED;
        node = p; parent = node.rb_parent;
      } else {
        if (!other.rb_right || rb_is_black(other.rb_right)) {
          const o_left = other.rb_left;
          touch(o_left); touch(other);
          if (o_left) o_left.rb_color = RB_BLACK;
          other.rb_color = RB_RED;
          __rb_rotate_right(other, root);
          other = p.rb_right!;
        }
        touch(other); touch(p); touch(other.rb_right);
        other.rb_color = p.rb_color; p.rb_color = RB_BLACK;
        if (other.rb_right) other.rb_right.rb_color = RB_BLACK;
        __rb_rotate_left(p, root);
        node = root.rb_node; break;
      }
    } else {
      other = p.rb_left!;
      if (rb_is_red(other)) {
        touch(other); touch(p);
        other.rb_color = RB_BLACK; p.rb_color = RB_RED;
        __rb_rotate_right(p, root);
        other = p.rb_left!;
      }
      if ((!other.rb_left || rb_is_black(other.rb_left)) &&
          (!other.rb_right || rb_is_black(other.rb_right))) {
        touch(other);
        other.rb_color = RB_RED;
        node = p; parent = node.rb_parent;
      } else {
        if (!other.rb_left || rb_is_black(other.rb_left)) {
          const o_right = other.rb_right;
          touch(o_right); touch(other);
          if (o_right) o_right.rb_color = RB_BLACK;
          other.rb_color = RB_RED;
          __rb_rotate_left(other, root);
          other = p.rb_left!;
        }
        touch(other); touch(p); touch(other.rb_left);
        other.rb_color = p.rb_color; p.rb_color = RB_BLACK;
        if (other.rb_left) other.rb_left.rb_color = RB_BLACK;
        __rb_rotate_right(p, root);
        node = root.rb_node; break;
      }
    }
  }
  touch(node);
  if (node) node.rb_color = RB_BLACK;
}

/** `rb_erase`: with two children, the successor (leftmost of the right subtree) is relinked
 *  into node's place (no payload copy). node's own fields are left stale, as in C. */
export function rb_erase(node: RbNode, root: RbRoot): void {
  rbWatch.on?.(node, false);
  let child: RbNode | null, parent: RbNode | null, color: 0 | 1;
  if (!node.rb_left) child = node.rb_right;
  else if (!node.rb_right) child = node.rb_left;
  else {
    const old = node;
    let left: RbNode | null;
    node = node.rb_right;
    while ((left = node.rb_left) !== null) node = left;
    child = node.rb_right;
    parent = node.rb_parent!;
    color = node.rb_color;
    touch(old); touch(node); touch(child); touch(parent); touch(old.rb_parent); touch(old.rb_left); touch(old.rb_right);
    if (child) child.rb_parent = parent;
    // Successor is old's right child: it keeps its own right subtree, and rebalancing starts at it.
    if (parent === old) { parent.rb_right = child; parent = node; } else parent.rb_left = child;
    node.rb_parent = old.rb_parent;
    node.rb_color = old.rb_color;
    node.rb_right = old.rb_right;
    node.rb_left = old.rb_left;
    const op = old.rb_parent;
    if (op) {
      if (op.rb_left === old) op.rb_left = node;
      else op.rb_right = node;
    } else root.rb_node = node;
    old.rb_left!.rb_parent = node;
    if (old.rb_right) old.rb_right.rb_parent = node;
    if (color === RB_BLACK) __rb_erase_color(child, parent, root);
    return;
  }
  parent = node.rb_parent;
  color = node.rb_color;
  touch(node); touch(child); touch(parent);
  if (child) child.rb_parent = parent;
  if (parent) {
    if (parent.rb_left === node) parent.rb_left = child;
    else parent.rb_right = child;
  } else root.rb_node = child;
  if (color === RB_BLACK) __rb_erase_color(child, parent, root);
}

/** `rb_first`: leftmost node, or null for an empty tree. */
export function rb_first(root: RbRoot): RbNode | null {
  let n = root.rb_node;
  if (!n) return null;
  while (n.rb_left) n = n.rb_left;
  return n;
}

/** `rb_last`: rightmost node, or null for an empty tree. */
export function rb_last(root: RbRoot): RbNode | null {
  let n = root.rb_node;
  if (!n) return null;
  while (n.rb_right) n = n.rb_right;
  return n;
}

/** `rb_next`: in-order successor; null at the end or for an RB_EMPTY_NODE. */
export function rb_next(node: RbNode): RbNode | null {
  if (node.rb_parent === node) return null;
  if (node.rb_right) {
    node = node.rb_right;
    while (node.rb_left) node = node.rb_left;
    return node;
  }
  let parent: RbNode | null;
  while ((parent = node.rb_parent) && node === parent.rb_right) node = parent;
  return parent;
}

/** `rb_prev`: in-order predecessor; null at the start or for an RB_EMPTY_NODE. */
export function rb_prev(node: RbNode): RbNode | null {
  if (node.rb_parent === node) return null;
  if (node.rb_left) {
    node = node.rb_left;
    while (node.rb_right) node = node.rb_right;
    return node;
  }
  let parent: RbNode | null;
  while ((parent = node.rb_parent) && node === parent.rb_left) node = parent;
  return parent;
}

/** Pure well-formedness check (root black, parent pointers, no red-red, equal black heights,
 *  no shared nodes, in-order non-decreasing under `cmp`). Returns problems; [] means ok. */
export function rbCheck<N extends RbNode>(root: RbRoot, cmp?: (a: N, b: N) => number): string[] {
  const problems: string[] = [];
  const seen = new Set<RbNode>();
  const inorder: RbNode[] = [];
  const top = root.rb_node;
  if (top && top.rb_parent !== null) problems.push('root has a non-null parent');
  if (top && top.rb_color !== RB_BLACK) problems.push('root is red');
  // Returns the black height of the subtree (null leaves count as 1).
  const walk = (n: RbNode | null, path: string): number => {
    if (n === null) return 1;
    if (seen.has(n)) { problems.push(`${path}: node reachable twice (cycle or shared)`); return 1; }
    seen.add(n);
    for (const [c, side] of [[n.rb_left, 'L'], [n.rb_right, 'R']] as const) {
      if (!c) continue;
      if (c.rb_parent !== n) problems.push(`${path}${side}: wrong parent pointer`);
      if (n.rb_color === RB_RED && c.rb_color === RB_RED) problems.push(`${path}${side}: red child of red node`);
    }
    const lh = walk(n.rb_left, path + 'L');
    inorder.push(n);
    const rh = walk(n.rb_right, path + 'R');
    if (lh !== rh) problems.push(`${path}: black heights differ (left ${lh}, right ${rh})`);
    return Math.max(lh, rh) + (n.rb_color === RB_BLACK ? 1 : 0);
  };
  walk(top, '^');
  for (let i = 1; cmp && i < inorder.length; i++) {
    if (cmp(inorder[i - 1] as N, inorder[i] as N) > 0) problems.push(`in-order #${i}: BST order violated`);
  }
  return problems;
}
