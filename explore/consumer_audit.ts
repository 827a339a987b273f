/**
 * The consumers' part of the audit, by finding like the variants': every consumer cell's
 * failing runs are classified by experiment (explore/consumers/classify.ts) and compared
 * with the manifest's `consumers` section. The audit fails when a cell shows a finding the
 * manifest does not record there, when it no longer shows one it records, when a failing
 * run no experiment explains appears (a new finding), and when a recorded counterexample
 * (counterexamples/consumers/*.json) no longer reproduces or is no longer removed by its
 * finding's experiment.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import type { CampaignExpectation, ConsumerSection, Manifest } from '../counterexamples/manifest';
import { byId } from '../model/consumers/fix';
import { findingById } from '../model/variants/findings';
import { CONSUMERS, consumerByName, type ConsumerCase } from './consumers/index';
import { classifyConsumerRun, consumerExperimentRemoves } from './consumers/classify';

/** Folder of the consumers' counterexamples. */
export const CONSUMER_CX_DIR = 'counterexamples/consumers';
/** Format tag of a consumer counterexample file. */
export const CONSUMER_CX_FORMAT = 'vmapcheck-consumer-counterexample/1';

/** One consumer cell as the audit saw it (for reports). */
export interface ConsumerCell {
  readonly consumer: string;
  readonly key: string;
  /** Properties broken in the cell. */
  readonly violated: readonly string[];
  /** Findings the manifest records for the cell. */
  readonly expected: readonly string[];
  /** Findings the cell's failing runs were classified as. */
  readonly findings: readonly string[];
  /** First counterexample message per broken property. */
  readonly messages: Record<string, string>;
}

/** A consumer cell or file that disagrees with the manifest. */
export interface ConsumerMismatch {
  readonly consumer: string;
  readonly key: string;
  readonly detail: string;
}

/** A classified cell. */
export interface ConsumerVerdict {
  readonly consumer: string;
  readonly key: string;
  readonly variant: string | null;
  readonly violated: readonly string[];
  /** Finding -> the shortest case it explains. */
  readonly found: ReadonlyMap<string, ConsumerCase>;
  /** Cases no experiment explains. */
  readonly unclassified: readonly ConsumerCase[];
  readonly messages: Record<string, string>;
}

/** A committed consumer counterexample. */
export interface ConsumerCounterexampleFile {
  readonly format: typeof CONSUMER_CX_FORMAT;
  readonly consumer: string;
  readonly finding: string;
  readonly kind: string;
  readonly property: string;
  /** The audit cell it was found in. */
  readonly cell: string;
  readonly config: unknown;
  readonly scenario: unknown;
  readonly ops: readonly string[];
  readonly message: string;
}

/** Run and classify every consumer cell. */
export function consumerVerdicts(only?: readonly string[]): ConsumerVerdict[] {
  const out: ConsumerVerdict[] = [];
  for (const c of CONSUMERS) {
    if (only !== undefined && !only.includes(c.name)) continue;
    for (const cell of c.cells()) {
      const found = new Map<string, ConsumerCase>();
      const unclassified: ConsumerCase[] = [];
      for (const x of cell.cases) {
        const cl = classifyConsumerRun(c, x.cfg, x.scenario, x.property);
        if (cl.findings.length === 0) unclassified.push(x);
        for (const id of cl.findings) {
          const old = found.get(id);
          if (old === undefined || x.size < old.size) found.set(id, x);
        }
      }
      const messages = Object.fromEntries(cell.cases.map((x) => [x.property, x.message]));
      out.push({ consumer: c.name, key: cell.key, variant: cell.variant, violated: cell.violated, found, unclassified, messages });
    }
  }
  return out;
}

/** The counterexample path of a finding of a consumer (per vmap variant when it has that axis). */
export function consumerCxPath(consumer: string, variant: string | null, finding: string): string {
  return `${CONSUMER_CX_DIR}/${consumer}.${variant ?? 'any'}.${finding}.json`;
}

