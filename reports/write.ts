/**
 * All-or-nothing report writing: every file of a run goes to a temporary name first; only
 * when all temporaries are written are they renamed over the old files (rename is atomic
 * per file on POSIX). A failed write removes the temporaries and leaves the previous set
 * untouched, so out/ never holds a new report.html beside an old result.json.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The file operations used (injectable, so a test can make one write fail). */
export interface WriteIo {
  writeFile(path: string, text: string): void;
  rename(from: string, to: string): void;
  remove(path: string): void;
  mkdir(path: string): void;
  /** Is there a directory at `path` (a rename onto it would fail half-way)? */
  isDir(path: string): boolean;
}

/** The real file system. */
export const FS_IO: WriteIo = {
  writeFile: (p, t) => writeFileSync(p, t),
  rename: (a, b) => renameSync(a, b),
  remove: (p) => rmSync(p, { force: true }),
  mkdir: (p) => void mkdirSync(p, { recursive: true }),
  isDir: (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true,
};

/** A report set could not be written; nothing was replaced. */
export class ReportWriteError extends Error {}

/** Write `files` (name relative to `dir` -> text) all or nothing; returns the paths written. */
export function writeAllOrNothing(dir: string, files: readonly (readonly [string, string])[], io: WriteIo = FS_IO): string[] {
  const temps: [string, string][] = [];
  try {
    for (const [name, text] of files) {
      const final = join(dir, name);
      io.mkdir(dirname(final));
      const tmp = join(dirname(final), `.${name.split('/').at(-1)}.tmp-${process.pid}`);
      temps.push([tmp, final]);
      io.writeFile(tmp, text);
    }
    // Every rename must be able to succeed before the first one happens.
    for (const [, final] of temps) if (io.isDir(final)) throw new Error(`${final} is a directory`);
  } catch (e) {
    for (const [tmp] of temps) io.remove(tmp);
    throw new ReportWriteError(`cannot write the reports into ${dir} (${(e as Error).message}); the previous reports there are unchanged`);
  }
  for (const [tmp, final] of temps) io.rename(tmp, final);
  return temps.map(([, final]) => final);
}
