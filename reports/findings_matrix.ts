/**
 * The first page of the reports: variant × finding. A cell is `present` (with the number of
 * campaigns it shows in and a link to its shortest counterexample), `fixed` (the variant
 * carries the finding's fix), `absent` (not seen in any campaign the variant ran), or a
 * failure (a recorded counterexample no longer reproduces or is no longer explained).
 */
import type { AuditResult, FindingCell } from '../explore/audit';
import { FINDINGS } from '../model/variants/findings';
import { parseVariantName } from '../model/variants/registry';

/** One variant × finding cell. */
export interface FindingMatrixCell {
  readonly status: 'present' | 'fixed' | 'absent' | 'failure';
  /** Campaigns it is recorded in. */
  readonly campaigns: readonly string[];
  /** The shortest recorded counterexample's path, when present. */
  readonly shortest?: string;
}

/** The findings the audit saw or recorded, in catalogue order. */
export function matrixFindings(r: AuditResult): string[] {
  const seen = new Set(r.findings.map((f) => f.finding));
  for (const f of r.failures) if (f.finding) seen.add(f.finding);
  return FINDINGS.map((f) => f.id).filter((id) => seen.has(id));
}

/** The cell of `finding` on `variant`. */
export function findingMatrixCell(r: AuditResult, variant: string, finding: string): FindingMatrixCell {
  const cells: FindingCell[] = r.findings.filter((c) => c.variant === variant && c.finding === finding);
  const failing = cells.some((c) => c.observed !== 'reproduced') || r.failures.some((f) => f.variant === variant && f.finding === finding);
  const campaigns = [...new Set(cells.map((c) => c.campaign))];
  if (failing) return { status: 'failure', campaigns };
  if (cells.length > 0) {
    const size = (p: string): number => {
      const s = r.counterexamples[p]?.stats;
      return s === undefined ? Infinity : s.ops * 1e6 + s.contextSwitches * 1e4 + s.steps;
    };
    const shortest = cells.map((c) => c.counterexample).sort((a, b) => size(a) - size(b))[0]!;
    return { status: 'present', campaigns, shortest };
  }
  let fixed = false;
  try {
    fixed = parseVariantName(variant).fixes.some((f) => f.id === finding);
  } catch {
    fixed = false;
  }
  return { status: fixed ? 'fixed' : 'absent', campaigns };
}