function kindOf(consumer: string, id: string): string {
  return consumerByName(consumer)?.fixes.find((f) => f.id === id)?.kind ?? findingById(id)?.kind ?? 'unknown';
}

/** The manifest section and the counterexample files for classified verdicts (shortest case per consumer × variant × finding). */
export function consumerSection(verdicts: readonly ConsumerVerdict[]): { section: ConsumerSection; files: Map<string, ConsumerCounterexampleFile> } {
  const files = new Map<string, ConsumerCounterexampleFile & { size: number }>();
  const cells: Record<string, Record<string, CampaignExpectation>> = {};
  const findings: Record<string, { consumer: string; kind: string; properties: Set<string> }> = {};
  for (const v of verdicts) {
    const rec: Record<string, string> = {};
    for (const id of [...v.found.keys()].sort(byId)) {
      const x = v.found.get(id)!;
      const path = consumerCxPath(v.consumer, v.variant, id);
      rec[id] = path;
      const old = files.get(path);
      if (old === undefined || x.size < old.size) {
        files.set(path, { format: CONSUMER_CX_FORMAT, consumer: v.consumer, finding: id, kind: kindOf(v.consumer, id), property: x.property, cell: v.key, config: x.cfg, scenario: x.scenario, ops: x.ops, message: x.message, size: x.size });
      }
      // The vmap layer's own findings (F3, F9, ...) are catalogued in the variants' section.
      if (!/^C\d+$/.test(id)) continue;
      const f = (findings[id] ??= { consumer: v.consumer, kind: kindOf(v.consumer, id), properties: new Set() });
      f.properties.add(x.property);
    }
    (cells[v.consumer] ??= {})[v.key] = { findings: rec };
  }
  const section: ConsumerSection = {
    findings: Object.fromEntries(Object.keys(findings).sort(byId).map((id) => [id, { consumer: findings[id]!.consumer, kind: findings[id]!.kind, properties: [...findings[id]!.properties].sort() }])),
    cells,
  };
  return { section, files: new Map([...files].map(([p, { size: _size, ...f }]) => [p, f])) };
}

/** Read a committed consumer counterexample (null when missing or malformed). */
export function readConsumerCx(path: string): ConsumerCounterexampleFile | null {
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as ConsumerCounterexampleFile;
    return j.format === CONSUMER_CX_FORMAT && typeof j.consumer === 'string' && typeof j.finding === 'string' && typeof j.property === 'string' ? j : null;
  } catch {
    return null;
  }
}

/** Replay a consumer counterexample: does it still break its property, and does its finding's experiment still remove it? */
export function replayConsumerCx(f: ConsumerCounterexampleFile): { reproduces: boolean; explained: boolean } {
  const c = consumerByName(f.consumer);
  if (c === undefined) return { reproduces: false, explained: false };
  const reproduces = c.breaks(f.config, f.scenario, f.property);
  return { reproduces, explained: reproduces && consumerExperimentRemoves(c, f.finding, f.config, f.scenario, f.property) };
}

/** What the consumers' audit found: every cell seen, and every disagreement with the manifest. */
export interface ConsumerAudit {
  readonly cells: ConsumerCell[];
  readonly mismatches: ConsumerMismatch[];
}

/**
 * Audit the consumers against the manifest; with `only`, just those consumers (their cells and
 * their recorded files), so that the consumers can be audited one per worker and merged.
 */
