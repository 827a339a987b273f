/**
 * A small, strict command-line parser: every flag is declared; an unknown flag, a missing
 * value or a bad number is an error that names the problem and the fix.
 */

/** A declared flag. */
export interface FlagSpec {
  readonly name: string;
  readonly kind: 'string' | 'int' | 'bool' | 'list';
  readonly help: string;
}

/** Parsed flags and positional arguments. */
export interface Parsed {
  readonly flags: Record<string, string | number | boolean | string[]>;
  readonly positional: string[];
}

/** A usage error the CLI prints with exit code 2. */
export class UsageError extends Error {}

/** Parse `argv` against `specs` for `command`. */
export function parseArgs(command: string, argv: readonly string[], specs: readonly FlagSpec[]): Parsed {
  const flags: Record<string, string | number | boolean | string[]> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    const spec = specs.find((s) => s.name === name);
    if (spec === undefined) throw new UsageError(`${command}: unknown flag --${name}; valid flags: ${specs.map((s) => `--${s.name}`).join(', ') || '(none)'}`);
    if (spec.kind === 'bool') {
      flags[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${command}: --${name} needs a value (${spec.help})`);
    if (spec.kind === 'int') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`${command}: --${name} must be a non-negative integer, not '${value}'`);
      flags[name] = n;
    } else if (spec.kind === 'list') {
      flags[name] = [...((flags[name] as string[] | undefined) ?? []), ...value.split(',').filter(Boolean)];
    } else flags[name] = value;
  }
  return { flags, positional };
}

/** Usage text of a command's flags. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  return specs.map((s) => `  --${s.name}${s.kind === 'bool' ? '' : ' <' + s.kind + '>'}  ${s.help}`).join('\n');
}
