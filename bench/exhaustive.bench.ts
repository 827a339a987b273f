/**
 * Exhaustive-exploration benchmark (a script, not a test). For every scenarios/*.vmc file,
 * on its first variant, at preemption bound 2 (or the file's, when lower): executions/s,
 * time to finish, coverage, the DPOR reduction factor against the naive enumeration within
 * the same bound (naive runs / DPOR runs; naive is given the same execution budget), and the
 * verdict on each expectation. Then F8 (the lazy-counter race) with the bound raised until
 * the exploration is `complete`, compared with SPIN on bench/f8_lazy_nr.pml when `spin` and
 * a C compiler are installed.
 * Run with `npx tsx bench/exhaustive.bench.ts [bound] [budget] [files...]` (F8_LIMIT_S=120: time
 * limit of the F8-to-complete search; `-` as the only file skips the table).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { variantByName } from '../model/variants/registry';
import { checkBounded, type BoundedResult } from '../explore/exhaustive/bounded';
import { parseScenarioFile, type ScenarioFile } from '../explore/scenario_file/parse';
import { verdictText } from '../explore/exhaustive/verdicts';

const BOUND = Number(process.argv[2] ?? 2);
const BUDGET = Number(process.argv[3] ?? 50_000);
const F8_LIMIT_MS = Number(process.env.F8_LIMIT_S ?? 120) * 1000;
const FILES = process.argv.length > 4 ? process.argv.slice(4) : readdirSync('scenarios').filter((f) => f.endsWith('.vmc')).sort().map((f) => `scenarios/${f}`);

function check(f: ScenarioFile, bound: number, reduction: 'dpor' | 'none', budget = BUDGET, stop?: () => boolean): BoundedResult {
  return checkBounded({
    ...(stop ? { stop } : {}),
    variant: variantByName(f.variants[0]!),
    layout: f.layout,
    cpus: f.cpus,
    programs: f.programs,
    ...(f.irq ? { irq: f.irq } : {}),
    fills: f.fills,
    preemptions: bound,
    maxCallSteps: f.callSteps,
    budget,
    reduction,
  });
}

const rate = (r: BoundedResult): string => ((r.totalExecutions / Math.max(r.ms, 1)) * 1000).toFixed(0);

console.log(`exhaustive exploration at preemption bound <= ${BOUND}, budget ${BUDGET} executions (node ${process.version})`);
console.log('file | variant | bound | DPOR runs | exec/s | time | naive runs | reduction | coverage | expectations');
for (const path of FILES.filter((x) => x !== '-')) {
  const f = parseScenarioFile(readFileSync(path, 'utf8'), path);
  const bound = Math.min(BOUND, f.preemptions);
  const d = check(f, bound, 'dpor');
  const n = check(f, bound, 'none');
  const exp = f.expectations
    .filter((e) => e.on === null || e.on.includes(f.variants[0]!))
    .map((e) => `${e.mode} ${e.property}: ${verdictText(d.tally.verdict(e.property))}`)
    .join('; ');
  const naive = n.last.budgetHit ? `>${n.totalExecutions}` : `${n.totalExecutions}`;
  console.log(`${path} | ${f.variants[0]} | ${d.bound} | ${d.totalExecutions} | ${rate(d)} | ${(d.ms / 1000).toFixed(2)} s | ${naive} | x${(n.totalExecutions / d.totalExecutions).toFixed(2)} | ${d.coverage} | ${exp}`);
}

// F8 to `complete`: raise the preemption bound until no alternative is cut by it.
const f8 = parseScenarioFile(readFileSync('scenarios/F8_lazy_nr.vmc', 'utf8'), 'scenarios/F8_lazy_nr.vmc');
const t0 = performance.now();
let done: BoundedResult | null = null;
for (let p = 0; p <= 12 && performance.now() - t0 < F8_LIMIT_MS; p++) {
  const r = check(f8, p, 'dpor', 2_000_000, () => performance.now() - t0 > F8_LIMIT_MS);
  console.log(`F8 on ${f8.variants[0]} at bound ${p}: ${r.coverage}; ${r.last.executions} executions in ${(r.ms / 1000).toFixed(2)} s (${rate(r)} exec/s); no_bug: ${verdictText(r.tally.verdict('no_bug'))}`);
  if (r.exhaustive) {
    done = r;
    break;
  }
}
console.log(done ? `F8 full-fidelity port: complete at preemption bound ${done.bound}, ${done.last.executions} executions, ${(done.ms / 1000).toFixed(2)} s for that pass` : `F8 full-fidelity port: not complete within bound 12 / ${F8_LIMIT_MS / 1000} s`);

try {
  const dir = mkdtempSync(join(tmpdir(), 'spin-f8-'));
  copyFileSync('bench/f8_lazy_nr.pml', join(dir, 'f8.pml'));
  execFileSync('spin', ['-a', 'f8.pml'], { cwd: dir });
  execFileSync('cc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir });
  const s0 = performance.now();
  let out = '';
  try {
    out = execFileSync('./pan', ['-E', '-c0'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? '');
  }
  const ms = performance.now() - s0;
  const states = /(\d+) states, stored/.exec(out)?.[1];
  const errors = /errors: (\d+)/.exec(out)?.[1];
  console.log(`SPIN on bench/f8_lazy_nr.pml (hand abstraction): ${states} states stored, ${errors} assertion violation(s), ${(ms / 1000).toFixed(3)} s wall (pan run, full state space with -c0)`);
} catch (e) {
  console.log(`SPIN comparison skipped: ${(e as Error).message.split('\n')[0]} (apt-get install spin gcc)`);
}
