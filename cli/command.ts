/**
 * What a subcommand is: its name, one-line summary, flags, positional arguments, examples
 * and the function that runs it. cli/commands.ts lists them; cli/main.ts parses argv against
 * the chosen one, prints `--help`, and maps errors to exit codes (cli/exit.ts).
 */
import type { FlagSpec, Parsed, PositionalSpec } from './args';

/** One subcommand. `run` returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** `vmapcheck NAME …` synopsis (after the name). */
  readonly synopsis: string;
  readonly flags: readonly FlagSpec[];
  readonly positional?: PositionalSpec;
  /** Example command lines with a short comment each. */
  readonly examples: readonly (readonly [string, string])[];
  run(p: Parsed): number | Promise<number>;
}

/** Human output: stdout normally, stderr when --json owns stdout. */
export function humanLog(json: boolean): (s: string) => void {
  return json ? (s) => void process.stderr.write(s + '\n') : (s) => void process.stdout.write(s + '\n');
}
