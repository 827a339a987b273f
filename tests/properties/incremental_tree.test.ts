/**
 * The incremental tree check (properties/incremental_tree.ts) against the full one (the view's
 * structureProblems: rbCheck and the list-against-tree walk): on seeded random runs of every
 * rewrite-family base and fixed variant, after every checked step "certainly well formed"
 * equals "the full check finds nothing". A second pass breaks the tree or the list on purpose
 * every few checked steps, through the same notifications the primitives send (a node or
 * both its children recoloured, a list entry skipping its successor), compares, repairs it and compares again.
 * Each test-only mutant must make the comparison fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import type { Variant } from '../../model/engine/variant';
import type { World } from '../../model/engine/world';
import { runComparisons } from '../support/incremental_runs';
import { memoView } from '../../model/engine/view_memo';
import { rbWatch, type RbNode } from '../../model/kernel/rbtree';
import { ListHead, listWritten } from '../../model/kernel/list';
import { treeIndex, TREE_MUTANT } from '../../properties/incremental_tree';

const REWRITES: readonly Variant[] = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)].filter((v) => !v.name.startsWith('vanilla'));

/** A node reached from the root by the bits of `k` (left on 0, right on 1), `k % 5` levels down at most. */
function pick(root: RbNode | null, k: number): RbNode | null {
  let n = root;
  for (let d = 0; n !== null && d < (k % 5); d++) {
    const next: RbNode | null = (k >> d) & 1 ? n.rb_right : n.rb_left;
    if (next === null) break;
    n = next;
  }
  return n;
}

/** Runs `v`; returns the first disagreement between incremental and full check (or null). */
function firstMismatch(v: Variant, breaking: boolean): string | null {
  let bad: string | null = null;
  let checked = 0;
  const compare = (w: World, what: string): void => {
    if (bad !== null) return;
    const view = memoView(v.view(w));
    const ix = treeIndex(w, view);
    if (ix === undefined) return void (bad = `${v.name}: no tree structure`);
    const full = view.structureProblems();
    if (ix.wellFormed !== (full.length === 0)) bad = `${v.name} step ${w.stepNo} ${what}: incremental ${ix.wellFormed ? 'well formed' : 'maybe broken'}, full [${full.slice(0, 2).join('; ')}]`;
  };
  const check = (w: World): void => {
    compare(w, 'as run');
    if (!breaking || ++checked % 5 !== 0) return;
    const t = v.view(w).treeStructure!()!;
    const n = pick(t.root.rb_node, checked / 5);
    if (n === null) return;
    const flip = (ms: RbNode[]): void => {
      for (const m of ms) {
        rbWatch.touch?.(m);
        m.rb_color = m.rb_color === 0 ? 1 : 0;
      }
    };
    const kind = (checked / 5) % 3;
    if (kind === 0) {
      flip([n]);
      compare(w, 'after recolouring a node');
      flip([n]);
    } else if (kind === 1) {
      // Both children: the node still sees equal black heights, its ancestors do not.
      if (n.rb_left === null || n.rb_right === null) return;
      const both = [n.rb_left, n.rb_right];
      flip(both);
      compare(w, "after recolouring a node's two children");
      flip(both);
    } else {
      const l = t.list(n);
      const skipped = l.next;
      if (!(skipped instanceof ListHead) || skipped === t.head) return;
      listWritten(l);
      l.next = skipped.next;
      compare(w, 'after a list entry skipped its successor');
      listWritten(l);
      l.next = skipped;
    }
    compare(w, 'after the repair');
  };
  runComparisons(v, () => bad !== null, check, (w) => compare(w, 'final'));
  return bad;
}

describe('incremental tree check', () => {
  afterEach(() => void (TREE_MUTANT.kind = 'none'));
  for (const v of REWRITES) {
    it(`agrees with the full check at every step: ${v.name}`, () => expect(firstMismatch(v, false)).toBeNull());
    it(`agrees with it on broken trees and lists: ${v.name}`, () => expect(firstMismatch(v, true)).toBeNull());
  }
  for (const kind of ['skip-ancestors', 'drop-list-writes'] as const) {
    it(`mutant ${kind} is caught`, () => {
      TREE_MUTANT.kind = kind;
      expect(REWRITES.some((v) => firstMismatch(v, true) !== null)).toBe(true);
    });
  }
});
