/**
 * Every property can fail, caught under its own name: either a recorded counterexample
 * breaks it (the manifest test replays those), or a hand-built state here does.
 */
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../counterexamples/manifest';
import { replayPath } from '../../counterexamples/replay';
import { parseCounterexample } from '../../counterexamples/format';
import { readFileSync } from 'node:fs';
import { PERFORMANCE, SAFETY, checksFor, propertyByName } from '../../properties/index';
import { vanilla } from '../../model/variants/vanilla/index';
import type { Variant } from '../../model/engine/variant';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import type { Rw } from '../../model/variants/rewrite-v2/state';
import type { World } from '../../model/engine/world';
import type { Op, Scenario } from '../../model/engine/program';
import { runScenario } from '../../explore/check';
import { campaignByName } from '../../explore/campaigns';
import { irqsafe } from '../../model/variants/irqsafe/index';
import { World as WorldClass } from '../../model/engine/world';

/** A rewrite-v2 world with three live vmalloc areas, no teardown. */
function threeAreas(): World {
  const ops: Op[] = [1, 2, 3].map((id) => ({ id, op: 'vmalloc', pages: 1 }));
  return run({ programs: [ops], schedule: [] }, { variant: rewriteV2, layout: TINY, cpus: 1, teardown: false }).world;
}

/** The problems `name` reports on a one-CPU run of `ops` (with teardown and final checks). */
function runProp(variant: Variant, name: string, ops: Op[]): string[] {
  const r = run({ programs: [ops], schedule: [] }, { variant, layout: TINY, cpus: 1, checks: checksFor(variant, [propertyByName(name)!]) });
  return r.world.violations.filter((v) => v.property === name).map((v) => v.splat.message);
}

/** One vm_map_ram, touched, unmapped, then vm_unmap_aliases twice: the block keeps its KVA, the second flush is redundant. */
const BLOCK_LEFT: Op[] = [
  { id: 1, op: 'vm_map_ram', pages: 1 },
  { id: 2, op: 'touch', h: 1, page: 0 },
  { id: 3, op: 'vm_unmap_ram', h: 1 },
  { id: 4, op: 'vm_unmap_aliases' },
  { id: 5, op: 'vm_unmap_aliases' },
];

/** Correct scenarios on which each changed property must hold. */
export const HOLDS: Record<string, () => string[]> = {
  no_kva_leak: () => runProp(vanilla, 'no_kva_leak', BLOCK_LEFT),
  alloc_fails_only_when_full: () => [...runProp(vanilla, 'alloc_fails_only_when_full', [{ id: 1, op: 'vmalloc', pages: 23 }, { id: 2, op: 'vmalloc', pages: 23 }, { id: 3, op: 'vmalloc', pages: 1 }]), ...runProp(rewriteV2, 'alloc_fails_only_when_full', [{ id: 1, op: 'vmalloc', pages: 47 }, { id: 2, op: 'vmalloc', pages: 1 }])],
  no_alias_after_unmap_aliases: () => runProp(rewriteV2, 'no_alias_after_unmap_aliases', BLOCK_LEFT),
  flush_cache_vmap_covers_mapping: () => runProp(vanilla, 'flush_cache_vmap_covers_mapping', [{ id: 1, op: 'vmalloc', pages: 2 }, { id: 2, op: 'vmap', pages: 3 }, { id: 3, op: 'vm_map_ram', pages: 2 }]),
  lazy_counter_consistent: () => runProp(rewriteV2, 'lazy_counter_consistent', [{ id: 1, op: 'vmalloc', pages: 2 }, { id: 2, op: 'vfree', h: 1 }, { id: 3, op: 'vmap', pages: 1 }]),
  no_redundant_flush: () => runProp(vanilla, 'no_redundant_flush', [{ id: 1, op: 'vmap', pages: 2 }, { id: 2, op: 'vunmap', h: 1 }, { id: 3, op: 'vmap', pages: 2 }, { id: 4, op: 'vunmap', h: 3 }]),
};

/** Violations of `name` when `scn` runs under campaign `c` (lockdep attached, as in the audit). */
function runCampaign(variant: Variant, c: string, name: string, scn: Scenario): string[] {
  return runScenario(variant, campaignByName(c), scn).violations.filter((v) => v.property === name).map((v) => v.splat.message);
}

