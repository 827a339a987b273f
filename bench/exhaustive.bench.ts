/**
 * Exhaustive-exploration benchmark (a script, not a test). For every scenarios/*.vmc file, on
 * both sides — the first variant an `expect sometimes` line names (the defect) and the first an
 * `expect never` line names (its fix, or -fixed) — at preemption bound 2 (argument 1; the
 * file's own bound is ignored so every file is measured at the same bound): executions,
 * executions abandoned by sleep sets, alternatives pruned by DPOR, runs/s, time to finish,
 * coverage, the DPOR reduction factor against naive enumeration within the same bound (naive
 * runs / DPOR runs, naive given the same budget; NAIVE=0 skips it) and the verdict on each
 * expectation of that side. Then F8 (the lazy-counter race): time to the first witness, the
 * bound raised until the exploration is `complete` (F8_LIMIT_S, default 120 s), and SPIN on
 * bench/f8_lazy_nr.pml when `spin` and a C compiler are installed (optional: no test needs it).
 * Run with `npx tsx bench/exhaustive.bench.ts [bound] [budget] [files...]` (`-` as the only
 * file skips the table).
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
const NAIVE = process.env.NAIVE !== '0';
const F8_LIMIT_MS = Number(process.env.F8_LIMIT_S ?? 120) * 1000;
const FILES = process.argv.length > 4 ? process.argv.slice(4) : readdirSync('scenarios').filter((f) => f.endsWith('.vmc')).sort().map((f) => `scenarios/${f}`);

function check(f: ScenarioFile, variant: string, bound: number, reduction: 'dpor' | 'none', budget = BUDGET, stop?: () => boolean): BoundedResult {
  return checkBounded({
    ...(stop ? { stop } : {}),
    variant: variantByName(variant),
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
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** The two sides of a file: [label, variant] for the first `sometimes` and the first `never` variant. */
function sides(f: ScenarioFile): [string, string][] {
  const first = (mode: 'never' | 'sometimes'): string | undefined => {
    const e = f.expectations.find((x) => x.mode === mode);
    return e === undefined ? undefined : (e.on ?? f.variants)[0];
  };
  const out: [string, string][] = [];
  const s = first('sometimes');
  const n = first('never');
  if (s !== undefined) out.push(['defect', s]);
  if (n !== undefined) out.push(['fixed', n]);
  return out;
}

console.log(`exhaustive exploration at preemption bound ${BOUND}, budget ${BUDGET} executions (node ${process.version})`);
console.log('file | side | variant | executions | sleep-set blocked | DPOR-pruned alternatives | runs | runs/s | time | naive runs | reduction | coverage | expectations');
for (const path of FILES.filter((x) => x !== '-')) {
  const f = parseScenarioFile(readFileSync(path, 'utf8'), path);
  for (const [side, v] of sides(f)) {
    const d = check(f, v, BOUND, 'dpor');
    const n = NAIVE ? check(f, v, BOUND, 'none') : null;
    const exp = f.expectations
      .filter((e) => e.on === null || e.on.includes(v))
      .map((e) => `${e.mode} ${e.property}: ${verdictText(d.tally.verdict(e.property))}`)
      .join('; ');
    const naive = n === null ? '-' : n.last.budgetHit ? `>${n.totalExecutions}` : `${n.totalExecutions}`;
    const red = n === null ? '-' : `x${(n.totalExecutions / d.totalExecutions).toFixed(2)}`;
    const s = d.last;
    console.log(`${path} | ${side} | ${v} | ${s.executions} | ${s.sleepBlocked} | ${s.dporPruned} | ${d.totalExecutions} | ${rate(d)} | ${secs(d.ms)} | ${naive} | ${red} | ${d.coverage} | ${exp}`);
  }
}

// F8, the lazy-counter race, on the full-fidelity port.
const f8 = parseScenarioFile(readFileSync('scenarios/F8_lazy_nr.vmc', 'utf8'), 'scenarios/F8_lazy_nr.vmc');
const f8v = f8.variants[0]!;
{
  let seen = false;
  const seenRef: { t: { seen(p: string): boolean } | null } = { t: null };
  const r = checkBounded({ variant: variantByName(f8v), layout: f8.layout, cpus: f8.cpus, programs: f8.programs, fills: 0, preemptions: 12, maxCallSteps: f8.callSteps, budget: 2_000_000, onTally: (t) => (seenRef.t = t), stop: () => (seen = seenRef.t?.seen('no_bug') ?? false) });
  console.log(`F8 on ${f8v}: first BUG_ON witness after ${r.totalExecutions} runs, ${secs(r.ms)} (found at preemption bound ${r.bound}; ${seen ? 'seen' : 'not seen'})`);
}
const t0 = performance.now();
let done: BoundedResult | null = null;
for (let p = 0; p <= 12 && performance.now() - t0 < F8_LIMIT_MS; p++) {
  const r = check(f8, f8v, p, 'dpor', 2_000_000, () => performance.now() - t0 > F8_LIMIT_MS);
  console.log(`F8 on ${f8v} at bound ${p}: ${r.coverage}; ${r.last.executions} executions in ${secs(r.ms)} (${rate(r)} runs/s); no_bug: ${verdictText(r.tally.verdict('no_bug'))}`);
  if (r.exhaustive) {
    done = r;
    break;
  }
}
console.log(done ? `F8 full-fidelity port: complete (no bound cuts) at preemption bound ${done.bound}, ${done.last.executions} executions, ${secs(done.ms)} for that pass` : `F8 full-fidelity port: not complete (without a preemption bound) within bound 12 / ${F8_LIMIT_MS / 1000} s`);

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
  const transitions = /(\d+) transitions/.exec(out)?.[1];
  const errors = /errors: (\d+)/.exec(out)?.[1];
  console.log(`SPIN ${execFileSync('spin', ['-V'], { encoding: 'utf8' }).trim()} on bench/f8_lazy_nr.pml (hand abstraction): ${states} states stored, ${transitions} transitions, ${errors} assertion violation(s), ${(ms / 1000).toFixed(3)} s wall for the pan run (full state space, -c0; compile not counted)`);
} catch (e) {
  console.log(`SPIN comparison skipped: ${(e as Error).message.split('\n')[0]} (apt-get install spin gcc)`);
}
