/**
 * pgd_sync consumer (seeds 000, 001): each property fails on a concrete scenario and holds
 * on a correct one; the version of seed 000 as posted against the one the review led to;
 * the audit entry point's counterexamples replay.
 */
import { describe, expect, it } from 'vitest';
import { auditPgdSync, replayPgd } from '../../explore/consumers/pgd_sync';
import type { PgdConfig, PgdOp, PgdScenario } from '../../model/consumers/pgd_sync/program';
import type { CChoice } from '../../model/consumers/driver';

const cfg = (o: Partial<PgdConfig>): PgdConfig => ({ variant: 'rewrite-v2', mode: 'non-pae', PREEMPT: true, faultPath: 'i386', version: 'fixed', ...o });
const props = (scn: PgdScenario, c: PgdConfig): string[] => [...new Set(replayPgd(scn, c).world.violations.map((v) => v.property))];
const seq = (...ops: PgdOp[]): PgdScenario => ({ programs: [ops], schedule: [] });
const cut = (n: number): CChoice[] => [{ t: 'run', cpu: 0, n }, { t: 'run', cpu: 1, n: 1000 }, { t: 'run', cpu: 0, n: 1000 }];

/** A process forks, the driver switches to it and hands a fresh area to Xen. */
const USE_FROM_CHILD = seq({ id: 1, op: 'fork' }, { id: 2, op: 'switch_mm', h: 1 }, { id: 3, op: 'xen_area', pages: 1 });
/** fork on CPU 0 against alloc_vm_area on CPU 1, then the area used from the new mm. */
const FORK_RACE: PgdScenario['programs'] = [
  [{ id: 1, op: 'fork' }, { id: 3, op: 'switch_mm', h: 1 }, { id: 4, op: 'xen_use', h: 2 }],
  [{ id: 2, op: 'xen_area', pages: 1 }],
];

describe('pgd_levels_present', () => {
  it('fails: PAE with the kernel pmd unshared, vmalloc_sync_all steps by PGDIR_SIZE and never copies the vmalloc pmd', () => {
    expect(props(USE_FROM_CHILD, cfg({ mode: 'pae-unshared' }))).toContain('pgd_levels_present');
  });
  it('holds: the same program on non-PAE and on PAE with a shared kernel pmd', () => {
    expect(props(USE_FROM_CHILD, cfg({ mode: 'non-pae' }))).toEqual([]);
    expect(props(USE_FROM_CHILD, cfg({ mode: 'pae-shared' }))).toEqual([]);
  });
  it("fails on non-PAE when pgd_ctor's clone (outside pgd_lock) races alloc_vm_area's vmalloc_sync_all", () => {
    // 4 steps: kmem_cache_alloc, memset, clone_pgd_range; the 4th stops at spin_lock_irqsave.
    expect(props({ programs: FORK_RACE, schedule: cut(4) }, cfg({}))).toContain('pgd_levels_present');
    expect(props({ programs: FORK_RACE, schedule: cut(1) }, cfg({}))).toEqual([]);
  });
});

