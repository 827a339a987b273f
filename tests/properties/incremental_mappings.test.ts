/**
 * The incremental translation index (properties/incremental_mappings.ts) against the full
 * recomputation: on seeded random runs of every base and fixed variant of the registry, after
 * every checked step the index's problem count per vpn equals a full walk of every live
 * handle's pages against the PTEs and every CPU's TLB. A second pass corrupts translations on
 * purpose (a stale TLB entry or a lost PTE under a live mapping, every few checked steps) so
 * the comparison also covers broken states. Each test-only mutant must make it fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import type { Variant } from '../../model/engine/variant';
import type { World } from '../../model/engine/world';
import { runComparisons } from '../support/incremental_runs';
import { translationIndex, TRANSLATION_MUTANT } from '../../properties/incremental_mappings';

const ALL: readonly Variant[] = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)];

/** The full recomputation, written here: problems per vpn over every live handle, page and CPU. */
function full(w: World): string[] {
  const bad = new Map<number, number>();
  for (const h of w.user?.handles.values() ?? []) {
    if (h.life.stateName !== 'live' || h.claimed) continue;
    const vpn = w.mm.vpn(h.addr);
    for (let i = 0; i < h.count; i++) {
      let n = w.mm.pte.get(vpn + i) !== h.pages[i] ? 1 : 0;
      for (const c of w.cpus) n += c.tlb.has(vpn + i) && c.tlb.get(vpn + i) !== h.pages[i] ? 1 : 0;
      if (n > 0) bad.set(vpn + i, (bad.get(vpn + i) ?? 0) + n);
    }
  }
  return [...bad.entries()].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v}:${n}`);
}

/** Break one live page's translation (deterministically chosen by the step number). */
function corrupt(w: World, k: number): void {
  const live = [...(w.user?.handles.values() ?? [])].filter((h) => h.life.stateName === 'live' && !h.claimed);
  const h = live[k % Math.max(1, live.length)];
  if (h === undefined) return;
  const vpn = w.mm.vpn(h.addr) + (k % h.count);
  if (k % 3 === 2) w.mm.pte.delete(vpn);
  else w.cpus[k % w.cpus.length]!.tlb.set(vpn, 1_000_000 + k);
}

/** Runs `v` on seeded workloads; returns the first step where index and full walk disagree (or null). */
function firstMismatch(v: Variant, corrupting: boolean): string | null {
  let bad: string | null = null;
  let checked = 0;
  const compare = (w: World): void => {
    if (bad !== null || w.user === null) return;
    if (corrupting && ++checked % 7 === 0) corrupt(w, checked);
    const ix = translationIndex(w);
    const want = full(w);
    const got = ix.snapshot();
    if (got.join() !== want.join() || ix.broken !== want.length > 0) bad = `${v.name} step ${w.stepNo}: index [${got.slice(0, 4).join(' ')}] vs full [${want.slice(0, 4).join(' ')}]`;
  };
  runComparisons(v, () => bad !== null, compare);
  return bad;
}

describe('incremental translation index', () => {
  afterEach(() => void (TRANSLATION_MUTANT.kind = 'none'));
  for (const v of ALL) {
    it(`agrees with the full recomputation at every step: ${v.name}`, () => expect(firstMismatch(v, false)).toBeNull());
    it(`agrees with it on corrupted translations: ${v.name}`, () => expect(firstMismatch(v, true)).toBeNull());
  }
  for (const kind of ['drop-tlb-writes', 'keep-claimed'] as const) {
    it(`mutant ${kind} is caught`, () => {
      TRANSLATION_MUTANT.kind = kind;
      expect(VARIANTS.some((v) => firstMismatch(v, true) !== null)).toBe(true);
    });
  }
});
