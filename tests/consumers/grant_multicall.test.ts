/**
 * The grant-mapping consumer (seed 002): each property fails on a concrete scenario and holds
 * on a correct one, the patch as posted against the versions without its checks and with the
 * review's changes, and the audit entry point's verdicts with replayable counterexamples.
 */
import { describe, it, expect } from 'vitest';
import { runGrant, type GrantScenario } from '../../model/consumers/grant_multicall/run';
import type { GrantVersion } from '../../model/consumers/grant_multicall/state';
import { grantChecks } from '../../properties/consumers/grant_multicall';
import { auditGrantMulticall, replayGrant } from '../../explore/consumers/grant_multicall';

const run = (scn: GrantScenario, version: GrantVersion) => runGrant(scn, { version, pages: 3, MC_BATCH: 3 }, grantChecks());
const props = (scn: GrantScenario, version: GrantVersion): string[] => run(scn, version).world.violations.map((v) => v.property);

/** Map and unmap page 0 inside one lazy MMU section on one CPU: the case the patch's first check answers. */
const SAME_CPU_LAZY: GrantScenario = {
  programs: [[{ id: 1, op: 'lazy_begin' }, { id: 2, op: 'add', page: 0 }, { id: 3, op: 'remove', page: 0, after: 2 }, { id: 4, op: 'lazy_end' }]],
  schedule: [],
  mapErrors: [],
};
/** Map page 0 (the hypervisor fails it), then unmap it; no lazy mode. */
const FAILED_MAP: GrantScenario = { programs: [[{ id: 1, op: 'add', page: 0 }, { id: 2, op: 'remove', page: 0, after: 1 }]], schedule: [], mapErrors: [0] };
/** cpu0 maps page 0 in a lazy section and is held there; cpu1 unmaps it (the audit's shrunk counterexample). */
const CROSS_CPU: GrantScenario = {
  programs: [[{ id: 1, op: 'lazy_begin' }, { id: 2, op: 'add', page: 0 }, { id: 10, op: 'lazy_end' }], [{ id: 13, op: 'remove', page: 0, after: 2 }]],
  schedule: [{ t: 'run', cpu: 0, n: 15 }, { t: 'run', cpu: 1, n: 1 }],
  mapErrors: [],
};
/** btrfs' set_page_extent_mapped runs on the page between add and remove. */
const FS_PRIVATE: GrantScenario = {
  programs: [[{ id: 1, op: 'add', page: 0 }, { id: 3, op: 'remove', page: 0, after: 1 }], [{ id: 2, op: 'fs_private', page: 0, after: 1 }]],
  schedule: [{ t: 'run', cpu: 0, n: 17 }, { t: 'run', cpu: 1, n: 5 }],
  mapErrors: [],
};

describe('grant_no_unmap_before_map', () => {
  it('fails without the checks: the unmap is queued with handle -1 behind the pending map', () => {
    const r = run(SAME_CPU_LAZY, 'without-checks');
    const v = r.world.violations.find((x) => x.property === 'grant_no_unmap_before_map');
    expect(v?.splat.message).toMatch(/handle -1\) for page 0 .* before its GNTTABOP_map_grant_ref was issued/);
  });
  it('holds as posted: xen_mc_flush issues the map first', () => {
    const r = run(SAME_CPU_LAZY, 'as-posted');
    expect(r.world.violations).toEqual([]);
    expect(r.grant.unmaps).toEqual([expect.objectContaining({ page: 0, handle: 0, ok: true })]);
  });
});

describe('grant_no_unmap_of_failed_map', () => {
  it('fails without the checks: the failed map\'s handle -1 is unmapped', () => {
    expect(props(FAILED_MAP, 'without-checks')).toContain('grant_no_unmap_of_failed_map');
  });
  it('holds as posted: the second check returns -1 and nothing is unmapped', () => {
    const r = run(FAILED_MAP, 'as-posted');
    expect(r.world.violations).toEqual([]);
    expect(r.grant.removed.get(0)).toBe(-1);
    expect(r.grant.unmaps).toEqual([]);
  });
});

