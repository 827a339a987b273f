/**
 * The results JSON (out/result.json): read back and validated with a zod schema for
 * `vmapcheck report`, and merged (`report --merge`) from several runs, e.g. one per CI shard
 * or per variant. The schema checks the fields the reports read and lets any other field
 * through, so the audit's result can grow without breaking old readers.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { AuditResult } from '../explore/audit';
import { counterexampleSchema, issuePath } from '../counterexamples/format';
import type { MachineCoverageJSON } from '../model/lifecycles/coverage';
import { VARIANTS } from '../model/variants/registry';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../explore/campaigns';

/** A bad results file: what is wrong and how to fix it. */
export class ResultsError extends Error {}

const cell = z.looseObject({ variant: z.string(), campaign: z.string(), property: z.string(), expected: z.enum(['holds', 'violated']), observed: z.string(), count: z.number() });
const failure = z.looseObject({ variant: z.string(), campaign: z.string(), property: z.string(), kind: z.string(), detail: z.string(), counterexample: counterexampleSchema.optional() });
const machine = z.looseObject({ states: z.record(z.string(), z.number()), transitions: z.record(z.string(), z.number()), uncovered: z.array(z.string()), rejected: z.record(z.string(), z.number()) });

/** The schema of result.json. */
export const resultsSchema = z.looseObject({
  variants: z.array(z.string()),
  campaigns: z.array(z.string()),
  cells: z.array(cell),
  sometimes: z.array(z.looseObject({ variant: z.string(), property: z.string(), reached: z.number() })),
  failures: z.array(failure),
  figures: z.array(z.looseObject({ variant: z.string(), campaign: z.string(), runs: z.number(), steps: z.number(), ms: z.number() })),
  coverage: z.record(z.string(), z.record(z.string(), machine)),
  counterexamples: z.record(z.string(), counterexampleSchema),
  irq: z.array(z.looseObject({ variant: z.string(), call: z.string(), context: z.string(), exercised: z.number(), runs: z.number(), problems: z.record(z.string(), z.string()) })),
  findings: z.array(z.looseObject({ variant: z.string(), campaign: z.string(), finding: z.string(), kind: z.string(), observed: z.string(), counterexample: z.string(), property: z.string() })),
  performance: z.array(z.looseObject({ variant: z.string(), campaign: z.string(), property: z.string(), count: z.number(), message: z.string() })),
  consumers: z.array(z.looseObject({ consumer: z.string(), key: z.string(), violated: z.array(z.string()), expected: z.array(z.string()), messages: z.record(z.string(), z.string()) })),
  ok: z.boolean(),
});

/** Parse a results file's text. */
export function parseResults(text: string, name: string): AuditResult {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ResultsError(`${name}: not valid JSON (${(e as Error).message}); give the result.json an audit wrote`);
  }
  const r = resultsSchema.safeParse(j);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ResultsError(`${name}: ${issuePath(i.path)}: ${i.message}${r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more problem(s))` : ''}; is this a vmapcheck result.json?`);
  }
  return j as AuditResult;
}

/** Read and parse a results file. */
export function readResults(path: string): AuditResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultsError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path`);
  }
  return parseResults(text, path);
}

/** Position of `x` in `primary`, else after it in `secondary`, else after both in `seen` order. */
function rank(primary: readonly string[], x: string, seen: readonly string[], secondary: readonly string[] = []): number {
  const p = primary.indexOf(x);
  if (p >= 0) return p;
  const s = secondary.indexOf(x);
  if (s >= 0) return primary.length + s;
  return primary.length + secondary.length + Math.max(0, seen.indexOf(x));
}

const union = (xs: readonly (readonly string[])[]): string[] => [...new Set(xs.flat())];

/** Sum two coverage records of one machine (same declared states and transitions). */
function addMachine(a: MachineCoverageJSON, b: MachineCoverageJSON): MachineCoverageJSON {
  const sum = (x: Record<string, number>, y: Record<string, number>): Record<string, number> => {
    const out = { ...x };
    for (const [k, v] of Object.entries(y)) out[k] = (out[k] ?? 0) + v;
    return out;
  };
  const transitions = sum(a.transitions, b.transitions);
  return { states: sum(a.states, b.states), transitions, uncovered: Object.keys(transitions).filter((k) => transitions[k] === 0), rejected: sum(a.rejected, b.rejected) };
}

