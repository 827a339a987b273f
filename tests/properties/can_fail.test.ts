/**
 * Every property can fail, caught under its own name: either a recorded counterexample
 * breaks it (the manifest test replays those), or a hand-built state here does.
 */
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../counterexamples/manifest';
import { replayPath } from '../../counterexamples/replay';
import { parseCounterexample } from '../../counterexamples/format';
import { readFileSync } from 'node:fs';
import { SAFETY, propertyByName } from '../../properties/index';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import type { Rw } from '../../model/variants/rewrite-v2/state';
import type { World } from '../../model/engine/world';
import type { Op } from '../../model/engine/program';
import { World as WorldClass } from '../../model/engine/world';

/** A rewrite-v2 world with three live vmalloc areas, no teardown. */
function threeAreas(): World {
  const ops: Op[] = [1, 2, 3].map((id) => ({ id, op: 'vmalloc', pages: 1 }));
  return run({ programs: [ops], schedule: [] }, { variant: rewriteV2, layout: TINY, cpus: 1, teardown: false }).world;
}

const HAND: Record<string, () => string[]> = {
  areas_in_range: () => {
    const w = threeAreas();
    const g = w.layer as Rw;
    (g.vmap_area_root.rb_node as unknown as { vend: bigint }).vend = 0n; // the request's vend, as if it had been lower
    return propertyByName('areas_in_range')!.check!({ w, view: rewriteV2.view(w) });
  },
  tree_wellformed: () => {
    const w = threeAreas();
    (w.layer as Rw).vmap_area_root.rb_node!.rb_color = 0; // a red root
    return propertyByName('tree_wellformed')!.check!({ w, view: rewriteV2.view(w) });
  },
  no_reuse_with_lazy_alias: () => {
    const w = new WorldClass({ layout: TINY, cpus: 2 });
    w.mm.set_pte_at(100, 1);
    w.mm.fill(w.cpus[1]!, 100); // cpu1 caches the translation
    w.mm.alias.release(100, 0); // the user unmaps it
    w.mm.ptep_get_and_clear(100); // the PTE goes, cpu1's TLB entry stays (no flush)
    w.mm.set_pte_at(100, 2); // and the address is mapped again
    return w.violations.filter((v) => v.property === 'no_reuse_with_lazy_alias').map((v) => v.splat.message);
  },
};

describe('every safety property can fail', () => {
  const m = readManifest();
  const recorded = new Map<string, string>();
  for (const campaigns of Object.values(m.variants)) {
    for (const e of Object.values(campaigns)) {
      for (const path of Object.values(e.findings)) {
        const p = parseCounterexample(readFileSync(path, 'utf8'), path).property;
        if (!recorded.has(p)) recorded.set(p, path);
      }
    }
  }

  it.each(SAFETY.map((p) => [p.name]))('%s', (name) => {
    const hand = HAND[name];
    if (hand !== undefined) {
      const problems = hand();
      expect(problems.length, `${name}: the hand-built state is not caught`).toBeGreaterThan(0);
      return;
    }
    const path = recorded.get(name);
    expect(path, `${name} has neither a recorded counterexample nor a hand-built failing state`).toBeDefined();
    const r = replayPath(path!);
    expect(r.reproduced).toBe(true);
    expect(r.outcome.violations.some((v) => v.property === name)).toBe(true);
  });

  it('the hand-built states hold before they are broken', () => {
    const w = threeAreas();
    for (const name of ['areas_in_range', 'tree_wellformed', 'areas_disjoint']) expect(propertyByName(name)!.check!({ w, view: rewriteV2.view(w) })).toEqual([]);
  });
});
