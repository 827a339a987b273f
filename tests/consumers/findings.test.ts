/**
 * Consumer findings by experiment: every committed consumer counterexample still breaks its
 * property and stops doing so with its finding's experiment alone; each consumer fix removes
 * a hand-built case of its finding; the manifest section has a file for every finding it lists.
 */
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../counterexamples/manifest';
import { readConsumerCx, replayConsumerCx } from '../../explore/consumer_audit';
import { consumerByName } from '../../explore/consumers/index';
import { classifyConsumerRun } from '../../explore/consumers/classify';
import type { PgdConfig, PgdOp } from '../../model/consumers/pgd_sync/program';

const m = readManifest();
const paths = [...new Set(Object.values(m.consumers?.cells ?? {}).flatMap((cs) => Object.values(cs).flatMap((c) => Object.values(c.findings))))].sort();

describe('the consumer counterexample corpus', () => {
  it('exists for every recorded consumer finding', () => {
    expect(paths.length).toBeGreaterThan(0);
    for (const id of Object.keys(m.consumers?.findings ?? {})) expect(paths.some((p) => p.endsWith(`.${id}.json`)) || id === 'C4').toBe(true);
  });
  it.each(paths)('%s reproduces and its finding alone removes it', (p) => {
    const f = readConsumerCx(p);
    expect(f).not.toBeNull();
    expect(replayConsumerCx(f!)).toEqual({ reproduces: true, explained: true });
  });
});

describe('C4 (a freed PAE pgd stays on pgd_list with its freed kernel pmd)', () => {
  const pgd = consumerByName('pgd_sync')!;
  const cfg: PgdConfig = { variant: 'rewrite-v2', mode: 'pae-unshared', PREEMPT: true, faultPath: 'i386', version: 'fixed' };
  const scn = { programs: [[{ id: 1, op: 'fork' }, { id: 2, op: 'exit', h: 1 }, { id: 3, op: 'vmalloc_sync_all' }] as PgdOp[]], schedule: [] };
  it('is what removes the sequential fork; exit; vmalloc_sync_all failure', () => {
    expect(pgd.breaks(cfg, scn, 'pgd_list_consistent')).toBe(true);
    expect(classifyConsumerRun(pgd, cfg, scn, 'pgd_list_consistent').findings).toContain('C4');
    expect(pgd.breaks({ ...cfg, fixes: ['C4'] }, scn, 'pgd_list_consistent')).toBe(false);
  });
});