/**
 * Merge results of runs over disjoint parts (variants or campaigns): cells, figures,
 * failures and irq cells are concatenated (a cell seen twice keeps the first), reached
 * counts and coverage are summed, and a sometimes-property reached in any part is no longer
 * an 'unreached' failure.
 */
export function mergeResults(rs: readonly AuditResult[]): AuditResult {
  const key = (...xs: string[]): string => xs.join('\u0000');
  const firstBy = <T>(xs: T[], k: (x: T) => string): T[] => {
    const seen = new Set<string>();
    return xs.filter((x) => (seen.has(k(x)) ? false : (seen.add(k(x)), true)));
  };
  const sometimes = new Map<string, { variant: string; property: string; reached: number }>();
  for (const r of rs) for (const s of r.sometimes) {
    const k = key(s.variant, s.property);
    const e = sometimes.get(k);
    if (e) e.reached += s.reached;
    else sometimes.set(k, { ...s });
  }
  const coverage: AuditResult['coverage'] = {};
  for (const r of rs) for (const [v, machines] of Object.entries(r.coverage)) {
    const dst = (coverage[v] ??= {});
    for (const [m, c] of Object.entries(machines)) dst[m] = dst[m] ? addMachine(dst[m]!, c) : c;
  }
  const reached = (v: string, p: string): boolean => (sometimes.get(key(v, p))?.reached ?? 0) > 0;
  // Canonical order (registry order of variants and campaigns, '*' and irq campaigns after),
  // so merged shards come out in the order of the unsharded run. Sorts are stable.
  const variants = union(rs.map((r) => r.variants));
  const vi = (v: string): number => rank(VARIANTS.map((x) => x.name), v, variants);
  const ci = (c: string): number => (c === '*' ? 1e6 : rank(CAMPAIGNS.map((x) => x.name), c, [], IRQ_CAMPAIGNS.map((x) => x.name)));
  const byVC = <T extends { variant: string; campaign: string }>(xs: T[]): T[] => xs.sort((a, b) => vi(a.variant) - vi(b.variant) || ci(a.campaign) - ci(b.campaign));
  const failures = byVC(firstBy(rs.flatMap((r) => r.failures), (f) => key(f.variant, f.campaign, f.property, f.kind, f.detail)).filter((f) => f.kind !== 'unreached' || !reached(f.variant, f.property)));
  const sortedVariants = [...variants].sort((a, b) => vi(a) - vi(b));
  const campaigns = union(rs.map((r) => r.campaigns)).sort((a, b) => ci(a) - ci(b));
  return {
    variants: sortedVariants,
    campaigns,
    cells: byVC(firstBy(rs.flatMap((r) => r.cells), (c) => key(c.variant, c.campaign, c.property))),
    sometimes: [...sometimes.values()].sort((a, b) => vi(a.variant) - vi(b.variant)),
    failures,
    figures: byVC(firstBy(rs.flatMap((r) => r.figures), (f) => key(f.variant, f.campaign))),
    coverage: Object.fromEntries(Object.entries(coverage).sort(([a], [b]) => vi(a) - vi(b))),
    counterexamples: Object.assign({}, ...rs.map((r) => r.counterexamples)),
    irq: firstBy(rs.flatMap((r) => r.irq), (c) => key(c.variant, c.call, c.context)).sort((a, b) => vi(a.variant) - vi(b.variant)),
    findings: byVC(firstBy(rs.flatMap((r) => r.findings), (f) => key(f.variant, f.campaign, f.finding))),
    performance: byVC(firstBy(rs.flatMap((r) => r.performance), (f) => key(f.variant, f.campaign, f.property))),
    consumers: firstBy(rs.flatMap((r) => r.consumers), (c) => key(c.consumer, c.key)),
    ok: failures.length === 0,
  };
}
