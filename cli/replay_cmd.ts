/**
 * `vmapcheck replay FILE…`: replay counterexamples exactly, in one process (the corpus in
 * seconds, not one process per file). One file: its per-CPU trace and verdict. Several: a
 * summary table; one file also prints its violation as a kernel splat (reports/splat.ts). `--on VARIANT` replays files recorded on one variant against another (a
 * fix variant such as 'rewrite-v2+F3': does the fix remove the failure?). A file that does
 * not reproduce shows where the new run departs from the recorded trace. Invalid files are
 * rejected (exit 2) and named; the others are still replayed.
 */
import { replayPath, type Replay } from '../counterexamples/replay';
import { CounterexampleError } from '../counterexamples/format';
import { violationLine } from '../model/engine/violation';
import { counterexampleSplat } from '../reports/splat';
import { traceLines } from '../reports/trace_text';
import type { Parsed } from './args';
import { humanLog, type Command } from './command';
import { EXIT, UsageError } from './exit';
import { pickVariants } from './select';

/** The departure lines of a replay that did not reproduce. */
export function departureLines(r: Replay): string[] {
  const d = r.departure;
  if (d === null) return ['the new trace is identical to the recorded one (the property check itself changed?)'];
  return [`the replay departs from the recorded trace at line ${d.line + 1}:`, `  recorded: ${d.recorded ?? '(recorded trace ended)'}`, `  now:      ${d.now ?? '(new trace ended)'}`];
}

function runReplay({ flags, positional }: Parsed): number {
  const json = flags.json === true;
  const log = humanLog(json);
  const on = flags.on as string | undefined;
  if (on !== undefined) pickVariants('replay', [on]);
  const single = positional.length === 1;
  const rows: { file: string; variant: string; property: string; verdict: 'reproduced' | 'NOT reproduced' | 'invalid'; steps: number; ms: number; detail: string }[] = [];
  for (const path of positional) {
    const t0 = performance.now();
    let r: Replay;
    try {
      r = replayPath(path, on !== undefined ? { on } : {});
    } catch (e) {
      if (!(e instanceof CounterexampleError)) throw e;
      rows.push({ file: path, variant: on ?? '?', property: '?', verdict: 'invalid', steps: 0, ms: performance.now() - t0, detail: e.message });
      if (single) throw new UsageError(`replay: ${e.message}`);
      log(`replay: ${e.message}`);
      continue;
    }
    const ce = r.file;
    const verdict = r.reproduced ? 'reproduced' : 'NOT reproduced';
    rows.push({ file: path, variant: r.variant, property: ce.property, verdict, steps: r.outcome.result.steps, ms: performance.now() - t0, detail: r.reproduced ? '' : departureLines(r).join(' ') });
    if (single) {
      log(`${path}: ${ce.variant} / ${ce.campaign} (${ce.config.layout}, ${ce.config.cpus} CPUs), property ${ce.property}${on !== undefined ? `, replayed on ${r.variant}` : ''}`);
      if (ce.finding) log(`finding ${ce.finding}: ${ce.explanation ?? ''}`);
      if (flags.quiet !== true) for (const l of traceLines(r.outcome.result.world)) log(l);
      for (const v of r.outcome.violations) log(violationLine(v));
      const splat = counterexampleSplat(r.outcome.result.world, r.outcome.violations, ce, r.variant);
      if (splat !== null) for (const l of splat) log(l);
      log(r.reproduced ? `reproduced: ${ce.property} broke again on ${r.variant} (${r.outcome.result.steps} steps)` : `NOT reproduced: ${ce.property} held on ${r.variant}`);
      if (!r.reproduced) for (const l of departureLines(r)) log(l);
    } else if (!r.reproduced) log(`${path}: NOT reproduced on ${r.variant}; ${departureLines(r).join(' ')}`);
  }
  if (!single) {
    const w = Math.max(4, ...rows.map((x) => x.file.length));
    log(`${'file'.padEnd(w)}  ${'variant'.padEnd(12)}  ${'property'.padEnd(30)}  verdict          steps      ms`);
    for (const x of rows) log(`${x.file.padEnd(w)}  ${x.variant.padEnd(12)}  ${x.property.padEnd(30)}  ${x.verdict.padEnd(15)}  ${String(x.steps).padStart(6)}  ${x.ms.toFixed(0).padStart(6)}`);
    const n = (v: string): number => rows.filter((x) => x.verdict === v).length;
    log(`replay: ${rows.length} file(s): ${n('reproduced')} reproduced, ${n('NOT reproduced')} not reproduced, ${n('invalid')} invalid`);
  }
  const code = rows.some((x) => x.verdict === 'invalid') ? EXIT.USAGE : rows.some((x) => x.verdict === 'NOT reproduced') ? EXIT.FINDING : EXIT.OK;
  if (json) process.stdout.write(JSON.stringify({ exitCode: code, files: rows.map((x) => ({ ...x, ms: Math.round(x.ms) })) }, null, 2) + '\n');
  return code;
}

/** `vmapcheck replay`. */
export const REPLAY: Command = {
  name: 'replay',
  summary: 'replay counterexample files exactly (many in one process); exit 0 when all still break their property',
  synopsis: 'FILE… [--on VARIANT] [--quiet] [--json]',
  flags: [
    { name: 'on', kind: 'string', help: "replay on this variant instead of the recorded one (e.g. 'rewrite-v2+F3')" },
    { name: 'quiet', kind: 'bool', short: 'q', help: 'one file: no trace, just the verdict' },
    { name: 'json', kind: 'bool', help: 'machine-readable verdicts on stdout' },
  ],
  positional: { name: 'counterexample file(s)', min: 1, max: Infinity },
  examples: [
    ['npx vmapcheck replay counterexamples/rewrite-v2.tiny-1cpu.F1.json', 'one file, with its per-CPU trace'],
    ['npx vmapcheck replay counterexamples/*.json', 'the whole corpus, summary table'],
    ['npx vmapcheck replay counterexamples/rewrite-v2.*.json --on irqsafe', 'recorded on rewrite-v2, replayed on irqsafe'],
  ],
  run: runReplay,
};
