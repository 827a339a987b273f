/**
 * Exit codes of every vmapcheck command, and the errors that map to them. A CI job can rely
 * on them: 1 is only ever a finding the manifest did not expect (or an expected one that
 * vanished), never a typo or a crash.
 */

/** The exit codes (documented in README "Exit codes" and in `--help`). */
export const EXIT = {
  /** Everything checked, everything as expected. */
  OK: 0,
  /** An unexpected finding, or a mismatch with the manifest (a counterexample that no longer reproduces). */
  FINDING: 1,
  /** Bad usage or bad input: a flag, a name, a file, an output folder. Nothing was overwritten. */
  USAGE: 2,
  /** An internal error of vmapcheck itself (please report it, with the stack). */
  INTERNAL: 3,
} as const;

/** The exit-code table as shown by `--help`. */
export const EXIT_HELP = [
  'exit codes:',
  '  0  clean: everything checked, everything as the manifest expects',
  '  1  an unexpected finding, or a mismatch with the manifest (e.g. a counterexample no longer reproduces)',
  '  2  bad usage or bad input (flag, name, file, output folder); nothing was overwritten',
  '  3  internal error in vmapcheck: please report it with the printed stack',
].join('\n');

/** A usage or input error: printed without a stack, exit 2. */
export class UsageError extends Error {}
