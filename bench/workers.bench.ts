/**
 * `--workers 1` against `--workers 2`, as a CI job runs them: each run a fresh process
 * (`bin/vmapcheck.mjs`, so neither side inherits the other's warmed-up JIT), the two worker
 * counts alternated pair by pair so a shared machine slows both alike, and the speed-up the
 * median of the per-pair ratios. Two selections:
 *
 *  - `tiny`: every variant under the tiny campaigns, `--budget B`, no irq audit (no consumers:
 *    a partial selection does not audit them);
 *  - `audit`: the default `audit` (every variant, campaign, irq cell and consumer): the CI job.
 *
 * Each run also reports the CPU it used (user + system, every thread) over its wall time:
 * a one-worker run already keeps more than one core busy, because V8 compiles and marks on
 * background threads, and that bounds what a second worker can add on two cores.
 *
 * Run: npx tsx bench/workers.bench.ts [budget=300] [pairs=3] [selections=tiny,audit]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAMPAIGNS } from '../explore/campaigns';
import { VARIANTS } from '../model/variants/registry';
import { machineLine } from './bench_util';
import { emitJson, median, type Figure } from './emit';

const budget = Number(process.argv[2] ?? 300);
const pairs = Number(process.argv[3] ?? 3);
const selections = (process.argv[4] ?? 'tiny,audit').split(',');
if (!Number.isInteger(budget) || budget < 1 || !Number.isInteger(pairs) || pairs < 1) throw new Error('usage: workers.bench.ts [budget >= 1] [pairs >= 1] [tiny,audit]');
const tiny = CAMPAIGNS.filter((c) => c.layout.startsWith('tiny')).map((c) => c.name);
const ARGS: Record<string, readonly string[]> = {
  tiny: ['check', '--campaign', tiny.join(','), '--budget', String(budget), '--no-irq', '--hunt', '0'],
  audit: ['audit'],
};
const dir = mkdtempSync(join(tmpdir(), 'vmapcheck-bench-workers-'));

/** One run in a fresh process: wall seconds, runs done, CPU seconds (all threads). */
interface Sample {
  readonly wall: number;
  readonly runs: number;
  readonly cpu: number;
}

/** Run `vmapcheck <args> --workers w` once and measure it. */
function once(sel: string, w: number, i: number): Sample {
  const out = join(dir, `${sel}-w${w}-${i}`);
  const argv = ['--import', 'tsx', join(import.meta.dirname, 'workers_child.ts'), ...ARGS[sel]!, '--workers', String(w), '--quiet', '--json', '--out', out];
  const t0 = performance.now();
  const p = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wall = (performance.now() - t0) / 1000;
  if (p.status !== 0 && p.status !== 1) throw new Error(`${sel} --workers ${w} exited ${p.status}: ${p.stderr.slice(-2000)}`);
  const summary = JSON.parse(p.stdout.slice(p.stdout.indexOf('{'), p.stdout.lastIndexOf('}') + 1)) as { checked: { runs: number } };
  const cpu = JSON.parse(readFileSync(join(out, 'cpu.json'), 'utf8')) as { cpu: number };
  return { wall, runs: summary.checked.runs, cpu: cpu.cpu };
}

console.log(`vmapcheck --workers bench (${machineLine()})`);
const figures: Figure[] = [];
const rows: (string | number)[][] = [['selection', 'runs', 'w1 s (median)', 'w2 s (median)', 'w1 runs/s', 'w2 runs/s', 'speed-up (median of pairs)', 'w1 cores busy', 'w2 cores busy']];
for (const sel of selections) {
  if (ARGS[sel] === undefined) throw new Error(`unknown selection ${sel}: use tiny or audit`);
  const one: Sample[] = [];
  const two: Sample[] = [];
  for (let i = 0; i < pairs; i++) {
    // Alternate which goes first, so a drifting load does not favour one side.
    const order = i % 2 === 0 ? [1, 2] : [2, 1];
    for (const w of order) {
      const s = once(sel, w, i);
      (w === 1 ? one : two).push(s);
      console.log(`  ${sel} --workers ${w} pair ${i + 1}: ${s.runs} runs in ${s.wall.toFixed(1)} s (${(s.runs / s.wall).toFixed(0)} runs/s), ${(s.cpu / s.wall).toFixed(2)} cores busy`);
    }
  }
  const speedup = median(one.map((a, i) => a.wall / two[i]!.wall));
  const w1 = median(one.map((s) => s.wall));
  const w2 = median(two.map((s) => s.wall));
  const runs = one[0]!.runs;
  const busy = (xs: Sample[]): number => median(xs.map((s) => s.cpu / s.wall));
  rows.push([sel, runs, w1.toFixed(1), w2.toFixed(1), (runs / w1).toFixed(0), (runs / w2).toFixed(0), `${speedup.toFixed(2)}x`, busy(one).toFixed(2), busy(two).toFixed(2)]);
  console.log(`${sel}: ${runs} runs (${VARIANTS.length} bases${sel === 'tiny' ? ` x ${tiny.length} tiny campaigns x ${budget}` : ', every campaign, irq audit and consumer'}): --workers 2 / --workers 1 = ${speedup.toFixed(2)}x (median of ${pairs} pairs)`);
  figures.push({ name: `${sel}: --workers 1`, value: Math.round(runs / w1), unit: 'runs/s' }, { name: `${sel}: --workers 2`, value: Math.round(runs / w2), unit: 'runs/s' }, { name: `${sel}: speed-up`, value: Number(speedup.toFixed(2)), unit: 'x', note: `median of ${pairs} alternating pairs, fresh process each` });
  figures.push({ name: `${sel}: cores busy at --workers 1`, value: Number(busy(one).toFixed(2)), note: 'CPU time of every thread over wall time' });
}
console.log(rows.map((r) => r.join(' | ')).join('\n'));
emitJson('workers', figures, [{ title: '--workers 1 against --workers 2', rows }], [`budget ${budget} for tiny; ${pairs} pairs; output in ${dir}`]);