export function auditConsumers(manifest: Manifest, verdicts: readonly ConsumerVerdict[] = consumerVerdicts(), only?: readonly string[]): ConsumerAudit {
  const cells: ConsumerCell[] = [];
  const mismatches: ConsumerMismatch[] = [];
  const want = manifest.consumers?.cells ?? {};
  const seen = new Set<string>();
  for (const v of verdicts) {
    const expected = Object.keys(want[v.consumer]?.[v.key]?.findings ?? {}).sort(byId);
    const found = [...v.found.keys()].sort(byId);
    seen.add(`${v.consumer}\0${v.key}`);
    cells.push({ consumer: v.consumer, key: v.key, violated: v.violated, expected, findings: found, messages: v.messages });
    const extra = found.filter((id) => !expected.includes(id));
    const gone = expected.filter((id) => !found.includes(id));
    if (extra.length > 0) mismatches.push({ consumer: v.consumer, key: v.key, detail: `${v.consumer} ${v.key} shows ${extra.join(', ')}, not recorded in expectations.json: ${extra.map((id) => `${id}: ${v.found.get(id)!.ops.join(' | ')} — ${v.found.get(id)!.message}`).join(' || ')}` });
    if (gone.length > 0) mismatches.push({ consumer: v.consumer, key: v.key, detail: `${v.consumer} ${v.key} no longer shows ${gone.join(', ')} (recorded in expectations.json)` });
    for (const x of v.unclassified) mismatches.push({ consumer: v.consumer, key: v.key, detail: `${v.consumer} ${v.key}: NEW (unclassified) violation of ${x.property} — no consumer fix, contract or vmap fix removes it: ${x.ops.join(' | ')} — ${x.message}` });
  }
  for (const [consumer, ks] of Object.entries(want)) {
    if (only !== undefined && !only.includes(consumer)) continue;
    for (const [key, e] of Object.entries(ks)) {
      if (!seen.has(`${consumer}\0${key}`) && verdicts.some((v) => v.consumer === consumer)) mismatches.push({ consumer, key, detail: `${consumer} ${key} is recorded in expectations.json but no longer audited` });
      for (const [id, path] of Object.entries(e.findings)) {
        const f = readConsumerCx(path);
        if (f === null) {
          mismatches.push({ consumer, key, detail: `${path} (${id}): missing or malformed; re-create it with 'vmapcheck discover --write'` });
          continue;
        }
        const r = replayConsumerCx(f);
        if (!r.reproduces) mismatches.push({ consumer, key, detail: `${path} (${id}) no longer breaks ${f.property}` });
        else if (!r.explained) mismatches.push({ consumer, key, detail: `${path} no longer stops reproducing with ${id}'s experiment alone` });
      }
    }
  }
  return { cells, mismatches: dedupe(mismatches) };
}

/** The audit of `name` alone (one worker's share of the consumers' audit). */
export function auditConsumer(manifest: Manifest, name: string): ConsumerAudit {
  return auditConsumers(manifest, consumerVerdicts([name]), [name]);
}

/** Every consumer's audit, one consumer at a time and merged (the order `--workers` merges in). */
export function auditAllConsumers(manifest: Manifest): ConsumerAudit {
  return mergeConsumerAudits(CONSUMERS.map((c) => auditConsumer(manifest, c.name)));
}

/** The consumers' audit from per-consumer parts, as one audit of them all gives it. */
export function mergeConsumerAudits(parts: readonly ConsumerAudit[]): ConsumerAudit {
  return { cells: parts.flatMap((p) => p.cells), mismatches: dedupe(parts.flatMap((p) => p.mismatches)) };
}

function dedupe(ms: ConsumerMismatch[]): ConsumerMismatch[] {
  const seen = new Set<string>();
  return ms.filter((m) => !seen.has(m.detail) && (seen.add(m.detail), true));
}

/** Write the consumer counterexample files (stale ones removed) and return the section for the manifest. */
export function recordConsumers(verdicts: readonly ConsumerVerdict[] = consumerVerdicts()): ConsumerSection {
  const { section, files } = consumerSection(verdicts);
  if (!existsSync(CONSUMER_CX_DIR)) mkdirSync(CONSUMER_CX_DIR, { recursive: true });
  for (const f of readdirSync(CONSUMER_CX_DIR)) if (f.endsWith('.json') && !files.has(`${CONSUMER_CX_DIR}/${f}`)) unlinkSync(`${CONSUMER_CX_DIR}/${f}`);
  for (const [path, f] of files) writeFileSync(path, JSON.stringify(f, null, 1) + '\n');
  return section;
}
