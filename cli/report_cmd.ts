/**
 * `vmapcheck report RESULT.json… --out DIR`: rebuild every report (HTML, JUnit, Markdown,
 * JSON) from a results file an audit wrote, or `--merge` several (CI shards, one job per
 * variant) into one set. The results are validated (reports/results.ts) before anything
 * is written; the exit code is the merged audit's verdict (0 ok, 1 failures).
 */
import { mergeResults, readResults } from '../reports/results';
import { terminalSummary, writeReports } from '../reports/index';
import type { Parsed } from './args';
import { humanLog, type Command } from './command';
import { EXIT, UsageError } from './exit';
import { prepareOutDir } from './out_dir';

function runReport({ flags, positional }: Parsed): number {
  const log = humanLog(false);
  if (positional.length > 1 && flags.merge !== true) throw new UsageError(`report: ${positional.length} results files given; add --merge to combine them into one report`);
  const out = prepareOutDir('report', (flags.out as string | undefined) ?? 'out');
  const results = positional.map(readResults);
  const r = results.length === 1 ? results[0]! : mergeResults(results);
  if (flags.quiet !== true) log(terminalSummary(r, out));
  log(`reports: ${writeReports(r, out).join(', ')}`);
  return r.ok ? EXIT.OK : EXIT.FINDING;
}

/** `vmapcheck report`. */
export const REPORT: Command = {
  name: 'report',
  summary: 'rebuild the reports from a result.json, or --merge several (shards, per-variant jobs) into one',
  synopsis: 'RESULT.json… [--merge] [--out DIR] [--quiet]',
  flags: [
    { name: 'merge', kind: 'bool', help: 'combine several results files (disjoint variants or campaigns)' },
    { name: 'out', kind: 'string', help: 'report folder (default: out)' },
    { name: 'quiet', kind: 'bool', short: 'q', help: 'do not print the terminal summary' },
  ],
  positional: { name: 'results file(s)', min: 1, max: Infinity },
  examples: [
    ['npx vmapcheck report out/result.json --out out/again', 'rebuild the HTML etc. from a saved result'],
    ['npx vmapcheck report --merge a/result.json b/result.json --out merged', 'one report from two CI jobs'],
  ],
  run: runReport,
};
