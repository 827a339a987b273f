/**
 * `vmapcheck check` (any selection) and `vmapcheck audit` (the CI default: everything):
 * the chosen variants under the chosen campaigns, compared with expectations.json; reports
 * (HTML, JUnit, Markdown, JSON, unrecorded counterexamples) written all or nothing, and a
 * kernel-style splat with reproduce lines for anything unexpected. Everything the user gave
 * is validated before the first run: names, numbers, the output folder, the manifest.
 */
import { audit, auditPlan, type AuditResult } from '../explore/audit';
import { auditAllConsumers, type ConsumerAudit } from '../explore/consumer_audit';
import { CONSUMERS } from '../explore/consumers/index';
import { CAMPAIGNS, campaignByName, type Campaign } from '../explore/campaigns';
import type { HuntBudget } from '../explore/hunt';
import { readManifest, type Manifest } from '../counterexamples/manifest';
import { terminalSummary, writeReports } from '../reports/index';
import { reproduceLines } from '../reports/reproduce';
import { mergeResults } from '../reports/results';
import { parseShard, shardParts } from './shard';
import { runParallel, tasksOf } from './parallel';
import type { FlagSpec, Parsed } from './args';
import { humanLog, type Command } from './command';
import { EXIT, UsageError } from './exit';
import { prepareOutDir } from './out_dir';
import { progress, progressEnabled } from './progress';
import { pickCampaigns, pickProperties, pickVariants } from './select';
import { variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';

const SHARED: FlagSpec[] = [
  { name: 'variant', kind: 'list', help: "variant(s), e.g. rewrite-v2 (default: all; 'vmapcheck list variants')" },
  { name: 'campaign', kind: 'list', help: "campaign(s), e.g. tiny-2cpu (default: all; 'vmapcheck list campaigns')" },
  { name: 'runs', kind: 'int', min: 1, help: 'runs per campaign (default: each campaign budget)' },
  { name: 'out', kind: 'string', help: 'report folder, validated before any work (default: out)' },
  { name: 'no-irq', kind: 'bool', help: 'skip the irq-safety audit' },
  { name: 'no-consumers', kind: 'bool', help: 'skip the consumers (Xen, PAE pgd sync, grants, MMU notifiers); they run only with every campaign selected' },
  { name: 'quiet', kind: 'bool', short: 'q', help: 'no progress (also off when CI=true)' },
  { name: 'json', kind: 'bool', help: 'machine-readable summary on stdout (human text goes to stderr)' },
  { name: 'workers', kind: 'int', min: 1, max: 64, help: 'worker threads (default 1); the result equals the serial run' },
  { name: 'shard', kind: 'string', help: "i/n: run only the i-th of n parts (CI machines); merge with 'vmapcheck report --merge'" },
];

const CHECK_ONLY: FlagSpec[] = [
  { name: 'property', kind: 'list', help: "report only these properties ('vmapcheck list properties')" },
  { name: 'layout', kind: 'string', help: "only campaigns on this layout ('vmapcheck list layouts')" },
  { name: 'cpus', kind: 'int', min: 1, help: 'only campaigns with this many CPUs' },
  { name: 'budget', kind: 'int', min: 1, help: 'same as --runs: runs per campaign' },
  { name: 'seed', kind: 'seed', help: "base seed of every chosen campaign (default: each campaign's own)" },
  { name: 'hunt', kind: 'int', min: 0, help: "swarm runs per campaign after its survey, for what the record does not explain (default: as many as the survey's; 0: none, as audit)" },
];

/** Keep only the chosen properties' cells and failures (irq cells stay: they are per call, not per property). */
function onlyProperties(r: AuditResult, props: Set<string> | null): AuditResult {
  if (props === null) return r;
  const failures = r.failures.filter((f) => f.property.split(',').some((p) => props.has(p)));
  return { ...r, cells: r.cells.filter((c) => props.has(c.property)), sometimes: r.sometimes.filter((s) => props.has(s.property)), failures, ok: failures.length === 0 };
}

/** Read the manifest as bad input (exit 2) when missing or malformed. */
function manifestOrUsage(command: string): Manifest {
  try {
    return readManifest();
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** Run check/audit with parsed flags (a promise when --workers > 1). */
export function runCheck(command: string, { flags }: Parsed): number | Promise<number> {
  if (flags.runs !== undefined && flags.budget !== undefined) throw new UsageError(`${command}: give --runs or --budget, not both`);
  const runs = (flags.runs ?? flags.budget) as number | undefined;
  const variants = pickVariants(command, flags.variant as string[] | undefined);
  let campaigns = pickCampaigns(command, flags.campaign as string[] | undefined, { ...(flags.layout !== undefined ? { layout: flags.layout as string } : {}), ...(flags.cpus !== undefined ? { cpus: flags.cpus as number } : {}) });
  const props = pickProperties(command, flags.property as string[] | undefined);
  if (flags.seed !== undefined) campaigns = campaigns.map((c) => ({ ...c, seed: flags.seed as number }));
  const irq = flags['no-irq'] !== true;
  // The swarm search phase is check's (audit keeps the survey the manifest was made from).
  const hunt: HuntBudget = command === 'check' ? ((flags.hunt as number | undefined) ?? 'budget') : 0;
  const out = prepareOutDir(command, (flags.out as string | undefined) ?? 'out');
  const manifest = manifestOrUsage(command);
  const shard = flags.shard !== undefined ? parseShard(command, flags.shard as string) : null;
  const parts = shard ? shardParts(variants, campaigns, irq, shard) : [{ variants, campaigns, irq }];
  if (parts.length === 0) throw new UsageError(`${command}: shard ${flags.shard as string} has no work: the selection has fewer than ${shard!.n} units (variant × campaign pairs and irq audits); use fewer shards`);
  const t0 = performance.now();
  // Runs the audit will do, from the same plan it follows (so the count cannot pass the total).
  const planned = (vs: readonly Variant[], cs: readonly Campaign[], withIrq: boolean): number =>
    vs.reduce((n, v) => n + auditPlan(v, cs, manifest, { ...(runs !== undefined ? { runs } : {}), irq: withIrq, hunt }).reduce((m, u) => m + u.runs + u.hunt, 0), 0);
  const bar = progress(parts.reduce((n, p) => n + planned('variant' in p ? [p.variant] : p.variants, p.campaigns, p.irq), 0), progressEnabled(flags.quiet === true));
  const workers = (flags.workers as number | undefined) ?? 1;
  // Sometimes-properties must be reached by the campaigns together; a partial selection
  // (one layout, some campaigns) cannot judge them, so it reports their counts only.
  const partial = CAMPAIGNS.some((c) => !campaigns.some((x) => x.name === c.name));
  const consumers = flags['no-consumers'] !== true && !partial && shard === null;
  const finish = (full0: AuditResult, done: ConsumerAudit | null = null): number => {
    bar.end();
    let full = full0;
    if (consumers) {
      const c = done ?? auditAllConsumers(manifest);
      const failures = [...full.failures, ...c.mismatches.map((m) => ({ variant: m.key, campaign: m.consumer, property: '*', kind: 'consumer-mismatch' as const, detail: m.detail }))];
      full = { ...full, consumers: c.cells, failures, ok: failures.length === 0 };
    }
    let r = onlyProperties(full, props);
    if (partial && r.failures.some((f) => f.kind === 'unreached')) {
      humanLog(flags.json === true)(`${command}: not all campaigns selected: sometimes-properties are counted, not judged (run every campaign to judge them)`);
      const failures = r.failures.filter((f) => f.kind !== 'unreached');
      r = { ...r, failures, ok: failures.length === 0 };
    }
    return report(command, flags, r, out, t0);
  };
  if (workers > 1) {
    const tasks = tasksOf(parts, runs, flags.seed as number | undefined, hunt);
    const taskRuns = (t: (typeof tasks)[number]): number => planned([variantByName(t.variant)], t.campaigns.map(campaignByName), t.irq);
    return runParallel(
      tasks,
      workers,
      (t) => {
        bar.advance(taskRuns(t));
        bar.step(`${t.variant} / ${t.irq ? 'irq-safety audit' : t.campaigns.join(', ')}`);
      },
      taskRuns,
      consumers ? CONSUMERS.map((c) => c.name) : [],
    ).then((p) => finish(p.result, p.consumers));
  }
  const opts = { ...(runs !== undefined ? { runs } : {}), hunt, progress: (line: string) => bar.step(line), tick: (n: number) => bar.advance(n) };
  const results = parts.map((p) => audit('variant' in p ? [p.variant] : p.variants, p.campaigns, manifest, { ...opts, irq: p.irq }));
  return finish(results.length === 1 && shard === null ? results[0]! : mergeResults(results));
}

/** Print, write the reports and return the exit code of a finished check. */
function report(command: string, flags: Parsed['flags'], r: AuditResult, out: string, t0: number): number {
  const json = flags.json === true;
  const log = humanLog(json);
  if (r.cells.length === 0 && r.irq.length === 0) throw new UsageError(`${command}: the run checked nothing (no property of the selection was evaluated); widen --variant/--campaign/--property`);
  log(terminalSummary(r, out));
  const paths = writeReports(r, out);
  log(`reports: ${paths.join(', ')}`);
  log(`${command} ${r.ok ? 'OK' : 'FAILED'}: ${r.failures.length} mismatch(es) with expectations.json in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const code = r.ok ? EXIT.OK : EXIT.FINDING;
  if (json) {
    const summary = {
      ok: r.ok,
      exitCode: code,
      variants: r.variants,
      campaigns: r.campaigns,
      checked: { cells: r.cells.length, irq: r.irq.length, runs: r.figures.reduce((n, f) => n + f.runs, 0) },
      failures: r.failures.map((f) => ({ variant: f.variant, campaign: f.campaign, property: f.property, kind: f.kind, detail: f.detail, finding: f.counterexample?.finding ?? null, reproduce: reproduceLines(r, f, out) })),
      reports: paths,
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  }
  return code;
}

/** `vmapcheck check`. */
export const CHECK: Command = {
  name: 'check',
  summary: 'check a chosen selection (variants, campaigns, properties, layout, CPUs, budget, seed) against expectations.json and write reports',
  synopsis: '[--variant V,…] [--campaign C,…] [--property P,…] [--layout L] [--cpus N] [--budget N] [--seed S] [--hunt N] [--shard i/n] [--out DIR] [--no-irq] [--json]',
  flags: [...SHARED, ...CHECK_ONLY],
  examples: [
    ['npx vmapcheck check', 'everything, like audit'],
    ['npx vmapcheck check --variant rewrite-v2 --campaign tiny-2cpu --no-irq', 'one variant, one campaign'],
    ['npx vmapcheck check --layout x86-64 --budget 50 --out out/x86', 'the real x86-64 campaigns, 50 runs each'],
    ['npx vmapcheck check --variant rewrite-v2 --property areas_disjoint --json', 'one property, machine-readable'],
    ['npx vmapcheck check --shard 1/2 --out out/s1 && npx vmapcheck check --shard 2/2 --out out/s2 && npx vmapcheck report --merge out/s1/result.json out/s2/result.json', 'two CI machines, one report'],
  ],
  run: (p) => runCheck('check', p),
};

/** `vmapcheck audit`: the CI job. */
export const AUDIT: Command = {
  name: 'audit',
  summary: 'audit every variant under every campaign (and the irq-safety audit) against expectations.json; write out/report.html, junit.xml, summary.md, result.json',
  synopsis: '[--variant V,…] [--campaign C,…] [--runs N] [--out DIR] [--no-irq] [--quiet] [--json] [--workers N] [--shard i/n]',
  flags: SHARED,
  examples: [
    ['npx vmapcheck audit', 'the full CI audit (npm run audit, npm start)'],
    ['npx vmapcheck audit --variant irqsafe --no-irq --out /tmp/r', 'one variant, reports elsewhere'],
  ],
  run: (p) => runCheck('audit', p),
};
