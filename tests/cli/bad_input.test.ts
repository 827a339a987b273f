/**
 * Bad input gets a clear error that names the problem and the fix, and loses nothing:
 * flags, counterexample files, variant and campaign names, layouts, the manifest.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs, UsageError } from '../../cli/args';
import { CounterexampleError, parseCounterexample } from '../../counterexamples/format';
import { replayFile, replayPath } from '../../counterexamples/replay';
import { readManifest } from '../../counterexamples/manifest';
import { ConfigError, validateLayout, validateRun } from '../../model/config/validate';
import { TINY, X86_32 } from '../../model/config/layout';
import { audit } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';

const GOOD = 'counterexamples/rewrite-v2.tiny-1cpu.F2.json';
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vmapcheck-'));

describe('command-line flags', () => {
  it('an unknown flag names itself and the valid ones', () => {
    expect(() => parseArgs('audit', ['--varaint', 'x'], [{ name: 'variant', kind: 'list', help: '' }])).toThrow(/unknown flag --varaint \(did you mean '--variant'\?\); valid flags: --variant/);
  });
  it('a bad number and a missing value say what is expected', () => {
    const spec = [{ name: 'runs', kind: 'int' as const, help: 'runs per campaign' }];
    expect(() => parseArgs('audit', ['--runs', 'many'], spec)).toThrow(/--runs must be an integer >= 0, not 'many'/);
    expect(() => parseArgs('audit', ['--runs'], spec)).toThrow(UsageError);
  });
  it('the real CLI exits 2 with the message on an unknown command, flag or variant', () => {
    const cli = (args: string[]): { code: number; err: string } => {
      try {
        execFileSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { stdio: 'pipe', encoding: 'utf8' });
        return { code: 0, err: '' };
      } catch (e) {
        const x = e as { status: number; stderr: string };
        return { code: x.status, err: x.stderr };
      }
    };
    expect(cli(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command 'frobnicate'; commands: audit/) });
    expect(cli(['audit', '--bogus'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown flag --bogus/) });
    expect(cli(['audit', '--variant', 'rewrite-v3'])).toMatchObject({ code: 2, err: expect.stringMatching(/unknown variant 'rewrite-v3': known variants are vanilla, rewrite-v1, rewrite-v2, irqsafe .*did you mean/) });
  }, 60_000);
});

describe('counterexample files', () => {
  const good = readFileSync(GOOD, 'utf8');
  it('malformed JSON is named with the parser error and the fix', () => {
    expect(() => parseCounterexample('{"format": ', 'x.json')).toThrow(/x.json: not valid JSON .*re-create it with 'vmapcheck discover'/);
  });
  it('a wrong format tag, an unknown op and a CPU-count mismatch are each named', () => {
    const j = JSON.parse(good);
    expect(() => parseCounterexample(JSON.stringify({ ...j, format: 'v0' }), 'f')).toThrow(/format is 'v0', expected 'vmapcheck-counterexample\/1'/);
    const badOp = { ...j, scenario: { ...j.scenario, programs: [[{ id: 1, op: 'kmalloc', pages: 1 }]] } };
    expect(() => parseCounterexample(JSON.stringify(badOp), 'f')).toThrow(/scenario.programs\[0\]\[0\]: unknown op 'kmalloc'/);
    expect(() => parseCounterexample(JSON.stringify({ ...j, config: { layout: 'tiny', cpus: 2 } }), 'f')).toThrow(/config.cpus is 2 but the scenario has 1 programs/);
  });
  it('an unknown variant or a changed campaign refuses replay and says how to recover', () => {
    const ce = parseCounterexample(good, GOOD);
    expect(() => replayFile({ ...ce, variant: 'rewrite-v9' })).toThrow(/unknown variant 'rewrite-v9': known variants are/);
    expect(() => replayFile({ ...ce, config: { layout: 'x86-32', cpus: 1 } })).toThrow(/recorded with layout x86-32 .* re-create it with 'vmapcheck discover/);
    expect(() => replayPath('counterexamples/nope.json')).toThrow(CounterexampleError);
  });
  it('a broken entry in the manifest fails that cell and loses nothing else', () => {
    const dir = tmp();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    const real = readManifest();
    const m = { ...real, variants: { 'rewrite-v2': { 'tiny-1cpu': { findings: { ...real.variants['rewrite-v2']!['tiny-1cpu']!.findings, F2: bad } } } } };
    const r = audit([rewriteV2], [campaignByName('tiny-1cpu')], m);
    // One campaign alone cannot reach every sometimes-property: those are not this test's concern.
    expect(r.failures.map((f) => f.kind).filter((k) => k !== 'unreached')).toEqual(['bad-counterexample']);
    expect(r.failures[0]!.detail).toMatch(/bad.json: not valid JSON/);
    expect(r.findings.filter((c) => c.observed === 'reproduced').length).toBeGreaterThan(0);
  });
  it('a missing manifest says how to create one', () => {
    expect(() => readManifest(join(tmp(), 'expectations.json'))).toThrow(/run 'vmapcheck discover --write' to create it/);
  });
});

describe('impossible configurations', () => {
  it('each broken layout field is named with the fix', () => {
    expect(() => validateLayout({ ...TINY, VMALLOC_END: TINY.VMALLOC_START })).toThrow(/VMALLOC_START is not below VMALLOC_END/);
    expect(() => validateLayout({ ...TINY, PTRS_PER_PTE: 12 })).toThrow(/PTRS_PER_PTE is 12; use a power of two/);
    expect(() => validateLayout({ ...X86_32, VMALLOC_END: 1n << 40n })).toThrow(/outside a 32-bit address space/);
    expect(() => validateLayout({ ...TINY, PAGE_SHIFT: 3 })).toThrow(ConfigError);
  });
  it('more CPUs online than NR_CPUS is refused', () => {
    expect(() => validateRun(TINY, 5)).toThrow(/5 CPUs online but layout 'tiny' has NR_CPUS=4; raise NR_CPUS or simulate fewer CPUs/);
  });
  it('every shipped layout is valid', () => {
    for (const l of [TINY, X86_32]) expect(validateLayout(l)).toBe(l);
  });
});
