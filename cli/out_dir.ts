/**
 * Validate an output folder BEFORE any work, so a typo in --out costs a second, not the
 * whole audit: it must be a directory (or not exist yet, under an existing directory) and
 * writable, which is proven by creating and removing a probe file (permission bits say
 * nothing for root, and read-only mounts only answer to an actual write).
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './exit';

/** Check that `out` can receive reports; creates it (only it, not missing parents). Returns it. */
export function prepareOutDir(command: string, out: string): string {
  const abs = resolve(out);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new UsageError(`${command}: --out ${out} is a file, not a directory; give a folder for the reports (e.g. --out out)`);
  } else {
    const parent = dirname(abs);
    if (!existsSync(parent)) throw new UsageError(`${command}: --out ${out}: its parent folder ${parent} does not exist; create it first or pick another --out`);
    if (!statSync(parent).isDirectory()) throw new UsageError(`${command}: --out ${out}: ${parent} is a file, not a directory`);
    try {
      mkdirSync(abs);
    } catch (e) {
      throw new UsageError(`${command}: --out ${out} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pick a writable folder`);
    }
  }
  const probe = join(abs, `.vmapcheck-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new UsageError(`${command}: --out ${out} is not writable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pick a writable folder`);
  }
  return out;
}
