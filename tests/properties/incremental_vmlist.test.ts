/**
 * The incremental vmlist check (properties/incremental_vmlist.ts) against the full one (the
 * view's structureProblems walk of vmlist): on seeded random runs of vanilla, after every
 * checked step "certainly well formed" equals "the full check finds nothing". A second pass
 * breaks the list on purpose every few checked steps, with the notification the C's own path
 * would send (a relinked vm_struct pointing at itself, a vm_struct freed while linked, an
 * unlink or a link that left the predecessor pointing at itself, a relinked vm_struct grown
 * into its successor), compares, repairs it and compares again. Each test-only mutant must make the
 * comparison fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { variantByName } from '../../model/variants/registry';
import type { World } from '../../model/engine/world';
import type { VmStruct } from '../../model/variants/vanilla/struct';
import { runComparisons } from '../support/incremental_runs';
import { memoView } from '../../model/engine/view_memo';
import { vmlistIndex, VMLIST_MUTANT } from '../../properties/incremental_vmlist';

const VANILLA = variantByName('vanilla');

/** vmlist in list order (bounded: the list may be broken). */
function entries(w: World): VmStruct[] {
  const l = VANILLA.view(w).vmlist!()!;
  const out: VmStruct[] = [];
  for (let p = l.head(); p !== null && out.length < 10_000 && !out.includes(p as VmStruct); p = l.next(p)) out.push(p as VmStruct);
  return out;
}

/** Runs vanilla; returns the first disagreement between incremental and full check (or null). */
function firstMismatch(breaking: boolean): string | null {
  let bad: string | null = null;
  let checked = 0;
  const compare = (w: World, what: string): void => {
    if (bad !== null) return;
    const view = memoView(VANILLA.view(w));
    const ix = vmlistIndex(w, view);
    if (ix === undefined) return void (bad = 'vanilla: no vmlist structure');
    const full = view.structureProblems();
    if (ix.wellFormed !== (full.length === 0)) bad = `step ${w.stepNo} ${what}: incremental ${ix.wellFormed ? 'well formed' : 'maybe broken'}, full [${full.slice(0, 2).join('; ')}]`;
  };
  const check = (w: World): void => {
    compare(w, 'as run');
    if (!breaking || ++checked % 5 !== 0) return;
    const list = entries(w);
    const i = (checked / 5) % Math.max(1, list.length);
    const n = list[i];
    if (n === undefined) return;
    const kind = (checked / 5) % 5;
    if (kind === 0) {
      const next = n.next;
      n.next = n;
      w.changes.area(n, true);
      compare(w, 'after a relinked vm_struct pointed at itself');
      n.next = next;
      w.changes.area(n, true);
    } else if (kind === 1) {
      n.freed = true;
      w.changes.free(n);
      compare(w, 'after a linked vm_struct was freed');
      n.freed = false;
    } else if (kind === 2 || kind === 3) {
      // The notification of an unlink (kind 2) or a link (kind 3) of n, its predecessor left pointing at itself.
      const p = list[i - 1];
      if (p === undefined) return;
      p.next = p;
      w.changes.area(n, kind === 3);
      compare(w, `after ${kind === 2 ? 'an unlink' : 'a link'} left the predecessor pointing at itself`);
      p.next = n;
      w.changes.area(n, true);
    } else {
      const s = n.next;
      if (s === null) return;
      const size = n.size;
      n.size = s.addr - n.addr + 1n;
      w.changes.area(n, true);
      compare(w, 'after a relinked vm_struct grew into its successor');
      n.size = size;
      w.changes.area(n, true);
    }
    compare(w, 'after the repair');
  };
  runComparisons(VANILLA, () => bad !== null, check, (w) => compare(w, 'final'));
  return bad;
}

describe('incremental vmlist check', () => {
  afterEach(() => void (VMLIST_MUTANT.kind = 'none'));
  it('agrees with the full check at every step: vanilla', () => expect(firstMismatch(false)).toBeNull());
  it('agrees with it on broken lists: vanilla', () => expect(firstMismatch(true)).toBeNull());
  for (const kind of ['skip-gaps', 'drop-frees'] as const) {
    it(`mutant ${kind} is caught`, () => {
      VMLIST_MUTANT.kind = kind;
      expect(firstMismatch(true)).not.toBeNull();
    });
  }
});
