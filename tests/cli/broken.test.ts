/**
 * The "broken today" list of issue 10, end to end through the real command line: each case
 * exited 0 or 1 (or silently did the wrong thing) before, and must now exit 2 with a message
 * naming the problem, having overwritten nothing. Runs the CLI as a CI job would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vmapcheck-cli-'));
/** Small audits: one variant, one campaign, a few runs, no irq audit. */
const SMALL = ['--variant', 'vanilla', '--campaign', 'tiny-1cpu', '--runs', '2', '--no-irq', '--quiet'];
const GOOD = 'counterexamples/rewrite-v2.tiny-1cpu.F2.json';

const run = promisify(execFile);

/** Run the CLI (concurrently with the other cases: each is a separate process). */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 120_000 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: x.stdout, err: x.stderr };
  }
}

/** An out dir holding a previous, complete report set. */
function previousReports(): string {
  const dir = join(tmp(), 'out');
  mkdirSync(dir);
  for (const f of ['report.html', 'junit.xml', 'summary.md', 'result.json']) writeFileSync(join(dir, f), `previous ${f}`);
  return dir;
}
const unchanged = (dir: string): boolean => ['report.html', 'junit.xml', 'summary.md', 'result.json'].every((f) => readFileSync(join(dir, f), 'utf8') === `previous ${f}`);

describe.concurrent('selections that check nothing are errors', () => {
  it('an empty --variant= (an unset CI variable) exits 2 and names the flag', async () => {
    const r = await cli('audit', '--variant=', '--no-irq');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--variant has an empty value/);
  });
  it('an empty list (--campaign ,) exits 2', async () => {
    expect((await cli('audit', '--campaign', ',', '--no-irq')).code).toBe(2);
  });
});

describe.concurrent('--runs', () => {
  it('an empty --runs= exits 2 and overwrites nothing', async () => {
    const out = previousReports();
    const r = await cli('audit', ...SMALL.filter((a) => a !== '--runs' && a !== '2'), '--runs=', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--runs must be an integer >= 1, not ''/);
    expect(unchanged(out)).toBe(true);
  });
});

describe.concurrent('a bad --out is refused before any work', () => {
  it('a file, a missing parent, an unwritable place: exit 2 with the reason, no stack', async () => {
    const d = tmp();
    const file = join(d, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string, RegExp][] = [
      [file, /is a file, not a directory/],
      [join(d, 'missing', 'out'), /parent folder .* does not exist/],
      ['/proc/vmapcheck-out', /cannot be created|not writable/],
    ];
    const results = await Promise.all(cases.map(([out]) => cli('audit', ...SMALL, '--out', out)));
    for (const [i, [out, msg]] of cases.entries()) {
      const r = results[i]!;
      expect(r.code, out).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).not.toMatch(/vanilla \/ tiny-1cpu/);
    }
    expect(existsSync(join(d, 'missing'))).toBe(false);
  });
});

describe.concurrent('reports are written all or nothing', () => {
  it('when one report cannot be written, the previous set stays complete and untouched', async () => {
    const out = previousReports();
    const sum = join(out, 'summary.md');
    // summary.md replaced by a directory: the third rename would fail half-way.
    rmSync(sum);
    mkdirSync(sum);
    const r = await cli('audit', ...SMALL, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/previous reports there are unchanged/);
    for (const f of ['report.html', 'junit.xml', 'result.json']) expect(readFileSync(join(out, f), 'utf8')).toBe(`previous ${f}`);
  });
});

describe.concurrent('replay rejects invalid files', () => {
  it('a schedule naming cpu 7 on a 1-CPU counterexample exits 2, not "NOT reproduced"', async () => {
    const j = JSON.parse(readFileSync(GOOD, 'utf8'));
    const bad = join(tmp(), 'cpu7.json');
    writeFileSync(bad, JSON.stringify({ ...j, scenario: { ...j.scenario, schedule: [{ t: 'run', cpu: 7, n: 1 }] } }));
    const r = await cli('replay', bad);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/names cpu 7, but the counterexample has 1 CPU/);
  });
});

describe.concurrent('pct and flag values', () => {
  it('--depth 0, a seed beyond 32 bits, a stray argument and --quiet=no each exit 2', async () => {
    const base = ['--variant', 'vanilla', '--campaign', 'tiny-1cpu', '--runs', '1'];
    const [depth, seed, stray, quiet] = await Promise.all([cli('pct', ...base, '--depth', '0'), cli('pct', ...base, '--seed', '99999999999999999999'), cli('pct', ...base, 'tiny-2cpu'), cli('replay', GOOD, '--quiet=no')]);
    expect(depth).toMatchObject({ code: 2, err: expect.stringMatching(/--depth must be an integer from 1/) });
    expect(seed).toMatchObject({ code: 2, err: expect.stringMatching(/--seed must be an integer from 0 to 2147483647/) });
    expect(stray).toMatchObject({ code: 2, err: expect.stringMatching(/unexpected argument 'tiny-2cpu'/) });
    expect(quiet).toMatchObject({ code: 2, err: expect.stringMatching(/--quiet is a switch and takes no value/) });
  });
});