describe('grant_kernel_mapping_restored', () => {
  it('fails without the first check: remove returns -1, the map is issued later and never undone', () => {
    const r = run(SAME_CPU_LAZY, 'without-flush-check');
    expect(r.world.violations.map((v) => v.property)).toEqual(['grant_kernel_mapping_restored']);
    expect(r.world.mm.pte.get(r.grant.vpnOf(0))).toBe(r.grant.grantFrame(0));
  });
  it('also reports a TLB still translating to the granted frame', () => {
    const scn: GrantScenario = { ...SAME_CPU_LAZY, programs: [SAME_CPU_LAZY.programs[0]!, [{ id: 5, op: 'touch', page: 0, after: 4 }]] };
    const msgs = run(scn, 'without-flush-check').world.violations.map((v) => v.splat.message);
    expect(msgs.some((m) => /cpu1's TLB still translates .* granted frame/.test(m))).toBe(true);
  });
  it('holds as posted on one CPU', () => {
    const r = run(SAME_CPU_LAZY, 'as-posted');
    expect(r.world.mm.pte.get(r.grant.vpnOf(0))).toBe(r.grant.ownMfn(0));
  });
  it('fails as posted (and as reviewed) when the map is pending in another CPU\'s batch: xen_mc_flush flushes only its own', () => {
    for (const v of ['as-posted', 'review-fixed'] as const) {
      const r = run(CROSS_CPU, v);
      expect(r.world.violations.map((x) => x.property)).toEqual(['grant_kernel_mapping_restored']);
      expect(r.grant.removed.get(0)).toBe(-1);
    }
  });
});

describe('grant_page_fields_at_remove', () => {
  it('fails as posted: PagePrivate is not set, so btrfs overwrites page->private', () => {
    const v = run(FS_PRIVATE, 'as-posted').world.violations;
    expect(v.map((x) => x.property)).toEqual(['grant_page_fields_at_remove']);
    expect(v[0]!.splat.message).toMatch(/page->private = 0x1/);
  });
  it('holds with the review\'s SetPagePrivate/set_page_private', () => {
    expect(props(FS_PRIVATE, 'review-fixed')).toEqual([]);
  });
});

describe('grant model limits', () => {
  it('rejects a program that leaves a lazy MMU section open', () => {
    expect(() => run({ programs: [[{ id: 1, op: 'lazy_begin' }]], schedule: [], mapErrors: [] }, 'as-posted')).toThrow(/ends inside a lazy MMU section/);
  });
  it('flushes a full batch in xen_mc_entry (MC_BATCH)', () => {
    const scn: GrantScenario = { programs: [[{ id: 1, op: 'lazy_begin' }, { id: 2, op: 'add', page: 0 }, { id: 3, op: 'add', page: 1 }, { id: 4, op: 'add', page: 2 }]], schedule: [], mapErrors: [] };
    const r = runGrant({ ...scn, programs: [[...scn.programs[0]!, { id: 5, op: 'remove', page: 0, after: 2 }, { id: 6, op: 'lazy_end' }]] }, { version: 'without-flush-check', pages: 3, MC_BATCH: 2 }, grantChecks());
    // The third entry found the batch full, so the first map was issued before the remove read its handle.
    expect(r.world.violations).toEqual([]);
    expect(r.grant.removed.get(0)).toBe(0);
  });
});

describe('auditGrantMulticall', () => {
  const a = auditGrantMulticall();
  const by = Object.fromEntries(a.versions.map((v) => [v.version, v]));
  it('gives the verdicts per version', () => {
    expect(by['as-posted']!.holds).toEqual({ grant_no_unmap_before_map: true, grant_no_unmap_of_failed_map: true, grant_kernel_mapping_restored: false, grant_page_fields_at_remove: false });
    expect(by['review-fixed']!.holds.grant_page_fields_at_remove).toBe(true);
    expect(by['without-checks']!.holds.grant_no_unmap_before_map).toBe(false);
    expect(by['without-checks']!.holds.grant_no_unmap_of_failed_map).toBe(false);
  });
  it('as posted, the mapping is restored in every same-CPU run and broken only across CPUs', () => {
    const b = by['as-posted']!.broken;
    expect(b['grant-same-cpu']!.grant_kernel_mapping_restored).toBeUndefined();
    expect(b['grant-cross-cpu']!.grant_kernel_mapping_restored).toBeGreaterThan(0);
    expect(by['without-flush-check']!.broken['grant-same-cpu']!.grant_kernel_mapping_restored).toBeGreaterThan(0);
  });
  it('gives one counterexample per violated property, and each replays', () => {
    for (const v of a.versions) {
      const violated = Object.entries(v.holds).filter(([, h]) => !h).map(([p]) => p);
      expect(v.counterexamples.map((c) => c.property).sort()).toEqual(violated.sort());
      for (const c of v.counterexamples) {
        const r = replayGrant(c.scenario as GrantScenario, c.version as GrantVersion, c.config as { pages: number; MC_BATCH: number });
        expect(r.world.violations.map((x) => x.property)).toContain(c.property);
      }
    }
  });
  it('is deterministic', () => {
    expect(JSON.stringify(auditGrantMulticall())).toBe(JSON.stringify(a));
  });
});
