/**
 * Writes BENCHMARKS.md from the scripts in bench/ (`npm run bench:md`): runs each bench in
 * turn, one after another in this process's run (so every median and ratio in the file comes
 * from the same machine state and commit), and quotes beside each figure the machine (CPU
 * model, cores, node), the exact command, the date and the duration. A bench's figures are
 * taken from its `BENCH_JSON` last line (bench/emit.ts) when it prints one; otherwise its
 * whole output is quoted. A bench that is not on this branch is listed as skipped.
 *
 * Run: npx tsx bench/benchmarks_md.ts [--small] [--only engine,flush_counts] [--out BENCHMARKS.md]
 *   --small  small budgets, to prove the pipeline (figures are then not the published ones)
 *   --only   rerun these benches and keep every other bench's section of the existing file as it
 *            was (each section keeps its own machine, commit, load and date lines)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { JSON_PREFIX, type Figure, type Table } from './emit';
import { BENCHES, type BenchEntry } from './benches_list';

/** Parsed command line. */
interface Opts {
  small: boolean;
  only: string[] | null;
  out: string;
}

function parse(argv: readonly string[]): Opts {
  const o: Opts = { small: false, only: null, out: 'BENCHMARKS.md' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--small') o.small = true;
    else if (a === '--only' || a === '--out') {
      const v = argv[++i];
      if (v === undefined || v === '') fail(`${a} needs a value (e.g. ${a === '--only' ? '--only engine,flush_counts' : '--out BENCHMARKS.md'})`);
      if (a === '--only') o.only = v.split(',');
      else o.out = v;
    } else fail(`unknown flag '${a}' (flags: --small, --only a,b, --out FILE)`);
  }
  const names = BENCHES.map((b) => b.name);
  for (const n of o.only ?? []) if (!names.includes(n)) fail(`unknown bench '${n}' in --only (benches: ${names.join(', ')})`);
  return o;
}

function fail(msg: string): never {
  console.error(`bench:md: ${msg}`);
  process.exit(2);
}

/** What one bench run produced. */
interface Outcome {
  readonly entry: BenchEntry;
  readonly command: string;
  readonly started: string;
  readonly seconds: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly json: { figures: Figure[]; tables: Table[]; notes: string[] } | null;
}

function runBench(e: BenchEntry, small: boolean): Outcome {
  const args = small ? e.small : e.full;
  const env = { ...process.env, ...(small ? e.smallEnv : e.env), ...(small ? { BENCH_SMALL: '1' } : {}) };
  const envText = Object.entries(small ? (e.smallEnv ?? {}) : (e.env ?? {})).map(([k, v]) => `${k}=${v} `).join('');
  const command = `${envText}npx tsx ${e.file}${args.length ? ' ' + args.join(' ') : ''}`;
  const started = new Date().toISOString();
  const t0 = performance.now();
  console.error(`bench:md: ${command}`);
  const r = spawnSync('npx', ['tsx', e.file, ...args], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const stdout = r.stdout ?? '';
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(JSON_PREFIX));
  let json: Outcome['json'] = null;
  if (line !== undefined) {
    try {
      json = JSON.parse(line.slice(JSON_PREFIX.length));
    } catch {
      json = null;
    }
  }
  return { entry: e, command, started, seconds: (performance.now() - t0) / 1000, status: r.status, stdout, stderr: r.stderr ?? '', json };
}

const mdTable = (rows: readonly (readonly (string | number)[])[]): string =>
  [rows[0]!, rows[0]!.map(() => '---'), ...rows.slice(1)].map((r) => `| ${r.join(' | ')} |`).join('\n');

function section(o: Outcome, machine: string): string {
  const out: string[] = [`## ${o.entry.title}`, '', o.entry.answers, ''];
  out.push(`- command: \`${o.command}\``, `- machine: ${machine}`, `- date: ${o.started}, ${o.seconds.toFixed(1)} s, exit ${o.status}`, '');
  if (o.json !== null) {
    if (o.json.figures.length > 0) out.push(mdTable([['figure', 'value', 'unit', 'note'], ...o.json.figures.map((f) => [f.name, f.value, f.unit ?? '', f.note ?? ''])]), '');
    for (const t of o.json.tables) out.push(`**${t.title}**`, '', mdTable(t.rows), '');
    for (const n of o.json.notes) out.push(`- ${n}`);
    if (o.json.notes.length > 0) out.push('');
  }
  const text = o.stdout.split('\n').filter((l) => !l.startsWith(JSON_PREFIX)).join('\n').trimEnd();
  out.push(o.json === null ? 'Output (the bench prints no BENCH_JSON block):' : 'Output:', '', '```', text, '```', '');
  if (o.status !== 0) out.push('stderr (last 20 lines):', '', '```', o.stderr.trimEnd().split('\n').slice(-20).join('\n'), '```', '');
  return out.join('\n');
}

const opts = parse(process.argv.slice(2));
const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const machine = `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Linux ${release()}, node ${process.version}, commit ${commit}`;
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
const head = [
  '# Benchmarks',
  '',
  `Generated by \`npm run bench:md\` (bench/benchmarks_md.ts) on ${new Date().toISOString()}${opts.small ? ' with **--small budgets: these are pipeline checks, not the published figures**' : ''}.`,
  `Machine: ${machine}; load average at start ${load}. ${opts.only === null ? 'Every bench ran once, one after another, in this invocation.' : `This invocation reran ${opts.only.join(', ')}; each other section keeps the machine, commit and date it was measured with.`}`,
  '',
];
/** The sections of an earlier BENCHMARKS.md by title, so `--only` replaces just its own benches. */
function earlierSections(file: string): Map<string, string> {
  const kept = new Map<string, string>();
  if (!existsSync(file)) return kept;
  const parts = readFileSync(file, 'utf8').split(/^(?=## )/m);
  for (const p of parts.slice(1)) kept.set(p.slice(3, p.indexOf('\n')).trim(), p.trimEnd() + '\n');
  return kept;
}

const earlier = opts.only === null ? new Map<string, string>() : earlierSections(opts.out);
const body: string[] = [];
const skipped: string[] = [];
for (const e of BENCHES) {
  if (opts.only !== null && !opts.only.includes(e.name)) {
    const old = earlier.get(e.title);
    if (old !== undefined) body.push(old);
    continue;
  }
  if (!existsSync(e.file)) {
    skipped.push(`- ${e.title} (\`${e.file}\`): not on this branch${e.owner ? ` (written by ${e.owner})` : ''}; rerun \`npm run bench:md\` after merging it.`);
    continue;
  }
  body.push(section(runBench(e, opts.small), machine));
}
const tail = skipped.length > 0 ? ['## Skipped', '', ...skipped, ''] : [];
writeFileSync(opts.out, [...head, ...body, ...tail].join('\n'));
console.error(`bench:md: wrote ${opts.out} (${body.length} bench(es), ${skipped.length} skipped)`);
