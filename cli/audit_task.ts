/**
 * One unit of a parallel check, run inside a worker thread: one variant under one campaign
 * (or its irq-safety audit), looked up by name and audited exactly as the serial run does.
 * Units are deterministic and merged in canonical order (reports/results.ts mergeResults),
 * so any number of workers gives the result of one.
 */
import { audit, type AuditResult } from '../explore/audit';
import { campaignByName } from '../explore/campaigns';
import { readManifest } from '../counterexamples/manifest';
import { auditConsumer, type ConsumerAudit } from '../explore/consumer_audit';
import type { HuntBudget } from '../explore/hunt';
import { variantByName } from '../model/variants/registry';

/** What a worker is asked to do (plain data: it crosses a thread boundary). */
export interface AuditTask {
  readonly variant: string;
  readonly campaigns: readonly string[];
  readonly irq: boolean;
  readonly runs?: number;
  readonly seed?: number;
  /** Swarm runs of the check's search phase per campaign (absent: none, as the audit). */
  readonly hunt?: HuntBudget;
}

/** Run one task. */
export function runAuditTask(t: AuditTask): AuditResult {
  const campaigns = t.campaigns.map((n) => ({ ...campaignByName(n), ...(t.seed !== undefined ? { seed: t.seed } : {}) }));
  return audit([variantByName(t.variant)], campaigns, readManifest(), { irq: t.irq, ...(t.runs !== undefined ? { runs: t.runs } : {}), ...(t.hunt ? { hunt: t.hunt } : {}) });
}

/** Audit one consumer (a worker's share of the consumers' audit). */
export function runConsumerTask(consumer: string): ConsumerAudit {
  return auditConsumer(readManifest(), consumer);
}
