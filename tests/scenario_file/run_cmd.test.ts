/**
 * `vmapcheck run`: exit 0 when every expectation holds, 1 when one fails, 2 for a malformed
 * file (with line and column), and witness files that `replay` reproduces.
 */
import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenarioFiles } from '../../cli/run_cmd';
import { replayPath } from '../../counterexamples/replay';

const dir = mkdtempSync(join(tmpdir(), 'vmc-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const quiet = { log: () => {}, err: () => {} };

describe('vmapcheck run', () => {
  it('exit 0, and a witness file that replays, when a sometimes-expectation holds', () => {
    const out = join(dir, 'out');
    const p = file('f9.vmc', 'variant rewrite-v2\nlayout tiny\ncpus 2\nP0: vmalloc(1)\nP1: vmalloc(1)\npreemptions 1\nexpect sometimes lifecycle_legal\n');
    expect(runScenarioFiles([p], { ...quiet, out })).toBe(0);
    const w = readdirSync(out).find((f) => f.includes('lifecycle_legal'));
    expect(w).toBeDefined();
    expect(replayPath(join(out, w!)).reproduced).toBe(true);
  });

  it('exit 1 when a never-expectation is violated', () => {
    const p = file('f2.vmc', 'variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1)\nexpect never flush_cache_vmap_covers_mapping\n');
    expect(runScenarioFiles([p], quiet)).toBe(1);
  });

  it('exit 0 for a never-expectation that holds with complete coverage, per variant', () => {
    const p = file('ok.vmc', 'variants vanilla rewrite-v2\nlayout tiny\ncpus 1\nP0: a = vmalloc(1); vfree(a)\nexpect never no_bug\nexpect sometimes flush_cache_vmap_covers_mapping on rewrite-v2\n');
    expect(runScenarioFiles([p], quiet)).toBe(0);
  });

  it('exit 2 with line and column for a malformed file, and for an unknown property', () => {
    const lines: string[] = [];
    const bad = file('bad.vmc', 'variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1\n');
    expect(runScenarioFiles([bad], { log: () => {}, err: (l) => lines.push(l) })).toBe(2);
    expect(lines[0]).toMatch(/bad\.vmc:4:14: expected '\)', found end of line/);
    const unk = file('unk.vmc', 'variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1)\nexpect never no_such_property\n');
    expect(runScenarioFiles([unk], quiet)).toBe(2);
  });
});