describe('sync_all_covers_pgds', () => {
  it('fails: a pgd_alloc that returns after vmalloc_sync_all without its entries (non-PAE ctor race; insync then keeps later calls from repairing it)', () => {
    const programs = [[{ id: 1, op: 'fork' }, { id: 3, op: 'vmalloc_sync_all' }], [{ id: 2, op: 'xen_area', pages: 1 }]] as PgdOp[][];
    const v = replayPgd({ programs, schedule: cut(4) }, cfg({})).world.violations.filter((x) => x.property === 'sync_all_covers_pgds');
    expect(v.map((x) => x.splat.message).join('\n')).toMatch(/pgd_alloc returned pgd#\d+ after vmalloc_sync_all\(\) returned/);
    // the second vmalloc_sync_all (#3) returns with the pgd still lacking the pmd: insync says "done"
    expect(v.map((x) => x.splat.message).join('\n')).toMatch(/vmalloc_sync_all\(\) returned but pgd#\d+ \(mm #1\)/);
  });
  it('fails sequentially on PAE unshared', () => {
    expect(props(seq({ id: 1, op: 'fork' }, { id: 2, op: 'vmalloc', pages: 1 }, { id: 3, op: 'vmalloc_sync_all' }), cfg({ mode: 'pae-unshared' }))).toContain('sync_all_covers_pgds');
  });
  it('holds: non-PAE, sequential forks around vmallocs and syncs', () => {
    const s = seq({ id: 1, op: 'fork' }, { id: 2, op: 'vmalloc', pages: 3 }, { id: 3, op: 'vmalloc_sync_all' }, { id: 4, op: 'fork' }, { id: 5, op: 'vmalloc', pages: 2 }, { id: 6, op: 'vmalloc_sync_all' });
    expect(props(s, cfg({}))).toEqual([]);
  });
});

describe('pgd_list_consistent', () => {
  it('fails: PAE unshared, vmalloc_sync_all walks a pgd whose kernel pmd pgd_alloc has not installed yet', () => {
    const programs = [[{ id: 1, op: 'fork' }], [{ id: 2, op: 'xen_area', pages: 1 }]] as PgdOp[][];
    expect(props({ programs, schedule: cut(6) }, cfg({ mode: 'pae-unshared' }))).toContain('pgd_list_consistent');
  });
  it('fails: PAE unshared, a freed pgd stays on pgd_list (slab ctor/dtor) pointing to its freed kernel pmd', () => {
    expect(props(seq({ id: 1, op: 'fork' }, { id: 2, op: 'exit', h: 1 }, { id: 3, op: 'vmalloc_sync_all' }), cfg({ mode: 'pae-unshared' }))).toContain('pgd_list_consistent');
  });
  it('holds: non-PAE fork, exit, slab reaping and syncs', () => {
    const s = seq({ id: 1, op: 'fork' }, { id: 2, op: 'exit', h: 1 }, { id: 3, op: 'vmalloc_sync_all' }, { id: 4, op: 'cache_reap' }, { id: 5, op: 'fork' }, { id: 6, op: 'vmalloc_sync_all' });
    expect(props(s, cfg({}))).toEqual([]);
  });
});

describe('no_refused_atomic_fault and the two versions of seed 000', () => {
  const posted = seq({ id: 1, op: 'xen_area', pages: 2 });
  it("fails: as posted, CONFIG_PREEMPT=y, with the handler in the order the review's objection assumed", () => {
    const p = props(posted, cfg({ version: 'posted', faultPath: 'objection' }));
    expect(p).toContain('no_refused_atomic_fault');
    expect(p).toContain('pgd_levels_present');
  });
  it("holds: as posted with CONFIG_PREEMPT=n, or with 2.6.20's order (vmalloc faults handled before in_atomic())", () => {
    expect(props(posted, cfg({ version: 'posted', faultPath: 'objection', PREEMPT: false }))).toEqual([]);
    expect(props(posted, cfg({ version: 'posted', faultPath: 'i386' }))).toEqual([]);
  });
  it('as fixed (vmalloc_sync_all) holds where the posted version fails, and fails where the posted one holds (PAE unshared)', () => {
    expect(props(posted, cfg({ version: 'fixed', faultPath: 'objection' }))).toEqual([]);
    const child = USE_FROM_CHILD;
    expect(props(child, cfg({ version: 'posted', mode: 'pae-unshared' }))).toEqual([]);
    expect(props(child, cfg({ version: 'fixed', mode: 'pae-unshared' }))).toContain('pgd_levels_present');
  });
});

describe('auditPgdSync', () => {
  it('returns shrunk counterexamples that replay, and verdicts per variant and version', () => {
    const a = auditPgdSync({ variants: ['vanilla'], campaigns: ['pgd-pae-unshared', 'pgd-pae-shared'], versions: ['posted', 'fixed'], scale: 0.05 });
    expect(a.cells.map((c) => `${c.version}/${c.campaign}`)).toEqual(['posted/pgd-pae-shared', 'posted/pgd-pae-unshared', 'fixed/pgd-pae-shared', 'fixed/pgd-pae-unshared']);
    const fixedUnshared = a.cells[3]!;
    expect(fixedUnshared.holds.pgd_levels_present).toBe(false);
    for (const cx of fixedUnshared.counterexamples) {
      expect(fixedUnshared.config).toEqual({ variant: 'vanilla', mode: 'pae-unshared', PREEMPT: true, faultPath: 'i386', version: 'fixed' });
      const r = replayPgd(cx.scenario, fixedUnshared.config);
      expect(r.world.violations.some((v) => v.property === cx.property)).toBe(true);
    }
    expect(a.cells[2]!.holds).toEqual({ pgd_levels_present: true, sync_all_covers_pgds: true, pgd_list_consistent: true, no_refused_atomic_fault: true });
  });
});

describe('preemption (CONFIG_PREEMPT=y)', () => {
  const programs = [[{ id: 1, op: 'fork' }, { id: 2, op: 'xen_area', pages: 1 }]] as PgdOp[][];
  const at = (n: number): CChoice[] => [{ t: 'run', cpu: 0, n }, { t: 'ev', cpu: 0, kind: 'preempt', pick: 1 }, { t: 'run', cpu: 0, n: 1000 }];
  const evs = (n: number, c: PgdConfig): number => replayPgd({ programs, schedule: at(n) }, c).executed.filter((x) => x.t === 'ev').length;
  it('switches address space only where the preempt count is 0: never inside lock_vm_area/unlock_vm_area', () => {
    const posted = cfg({ version: 'posted' });
    const r = replayPgd({ programs, schedule: [] }, posted);
    const total = r.steps;
    let applied = 0;
    let refused = 0;
    for (let n = 1; n < total; n++) (evs(n, posted) ? applied++ : refused++);
    expect(applied).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    // and never applied without CONFIG_PREEMPT
    for (let n = 1; n < total; n++) expect(evs(n, cfg({ version: 'posted', PREEMPT: false }))).toBe(0);
  });
  it('as posted (lock_vm_area) the hypercall sees the area wherever the preemption lands', () => {
    const posted = cfg({ version: 'posted' });
    const total = replayPgd({ programs, schedule: [] }, posted).steps;
    for (let n = 1; n < total; n++) expect(props({ programs, schedule: at(n) }, posted)).toEqual([]);
  });
});

describe("the seed's claim: races on insync and start aren't problematic", () => {
  it('holds between concurrent vmalloc_sync_all calls (no fork): every cut point of the hand-made program and random 3-CPU programs', () => {
    const a = auditPgdSync({ variants: ['rewrite-v2'], campaigns: ['pgd-sync-vs-sync'], scale: 0.2 });
    for (const c of a.cells) expect(Object.values(c.holds).every(Boolean)).toBe(true);
  });
  it('does not hold against pgd_ctor: insync keeps a later vmalloc_sync_all from repairing the pgd that missed the walk', () => {
    const programs = [[{ id: 1, op: 'fork' }, { id: 3, op: 'vmalloc_sync_all' }, { id: 4, op: 'switch_mm', h: 1 }, { id: 5, op: 'xen_use', h: 2 }], [{ id: 2, op: 'xen_area', pages: 1 }]] as PgdOp[][];
    const r = replayPgd({ programs, schedule: cut(4) }, cfg({}));
    const msgs = r.world.violations.map((v) => `${v.property}: ${v.splat.message}`);
    expect(msgs.some((m) => m.startsWith('pgd_levels_present'))).toBe(true);
    expect(r.world.violations.length).toBeGreaterThan(0);
  });
});
