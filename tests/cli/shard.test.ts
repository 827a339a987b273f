/**
 * `check --shard i/n` splits the work; `report --merge` of the shards' result.json equals
 * the unsharded run (timings aside). `check --workers 2` equals `--workers 1`, and so does a
 * consumer's audit run on a worker thread.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main';
import { parseShard, shardParts } from '../../cli/shard';
import { VARIANTS } from '../../model/variants/registry';
import { CAMPAIGNS } from '../../explore/campaigns';
import { runParallel } from '../../cli/parallel';
import { auditConsumer, mergeConsumerAudits } from '../../explore/consumer_audit';
import { readManifest } from '../../counterexamples/manifest';

async function quietAsync(argv: string[]): Promise<number> {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation((() => true) as typeof process.stderr.write);
  try {
    return await main(argv);
  } finally {
    vi.restoreAllMocks();
  }
}

function quiet(argv: string[]): number {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation((() => true) as typeof process.stderr.write);
  try {
    return main(argv) as number;
  } finally {
    vi.restoreAllMocks();
  }
}

describe('--shard', () => {
  it('parses i/n and splits every unit to exactly one shard', () => {
    expect(parseShard('check', '2/3')).toEqual({ i: 2, n: 3 });
    for (const bad of ['0/2', '3/2', '1/0', 'x', '1/2/3']) expect(() => parseShard('check', bad)).toThrow(/--shard must be i\/n/);
    const vs = VARIANTS.slice(0, 3);
    const cs = CAMPAIGNS.slice(0, 4);
    const units = [1, 2, 3].flatMap((i) => shardParts(vs, cs, true, { i, n: 3 }).flatMap((p) => [...p.campaigns.map((c) => `${p.variant.name}/${c.name}`), ...(p.irq ? [`${p.variant.name}/irq`] : [])]));
    expect(units.sort()).toEqual(vs.flatMap((v) => [...cs.map((c) => `${v.name}/${c.name}`), `${v.name}/irq`]).sort());
  });

  it('report --merge of the shards equals the unsharded run', () => {
    const d = mkdtempSync(join(tmpdir(), 'vmapcheck-shard-'));
    const sel = ['--variant', 'vanilla,rewrite-v2', '--campaign', 'tiny-1cpu,tiny-misuse', '--budget', '4', '--no-irq', '--quiet'];
    const whole = quiet(['check', ...sel, '--out', join(d, 'all')]);
    const s1 = quiet(['check', ...sel, '--shard', '1/3', '--out', join(d, 's1')]);
    const s2 = quiet(['check', ...sel, '--shard', '2/3', '--out', join(d, 's2')]);
    const s3 = quiet(['check', ...sel, '--shard', '3/3', '--out', join(d, 's3')]);
    expect([s1, s2, s3].every((c) => c === 0 || c === 1)).toBe(true);
    const merged = quiet(['report', '--merge', ...['s1', 's2', 's3'].map((s) => join(d, s, 'result.json')), '--out', join(d, 'merged'), '--quiet']);
    expect(merged).toBe(whole);
    const load = (dir: string): unknown => JSON.parse(readFileSync(join(d, dir, 'result.json'), 'utf8'), (k, v) => (k === 'ms' ? 0 : v));
    expect(load('merged')).toEqual(load('all'));
    expect(() => main(['check', ...sel, '--shard', '9/9', '--out', join(d, 'x')])).toThrow(/has no work/);
  }, 60_000);
});

describe('--workers', () => {
  it('two worker threads give the result of one', async () => {
    const d = mkdtempSync(join(tmpdir(), 'vmapcheck-workers-'));
    const sel = ['--variant', 'rewrite-v2', '--campaign', 'tiny-1cpu,tiny-misuse', '--budget', '3', '--no-irq', '--quiet'];
    const one = await quietAsync(['check', ...sel, '--workers', '1', '--out', join(d, 'w1')]);
    const two = await quietAsync(['check', ...sel, '--workers', '2', '--out', join(d, 'w2')]);
    expect(two).toBe(one);
    const load = (dir: string): unknown => JSON.parse(readFileSync(join(d, dir, 'result.json'), 'utf8'), (k, v) => (k === 'ms' ? 0 : v));
    expect(load('w2')).toEqual(load('w1'));
  }, 120_000);
  it('a consumer audited on a worker thread gives the in-process audit', async () => {
    const name = 'grant_multicall';
    const { result, consumers } = await runParallel([], 2, () => undefined, undefined, [name]);
    expect(result.cells).toEqual([]);
    const here = auditConsumer(readManifest(), name);
    expect(here.cells.length).toBeGreaterThan(0);
    expect(consumers).toEqual(mergeConsumerAudits([here]));
  }, 120_000);
});
