/**
 * All-or-nothing report writing under a failing write, and the exit code of an internal error.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterexampleError } from '../../counterexamples/format';
import { FS_IO, ReportWriteError, writeAllOrNothing } from '../../reports/write';
import { exitCodeOf } from '../../cli/main';
import { UsageError } from '../../cli/exit';

describe('all-or-nothing report writing', () => {
  it('a failing third write leaves the previous files untouched and no temporary behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmapcheck-write-'));
    for (const f of ['a', 'b', 'c']) writeFileSync(join(dir, f), `old ${f}`);
    let n = 0;
    const io = { ...FS_IO, writeFile: (p: string, t: string) => (++n === 3 ? (() => { throw new Error('ENOSPC'); })() : FS_IO.writeFile(p, t)) };
    expect(() => writeAllOrNothing(dir, [['a', 'new a'], ['b', 'new b'], ['c', 'new c']], io)).toThrow(ReportWriteError);
    expect(['a', 'b', 'c'].map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['old a', 'old b', 'old c']);
    expect(readdirSync(dir).sort()).toEqual(['a', 'b', 'c']);
    writeAllOrNothing(dir, [['a', 'new a'], ['b', 'new b'], ['c', 'new c']]);
    expect(['a', 'b', 'c'].map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(['new a', 'new b', 'new c']);
  });
});

describe('exit codes of errors', () => {
  it('a usage error is 2, anything unexpected is 3 (an internal error), never 1', () => {
    const err = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(exitCodeOf(new UsageError('bad'))).toBe(2);
      expect(exitCodeOf(new CounterexampleError('bad file'))).toBe(2);
      expect(exitCodeOf(new TypeError('x is undefined'))).toBe(3);
    } finally {
      process.stderr.write = err;
    }
  });
});
