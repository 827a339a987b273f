/**
 * vmapcheck: property-based verification and model checking of the 2008 vmap layer.
 * `vmapcheck --help` lists the subcommands (cli/commands.ts); `vmapcheck CMD --help` shows a
 * subcommand's flags and examples. Exit codes are in cli/exit.ts (and README "Exit codes").
 */
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CounterexampleError } from '../counterexamples/format';
import { ConfigError } from '../model/config/validate';
import { ResultsError } from '../reports/results';
import { ReportWriteError } from '../reports/write';
import { flagHelp, parseArgs } from './args';
import type { Command } from './command';
import { COMMANDS } from './commands';
import { EXIT, EXIT_HELP, UsageError } from './exit';
import { didYouMean } from './suggest';

/** The package version (package.json next to cli/). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Top-level help. */
export function usage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: vmapcheck <command> [flags]      (npx vmapcheck …, npm run vmapcheck -- …)',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    "'vmapcheck <command> --help' shows a command's flags and examples; 'vmapcheck --version' the version.",
    '',
    EXIT_HELP,
  ].join('\n');
}

/** Help of one command. */
export function commandHelp(c: Command): string {
  return [`usage: vmapcheck ${c.name} ${c.synopsis}`, '', c.summary, '', 'flags:', flagHelp(c.flags), '', 'examples:', ...c.examples.map(([cmd, what]) => `  ${cmd}\n      ${what}`), '', EXIT_HELP].join('\n');
}

/** Parse and run; returns the exit code, or its promise for a parallel run (usage errors are thrown). */
export function main(argv: readonly string[]): number | Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage() + '\n');
    return EXIT.USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const c = COMMANDS.find((x) => x.name === rest[0]);
    console.log(c ? commandHelp(c) : usage());
    return EXIT.OK;
  }
  if (name === '--version' || name === '-V') {
    console.log(version());
    return EXIT.OK;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  const names = COMMANDS.map((c) => c.name);
  if (cmd === undefined) throw new UsageError(`unknown command '${name}'${didYouMean(name, names)}; commands: ${names.join(', ')} (see 'vmapcheck --help')`);
  const parsed = parseArgs(cmd.name, rest, cmd.flags, cmd.positional);
  if (parsed.flags.help === true) {
    console.log(commandHelp(cmd));
    return EXIT.OK;
  }
  return cmd.run(parsed);
}

/** Map an error to its exit code, printing it (a stack only for our own bugs). */
export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError || e instanceof CounterexampleError || e instanceof ConfigError || e instanceof ResultsError || e instanceof ReportWriteError) {
    const m = (e as Error).message;
    process.stderr.write(`vmapcheck: ${m.startsWith('vmapcheck') ? m.replace(/^vmapcheck:\s*/, '') : m}\n`);
    return EXIT.USAGE;
  }
  process.stderr.write(`vmapcheck: internal error; this is a bug in vmapcheck, please report it with the command line and this output:\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return EXIT.INTERNAL;
}

/** Run the command line of this process and set its exit code (bin/vmapcheck.mjs calls this). */
export async function cli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (e) {
    process.exitCode = exitCodeOf(e);
  }
}

// Run when executed directly (`tsx cli/main.ts …`), not when imported by the launcher or a test.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) void cli();
