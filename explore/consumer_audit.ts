/**
 * The consumers' part of the audit: each consumer's verdict cells (explore/consumers)
 * against the manifest's `consumers` section. A cell breaking a property the manifest does
 * not record for it, or no longer breaking one it does, is a mismatch.
 */
import type { Manifest } from '../counterexamples/manifest';
import { CONSUMERS, type ConsumerVerdict } from './consumers/index';

/** One consumer cell as the audit saw it. */
export interface ConsumerCell {
  readonly consumer: string;
  readonly key: string;
  readonly violated: readonly string[];
  readonly expected: readonly string[];
  /** First counterexample message per broken property. */
  readonly messages: Record<string, string>;
}

/** A consumer cell that disagrees with the manifest. */
export interface ConsumerMismatch {
  readonly consumer: string;
  readonly key: string;
  readonly detail: string;
}

/** Every consumer's verdicts, keyed for the manifest. */
export function consumerVerdicts(): Record<string, ConsumerVerdict[]> {
  return Object.fromEntries(CONSUMERS.map((c) => [c.name, c.verdicts()]));
}

/** The manifest section for `verdicts`. */
export function consumerSection(verdicts: Record<string, ConsumerVerdict[]>): Record<string, Record<string, readonly string[]>> {
  return Object.fromEntries(Object.entries(verdicts).map(([name, vs]) => [name, Object.fromEntries(vs.map((v) => [v.key, v.violated]))]));
}

/** Audit the consumers against the manifest. */
export function auditConsumers(manifest: Manifest): { cells: ConsumerCell[]; mismatches: ConsumerMismatch[] } {
  const cells: ConsumerCell[] = [];
  const mismatches: ConsumerMismatch[] = [];
  for (const [consumer, vs] of Object.entries(consumerVerdicts())) {
    const want = manifest.consumers?.[consumer] ?? {};
    for (const v of vs) {
      const expected = want[v.key] ?? [];
      const messages = Object.fromEntries(v.counterexamples.map((x) => [x.property, x.message]));
      cells.push({ consumer, key: v.key, violated: v.violated, expected, messages });
      const extra = v.violated.filter((p) => !expected.includes(p));
      const gone = expected.filter((p) => !v.violated.includes(p));
      if (extra.length > 0) mismatches.push({ consumer, key: v.key, detail: `${consumer} ${v.key} breaks ${extra.join(', ')}, not recorded in expectations.json: ${extra.map((p) => messages[p] ?? '').join(' | ')}` });
      if (gone.length > 0) mismatches.push({ consumer, key: v.key, detail: `${consumer} ${v.key} no longer breaks ${gone.join(', ')} (recorded in expectations.json)` });
    }
    for (const key of Object.keys(want)) if (!vs.some((v) => v.key === key)) mismatches.push({ consumer, key, detail: `${consumer} ${key} is recorded in expectations.json but no longer audited` });
  }
  return { cells, mismatches };
}