/** A hardirq vm_map_ram on irqsafe interrupting cpu1's vmap under init_mm.page_table_lock (F13's path). */
const IRQ_MAP: Scenario = {
  programs: [[], [{ id: 4, op: 'vmap', pages: 1 }]],
  schedule: [{ t: 'run', cpu: 1, n: 10 }, { t: 'run', cpu: 1, n: 7 }, { t: 'irq', cpu: 1, kind: 'hardirq', op: { id: 1006, op: 'vm_map_ram', pages: 3 } }],
  faults: [],
};

const HAND: Record<string, () => string[]> = {
  // F1 on the layout ending near the top: the vmalloc overlaps the block and rewrites its PTE.
  live_mappings_translate: () => runCampaign(irqsafe, 'tiny-top', 'live_mappings_translate', { programs: [[{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vmalloc', pages: 4 }]], schedule: [], faults: [] }),
  no_deadlock: () => runCampaign(irqsafe, 'irq-hardirq-vm_map_ram', 'no_deadlock', IRQ_MAP),
  lockdep_lock_order: () => runCampaign(irqsafe, 'irq-hardirq-vm_map_ram', 'lockdep_lock_order', IRQ_MAP),
  no_kva_leak: () => runProp(rewriteV2, 'no_kva_leak', BLOCK_LEFT),
  // rewrite-v2 refuses the exact fit (addr + size >= first->va_start skips a page after each area).
  alloc_fails_only_when_full: () => runProp(rewriteV2, 'alloc_fails_only_when_full', [{ id: 1, op: 'vmalloc', pages: 23 }, { id: 2, op: 'vmalloc', pages: 23 }]),
  // F3: the block is full (off vbq->free), so vm_unmap_aliases never sees #1's dirty pages.
  no_alias_after_unmap_aliases: () => runProp(rewriteV2, 'no_alias_after_unmap_aliases', [{ id: 1, op: 'vm_map_ram', pages: 3 }, { id: 2, op: 'vm_map_ram', pages: 3 }, { id: 3, op: 'vm_unmap_ram', h: 1 }, { id: 4, op: 'vm_unmap_aliases' }]),
  // rewrite-v2's vmap_page_range passes the advanced addr to flush_cache_vmap: an empty range.
  flush_cache_vmap_covers_mapping: () => runProp(rewriteV2, 'flush_cache_vmap_covers_mapping', [{ id: 1, op: 'vmalloc', pages: 2 }]),
  lazy_counter_consistent: () => {
    const w = run({ programs: [[{ id: 1, op: 'vmalloc', pages: 2 }, { id: 2, op: 'vfree', h: 1 }]], schedule: [] }, { variant: rewriteV2, layout: TINY, cpus: 1, teardown: false }).world;
    (w.layer as Rw).vmap_lazy_nr.value += 1; // the counter drifts from the VM_LAZY_FREE areas
    return propertyByName('lazy_counter_consistent')!.check!({ w, view: rewriteV2.view(w) });
  },
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
  const allRecorded: string[] = [];
  for (const campaigns of Object.values(m.variants)) {
    for (const e of Object.values(campaigns)) {
      for (const path of Object.values(e.findings)) {
        const p = parseCounterexample(readFileSync(path, 'utf8'), path).property;
        if (!allRecorded.includes(path)) allRecorded.push(path);
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
    if (path !== undefined) {
      const r = replayPath(path);
      expect(r.reproduced).toBe(true);
      expect(r.outcome.violations.some((v) => v.property === name)).toBe(true);
      return;
    }
    // Counterexamples are kept per finding, each for the property it was shrunk on; one of
    // them may break this property along the way (a recorded run, replayed exactly).
    const hit = allRecorded.find((p) => replayPath(p).outcome.violations.some((v) => v.property === name));
    expect(hit, `${name} has neither a recorded counterexample nor a hand-built failing state`).toBeDefined();
  });

  it.each(Object.keys(HOLDS).map((n) => [n]))('%s holds on a correct scenario', (name) => {
    expect(HOLDS[name]!()).toEqual([]);
  });

  it.each(PERFORMANCE.map((p) => [p.name]))('performance property %s can fail', (name) => {
    const problems = name === 'no_redundant_flush' ? runProp(rewriteV2, name, BLOCK_LEFT) : [];
    expect(problems.length, `${name}: no failing state`).toBeGreaterThan(0);
  });

  it('the hand-built states hold before they are broken', () => {
    const w = threeAreas();
    for (const name of ['areas_in_range', 'tree_wellformed', 'areas_disjoint']) expect(propertyByName(name)!.check!({ w, view: rewriteV2.view(w) })).toEqual([]);
  });
});
