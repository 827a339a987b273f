/**
 * The incremental area index (properties/incremental.ts) against the full recomputation: on
 * seeded random runs of every base and fixed variant of the registry, after every checked step
 * the index holds exactly the view's areas, and the incremental verdicts of areas_disjoint and
 * areas_in_range equal the full walk's. Each test-only mutant must make that comparison fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import type { Variant } from '../../model/engine/variant';
import type { World } from '../../model/engine/world';
import { runComparisons } from '../support/incremental_runs';
import { memoView } from '../../model/engine/view_memo';
import { areaIndex, INCREMENTAL_MUTANT } from '../../properties/incremental';

const ALL: readonly Variant[] = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)];

/** Runs `v` on seeded workloads; returns the first step where index and full walk disagree (or null). */
function firstMismatch(v: Variant): string | null {
  let bad: string | null = null;
  const compare = (w: World): void => {
    if (bad !== null) return;
    const view = w.stepView ?? memoView(v.view(w));
    const ix = areaIndex(w, view);
    if (ix === undefined) return void (bad = `${v.name}: view has no areaOf`);
    const areas = view.areas().slice().sort((a, b) => (a.va_start < b.va_start ? -1 : a.va_start > b.va_start ? 1 : a.id - b.id));
    const full = areas.map((a) => `${a.id}:${a.va_start}-${a.va_end}`);
    let broken = areas.some((a) => a.va_start >= a.va_end);
    for (let i = 1; i < areas.length; i++) broken ||= areas[i - 1]!.va_end > areas[i]!.va_start;
    const out = areas.some((a) => a.va_start < a.vstart || a.va_end > a.vend);
    const got = ix.snapshot();
    if (got.join() !== full.join() || ix.disjointBroken !== broken || ix.rangeBroken !== out) {
      bad = `${v.name} step ${w.stepNo}: index [${got.slice(0, 4).join(' ')}…] (${got.length}) vs view [${full.slice(0, 4).join(' ')}…] (${full.length}); disjoint ${ix.disjointBroken}/${broken}, range ${ix.rangeBroken}/${out}`;
    }
  };
  runComparisons(v, () => bad !== null, compare);
  return bad;
}

describe('incremental area index', () => {
  afterEach(() => void (INCREMENTAL_MUTANT.kind = 'none'));
  for (const v of ALL) it(`agrees with the full recomputation at every step: ${v.name}`, () => expect(firstMismatch(v)).toBeNull());
  for (const kind of ['drop-notification', 'corrupt-index'] as const) {
    it(`mutant ${kind} is caught`, () => {
      INCREMENTAL_MUTANT.kind = kind;
      expect(VARIANTS.some((v) => firstMismatch(v) !== null)).toBe(true);
    });
  }
});
