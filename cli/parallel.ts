/**
 * `--workers N`: the check's units (variant × campaign pairs and each variant's irq audit)
 * spread over N worker threads with tinypool (a maintained pool, already the worker layer
 * of vitest's lineage; small, no native code). Results are merged in canonical order, so
 * the findings, counterexamples and reports are those of the serial run.
 */
import { Tinypool } from 'tinypool';
import type { AuditResult } from '../explore/audit';
import type { Campaign } from '../explore/campaigns';
import type { Variant } from '../model/engine/variant';
import { mergeResults } from '../reports/results';
import type { AuditTask } from './audit_task';
import type { HuntBudget } from '../explore/hunt';
import { mergeConsumerAudits, type ConsumerAudit } from '../explore/consumer_audit';

/** One task per unit, in selection order. */
export function tasksOf(parts: readonly { variants?: readonly Variant[]; variant?: Variant; campaigns: readonly Campaign[]; irq: boolean }[], runs?: number, seed?: number, hunt?: HuntBudget): AuditTask[] {
  const extra = { ...(runs !== undefined ? { runs } : {}), ...(seed !== undefined ? { seed } : {}), ...(hunt ? { hunt } : {}) };
  return parts.flatMap((p) =>
    (p.variants ?? [p.variant!]).flatMap((v) => [...p.campaigns.map((c) => ({ variant: v.name, campaigns: [c.name], irq: false, ...extra })), ...(p.irq ? [{ variant: v.name, campaigns: [], irq: true, ...extra }] : [])]),
  );
}

/** What a parallel check returns: the variants' audit, and the consumers' when asked for. */
export interface ParallelResult {
  readonly result: AuditResult;
  readonly consumers: ConsumerAudit | null;
}

/**
 * Run `tasks` on `workers` threads, and the audit of each consumer named in `consumers`
 * (each a task of its own: together they take as long as the variants' tiny campaigns, and
 * run serially after them they would cap the speed-up); `done` is called as each variant
 * task finishes. The consumers go first (the longest units), then the variant tasks, the
 * heaviest first by `weight` (the runs a task will do), so one long irq audit does not start
 * last and leave the other threads idle. Results are merged in the tasks' own order, so the
 * outcome does not depend on the dispatch order.
 */
export async function runParallel(tasks: readonly AuditTask[], workers: number, done: (t: AuditTask, r: AuditResult) => void, weight?: (t: AuditTask) => number, consumers: readonly string[] = []): Promise<ParallelResult> {
  const pool = new Tinypool({ filename: new URL('./audit_worker.mjs', import.meta.url).href, minThreads: workers, maxThreads: workers, isolateWorkers: false });
  try {
    const w = tasks.map((t) => weight?.(t) ?? 0);
    // Stable: equal weights keep selection order.
    const order = tasks.map((_, i) => i).sort((a, b) => w[b]! - w[a]! || a - b);
    const results: AuditResult[] = new Array(tasks.length);
    const parts: ConsumerAudit[] = new Array(consumers.length);
    await Promise.all([
      ...consumers.map(async (name, i) => void (parts[i] = (await pool.run(name, { name: 'consumers' })) as ConsumerAudit)),
      ...order.map(async (i) => {
        const r = (await pool.run(tasks[i]!)) as AuditResult;
        done(tasks[i]!, r);
        results[i] = r;
      }),
    ]);
    return { result: mergeResults(results), consumers: consumers.length > 0 ? mergeConsumerAudits(parts) : null };
  } finally {
    await pool.destroy();
  }
}
