/**
 * After-call properties with back-to-back calls on one CPU: the call under test begins in
 * the very engine step the previous call returns (one CPU, nothing in between), so an
 * oracle that orders "returned before the call began" by step numbers misses it. Every
 * after-call property must have an entry in BACK_TO_BACK.
 */
import { describe, expect, it } from 'vitest';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import type { Op } from '../../model/engine/program';
import type { Variant } from '../../model/engine/variant';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { vanilla } from '../../model/variants/vanilla/index';
import { PROPERTIES, checksFor, propertyByName } from '../../properties/index';

function runWith(variant: Variant, name: string, ops: Op[]) {
  const r = run({ programs: [ops], schedule: [] }, { variant, layout: TINY, cpus: 1, checks: checksFor(variant, [propertyByName(name)!]), teardown: false });
  return { r, problems: r.world.violations.filter((v) => v.property === name).map((v) => v.splat.message) };
}

/** Two vm_map_ram(3) fill the 8-page block (off vbq->free: F3); the unmap of #1 is directly followed by vm_unmap_aliases. */
const FULL_BLOCK_BACK_TO_BACK: Op[] = [
  { id: 1, op: 'vm_map_ram', pages: 3 },
  { id: 2, op: 'vm_map_ram', pages: 3 },
  { id: 3, op: 'touch', h: 1, page: 0 },
  { id: 4, op: 'vm_unmap_ram', h: 1 },
  { id: 5, op: 'vm_unmap_aliases' },
];

/** The same with a block that stays on vbq->free (one mapping): vm_unmap_aliases flushes it. */
const FREE_BLOCK_BACK_TO_BACK: Op[] = [
  { id: 1, op: 'vm_map_ram', pages: 3 },
  { id: 2, op: 'touch', h: 1, page: 0 },
  { id: 3, op: 'vm_unmap_ram', h: 1 },
  { id: 4, op: 'vm_unmap_aliases' },
];

const BACK_TO_BACK: Record<string, () => void> = {
  no_alias_after_unmap_aliases: () => {
    const { r, problems } = runWith(rewriteV2, 'no_alias_after_unmap_aliases', FULL_BLOCK_BACK_TO_BACK);
    // Truly back-to-back: the unmap returned in the step vm_unmap_aliases began, so a
    // step-number rule ("returned at a step < the call's start step") cannot see it.
    const h = r.harness.handles.get(1)!;
    const callStep = r.world.violations.find((v) => v.property === 'no_alias_after_unmap_aliases')?.splat.message.match(/called at step (\d+)/)?.[1];
    expect(Number(callStep)).toBe(h.unmappedAt);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/#1 page 0 .* after vm_unmap_aliases/);
  },
};

describe('after-call properties, back-to-back calls on one CPU', () => {
  it('every after-call property has a back-to-back test', () => {
    const after = PROPERTIES.filter((p) => p.afterCall !== undefined).map((p) => p.name);
    expect(after.length).toBeGreaterThan(0);
    for (const name of after) expect(BACK_TO_BACK[name], `${name} has no back-to-back test`).toBeDefined();
  });

  it.each(Object.keys(BACK_TO_BACK).map((n) => [n]))('%s catches an unmap returning in the step the call begins', (name) => {
    BACK_TO_BACK[name]!();
  });

  it('no_alias_after_unmap_aliases holds back-to-back where vm_unmap_aliases does flush', () => {
    expect(runWith(rewriteV2, 'no_alias_after_unmap_aliases', FREE_BLOCK_BACK_TO_BACK).problems).toEqual([]);
    expect(runWith(vanilla, 'no_alias_after_unmap_aliases', FULL_BLOCK_BACK_TO_BACK).problems).toEqual([]);
  });
});
