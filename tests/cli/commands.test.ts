/**
 * The command line as a user meets it, in-process (fast): help on every subcommand with
 * examples and the exit codes, --version, did-you-mean, list from the registries, replay of
 * many files with a summary and --on, report rebuilding and --merge, --json; and the real
 * `bin` launcher once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandHelp, main, usage } from '../../cli/main';
import { COMMANDS } from '../../cli/commands';
import { CAMPAIGNS } from '../../explore/campaigns';
import { PROPERTIES } from '../../properties/index';
import { VARIANTS } from '../../model/variants/registry';
import { WORKLOADS } from '../../explore/workloads';
import { audit } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { vanilla } from '../../model/variants/vanilla/index';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { mergeResults, parseResults } from '../../reports/results';
import { bigintReplacer } from '../../reports/index';

/** Run main() capturing what it prints. */
function capture(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n'));
  vi.spyOn(process.stdout, 'write').mockImplementation(((s: string) => ((out += s), true)) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(((s: string) => ((err += s), true)) as typeof process.stderr.write);
  try {
    return { code: main(argv) as number, out, err };
  } finally {
    vi.restoreAllMocks();
  }
}
afterEach(() => vi.restoreAllMocks());
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vmapcheck-cmd-'));

describe('help and version', () => {
  it('every subcommand has --help with examples and the exit codes', () => {
    for (const c of COMMANDS) {
      const r = capture([c.name, '--help']);
      expect(r.code, c.name).toBe(0);
      expect(r.out).toContain(`usage: vmapcheck ${c.name}`);
      expect(r.out).toMatch(/examples:\n {2}npx vmapcheck /);
      expect(r.out).toContain('3  internal error');
      expect(commandHelp(c)).toContain('--help');
    }
    expect(capture(['--help']).out).toBe(usage() + '\n');
    expect(usage()).toContain('check');
  });
  it('--version prints package.json version', () => {
    expect(capture(['--version']).out.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });
  it('did you mean, for commands, flags, variants, campaigns', () => {
    expect(() => main(['chek'])).toThrow(/unknown command 'chek' \(did you mean 'check'\?\)/);
    expect(() => main(['check', '--camapign', 'x'])).toThrow(/did you mean '--campaign'/);
    expect(() => main(['check', '--variant', 'rewrite-v22'])).toThrow(/did you mean 'rewrite-v2'/);
    expect(() => main(['check', '--campaign', 'tiny-2cp'])).toThrow(/did you mean 'tiny-2cpu'/);
  });
});

describe('list', () => {
  it('enumerates the registries', () => {
    const j = JSON.parse(capture(['list', '--json']).out);
    expect(j.variants.map((x: { name: string }) => x.name)).toEqual(VARIANTS.map((v) => v.name));
    expect(j.properties.map((x: { name: string }) => x.name)).toEqual(PROPERTIES.map((p) => p.name));
    expect(j.properties[0].doc).toContain(PROPERTIES[0]!.forbids);
    expect(j.campaigns.map((x: { name: string }) => x.name).slice(0, CAMPAIGNS.length)).toEqual(CAMPAIGNS.map((c) => c.name));
    expect(j.workloads).toHaveLength(WORKLOADS.length);
    expect(Object.keys(j)).toEqual(['variants', 'findings', 'properties', 'layouts', 'campaigns', 'workloads']);
    expect(capture(['list', 'layouts']).out).toMatch(/^layouts \(\d+\):\n {2}tiny /);
  });
});

describe('replay', () => {
  const files = ['counterexamples/rewrite-v2.tiny-1cpu.F2.json', 'counterexamples/rewrite-v2.tiny-1cpu.F1.json'];
  it('replays many files in one process with a summary table', () => {
    const r = capture(['replay', ...files]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/replay: 2 file\(s\): 2 reproduced, 0 not reproduced, 0 invalid/);
  });
  it('--on replays on another variant and says where the trace departs; an invalid file makes it exit 2', () => {
    const bad = join(tmp(), 'bad.json');
    writeFileSync(bad, '{}');
    const r = capture(['replay', files[0]!, bad, '--on', 'vanilla', '--json']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.files.map((f: { verdict: string }) => f.verdict)).toEqual(['NOT reproduced', 'invalid']);
    expect(j.files[0].variant).toBe('vanilla');
    expect(j.files[0].detail).toMatch(/departs from the recorded trace at line \d+/);
  });
});

describe('report', () => {
  it('rebuilds the reports from result.json, and --merge of per-variant runs equals the joint run', () => {
    const m = readManifest();
    const c = [campaignByName('tiny-1cpu')];
    const joint = audit([vanilla, rewriteV2], c, m, { runs: 5 });
    const a = audit([vanilla], c, m, { runs: 5 });
    const b = audit([rewriteV2], c, m, { runs: 5 });
    const strip = (x: object): unknown => JSON.parse(JSON.stringify(x, (k, v) => (k === 'ms' ? 0 : v), 0));
    expect(strip(mergeResults([a, b]))).toEqual(strip(joint));
    const d = tmp();
    for (const [n, x] of [['a', a], ['b', b]] as const) writeFileSync(join(d, `${n}.json`), JSON.stringify(x, bigintReplacer));
    const r = capture(['report', '--merge', join(d, 'a.json'), join(d, 'b.json'), '--out', join(d, 'merged'), '--quiet']);
    expect(r.code).toBe(joint.ok ? 0 : 1);
    expect(strip(parseResults(readFileSync(join(d, 'merged', 'result.json'), 'utf8'), 'merged'))).toEqual(strip(joint));
    expect(() => main(['report', join(d, 'a.json'), join(d, 'b.json')])).toThrow(/add --merge/);
    writeFileSync(join(d, 'bad.json'), JSON.stringify({ variants: [] }));
    expect(() => main(['report', join(d, 'bad.json'), '--out', join(d, 'x')])).toThrow(/bad.json: campaigns: .*is this a vmapcheck result.json/);
  }, 60_000);
});

describe('check --json', () => {
  it('prints a machine-readable summary on stdout, human text on stderr', () => {
    const out = join(tmp(), 'out');
    const r = capture(['check', '--variant', 'vanilla', '--campaign', 'tiny-1cpu', '--budget', '3', '--no-irq', '--quiet', '--json', '--out', out]);
    const j = JSON.parse(r.out);
    expect(j.exitCode).toBe(r.code);
    expect(j.checked.cells).toBeGreaterThan(0);
    expect(j.reports[0]).toBe(join(out, 'report.html'));
    expect(r.err).toContain('vmapcheck audit:');
    for (const f of j.failures) expect(f.reproduce[0]).toMatch(/^reproduce: npx vmapcheck /);
  });
});

describe('the bin launcher', () => {
  it('runs the TypeScript through tsx: bin/vmapcheck.mjs --version', () => {
    expect(execFileSync(process.execPath, ['bin/vmapcheck.mjs', '--version'], { encoding: 'utf8' }).trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    expect(JSON.parse(readFileSync('package.json', 'utf8')).bin).toEqual({ vmapcheck: 'bin/vmapcheck.mjs' });
  });
});
