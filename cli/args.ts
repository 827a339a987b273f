/**
 * The command-line parser: node's own `util.parseArgs` (maintained with Node, no dependency,
 * strict: unknown flags, missing values and values given to boolean flags are errors), plus
 * the checks it does not make: typed values (integers, seeds, non-empty lists), positional
 * arity and "did you mean" for near-miss flags. Every error is a UsageError (exit 2) that
 * names the problem and the fix.
 */
import { parseArgs as nodeParseArgs } from 'node:util';
import { UsageError } from './exit';
import { didYouMean } from './suggest';

export { UsageError } from './exit';

/** The largest seed accepted: seedrandom takes any string, but fast-check seeds are 32-bit ints. */
export const MAX_SEED = 0x7fffffff;

/** A declared flag. `int` takes `min`/`max`; `seed` is an int in 0..MAX_SEED; `list` is comma-separated and repeatable. */
export interface FlagSpec {
  readonly name: string;
  readonly kind: 'string' | 'int' | 'bool' | 'list' | 'seed';
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  readonly short?: string;
}

/** Parsed flags and positional arguments. */
export interface Parsed {
  readonly flags: Record<string, string | number | boolean | string[]>;
  readonly positional: string[];
}

/** How many positional arguments a command takes: none (default), or a named list. */
export interface PositionalSpec {
  readonly name: string;
  readonly min: number;
  /** Infinity for "any number". */
  readonly max: number;
}

const HELP: FlagSpec = { name: 'help', short: 'h', kind: 'bool', help: 'show this help' };

/** Parse `argv` against `specs` for `command`; `--help/-h` is always accepted. */
export function parseArgs(command: string, argv: readonly string[], specs: readonly FlagSpec[], positional?: PositionalSpec): Parsed {
  const all = [...specs, HELP];
  const names = all.map((s) => s.name);
  // Pre-scan for what util.parseArgs reports less helpfully: unknown names (did you mean), values on booleans.
  for (const a of argv) {
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-' || /^-\d/.test(a)) continue;
    const long = a.startsWith('--');
    const name = long ? a.slice(2).split('=', 1)[0]! : a.slice(1, 2);
    const spec = long ? all.find((s) => s.name === name) : all.find((s) => s.short === name);
    if (spec === undefined) throw new UsageError(`${command}: unknown flag ${a.split('=', 1)[0]}${didYouMean(name, names, '--')}; valid flags: ${names.map((n) => `--${n}`).join(', ')} (see 'vmapcheck ${command} --help')`);
    if (spec.kind === 'bool' && a.includes('=')) throw new UsageError(`${command}: --${name} is a switch and takes no value (give '--${name}' or leave it out), not '${a}'`);
  }
  let raw: ReturnType<typeof nodeParseArgs>;
  try {
    raw = nodeParseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(all.map((s) => [s.name, { type: s.kind === 'bool' ? 'boolean' : 'string', multiple: s.kind === 'list', ...(s.short ? { short: s.short } : {}) }])),
    } as Parameters<typeof nodeParseArgs>[0]);
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.split('\n')[0]} (see 'vmapcheck ${command} --help')`);
  }
  const flags: Record<string, string | number | boolean | string[]> = {};
  for (const [name, value] of Object.entries(raw.values)) {
    const spec = all.find((s) => s.name === name)!;
    flags[name] = convert(command, spec, value as string | boolean | string[]);
  }
  const pos = raw.positionals;
  if (flags.help !== true) {
    const p = positional ?? { name: '', min: 0, max: 0 };
    if (pos.length > p.max) throw new UsageError(p.max === 0 ? `${command}: unexpected argument '${pos[0]}': this command takes flags only (see 'vmapcheck ${command} --help')` : `${command}: too many arguments (${pos.length}); at most ${p.max} ${p.name}`);
    if (pos.length < p.min) throw new UsageError(`${command}: missing ${p.name} (see 'vmapcheck ${command} --help')`);
  }
  return { flags, positional: pos };
}

function convert(command: string, spec: FlagSpec, value: string | boolean | string[]): string | number | boolean | string[] {
  const flag = `--${spec.name}`;
  switch (spec.kind) {
    case 'bool':
      return value as boolean;
    case 'string':
      if (value === '') throw new UsageError(`${command}: ${flag} is empty; give a value (${spec.help}) or leave the flag out`);
      return value as string;
    case 'list': {
      const items = (value as string[]).flatMap((v) => v.split(','));
      if (items.some((x) => x.trim() === '')) throw new UsageError(`${command}: ${flag} has an empty value ('${(value as string[]).join(',')}'); an unset variable would select nothing. Give names (${spec.help}) or leave the flag out`);
      return items.map((x) => x.trim());
    }
    case 'int':
    case 'seed': {
      const s = value as string;
      const min = spec.kind === 'seed' ? 0 : (spec.min ?? 0);
      const max = spec.kind === 'seed' ? MAX_SEED : (spec.max ?? Number.MAX_SAFE_INTEGER);
      const n = /^\d+$/.test(s) ? Number(s) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
        const why = spec.kind === 'seed' ? ' (fast-check seeds are 32-bit)' : '';
        throw new UsageError(`${command}: ${flag} must be ${range}${why}, not '${s}'`);
      }
      return n;
    }
  }
}

/** Usage text of a command's flags. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const rows = [...specs, HELP].map((s) => [`${s.short ? `-${s.short}, ` : ''}--${s.name}${s.kind === 'bool' ? '' : ` <${s.kind === 'list' ? 'a,b,…' : s.kind === 'seed' || s.kind === 'int' ? 'n' : 'value'}>`}`, s.help] as const);
  const w = Math.max(...rows.map((r) => r[0].length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`).join('\n');
}
