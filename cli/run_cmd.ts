/**
 * `vmapcheck run FILE…`: check hand-written `.vmc` scenario files exhaustively (within
 * their bounds), print coverage and verdicts, and judge their `expect` lines.
 * Exit code: 0 every expectation holds, 1 one failed, 2 a file is malformed or unreadable.
 */
import { readFileSync } from 'node:fs';
import type { Parsed } from './args';
import type { Command } from './command';
import { parseScenarioFile, type ScenarioFile } from '../explore/scenario_file/parse';
import { ScenarioSyntaxError } from '../explore/scenario_file/lexer';
import { runScenarioFile, UnknownProperty, type RunFileOptions } from '../explore/scenario_file/run';

/** Options of the run command. */
export interface RunCmdOptions extends RunFileOptions {
  readonly err?: (line: string) => void;
}

/** Parse every file first (a malformed one stops everything with exit 2), then check them. */
export function runScenarioFiles(paths: string[], opts: RunCmdOptions = {}): number {
  const err = opts.err ?? ((l: string) => console.error(l));
  const files: ScenarioFile[] = [];
  for (const p of paths) {
    try {
      files.push(parseScenarioFile(readFileSync(p, 'utf8'), p));
    } catch (e) {
      if (e instanceof ScenarioSyntaxError) {
        err(`vmapcheck: ${e.message}`);
        return 2;
      }
      if ((e as NodeJS.ErrnoException).code !== undefined) {
        err(`vmapcheck: ${p}: cannot read (${(e as Error).message})`);
        return 2;
      }
      throw e;
    }
  }
  let failed = false;
  for (const f of files) {
    try {
      for (const r of runScenarioFile(f, opts)) if (r.expectations.some((x) => !x.held)) failed = true;
    } catch (e) {
      if (e instanceof UnknownProperty || (e instanceof Error && e.message.startsWith('unknown variant'))) {
        err(`vmapcheck: ${f.path}: ${e.message}`);
        return 2;
      }
      throw e;
    }
  }
  return failed ? 1 : 0;
}

/** `vmapcheck run FILE…`. */
export const RUN: Command = {
  name: 'run',
  summary: 'check .vmc scenario files exhaustively (DPOR + sleep sets, iterative preemption bounding) and judge their expect lines',
  synopsis: 'FILE.vmc… [--preemptions P] [--budget N] [--out DIR]',
  flags: [
    { name: 'preemptions', kind: 'int', min: 0, help: "preemption bound (default: the file's, else 2)" },
    { name: 'budget', kind: 'int', min: 1, help: "execution budget per variant (default: the file's)" },
    { name: 'out', kind: 'string', help: 'folder for the witness counterexample of every Sometimes verdict (replayable)' },
  ],
  positional: { name: 'FILE.vmc', min: 1, max: Infinity },
  examples: [
    ['npx vmapcheck run scenarios/*.vmc', 'the regression corpus: every expectation must hold'],
    ['npx vmapcheck run scenarios/F3_full_block_aliases.vmc --out /tmp/w', 'one file, witnesses written to /tmp/w'],
  ],
  run: ({ flags, positional }: Parsed) =>
    runScenarioFiles(positional, {
      ...(flags.out !== undefined ? { out: flags.out as string } : {}),
      ...(flags.preemptions !== undefined ? { preemptions: flags.preemptions as number } : {}),
      ...(flags.budget !== undefined ? { budget: flags.budget as number } : {}),
    }),
};
