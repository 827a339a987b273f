/**
 * The CI summary in Markdown (for $GITHUB_STEP_SUMMARY and merge-request comments): the
 * verdict, the failures, the variant × property matrix, the findings and the campaign
 * figures. Also the summarising helpers the HTML, JUnit and terminal reports share.
 */
import { findingMatrixCell, matrixFindings } from './findings_matrix';
import type { AuditResult, Failure } from '../explore/audit';
import type { CounterexampleFile } from '../counterexamples/format';
import { FINDINGS } from '../counterexamples/findings';
import { PROPERTIES, SAFETY } from '../properties/index';
import { irqMarkdown } from './irq';
import { reproduceLines } from './reproduce';

/** A counterexample a report shows: recorded in the manifest (key = its path) or found by this audit. */
export interface CeEntry {
  readonly key: string;
  readonly ce: CounterexampleFile;
  /** Recorded in the expectations manifest (false: found now, not yet written). */
  readonly recorded: boolean;
}

/** Every counterexample of the audit, recorded ones first, in audit order. */
export function counterexampleEntries(r: AuditResult): CeEntry[] {
  const out: CeEntry[] = Object.entries(r.counterexamples).map(([key, ce]) => ({ key, ce, recorded: true }));
  for (const f of r.failures) if (f.counterexample) out.push({ key: failureKey(f), ce: f.counterexample, recorded: false });
  return out;
}

/** The key of a failure's own (unrecorded) counterexample. */
export function failureKey(f: Failure): string {
  return `unrecorded:${f.variant}.${f.campaign}.${f.property}`;
}

/** One campaign's part of a matrix cell. */
export interface CellPart {
  readonly campaign: string;
  /** 'violated', 'not reproduced', ... for non-holding cells. */
  readonly label: string;
  /** Counterexample key, when the report has one. */
  readonly key?: string;
}

/** A variant × property cell summarised across campaigns. */
export interface MatrixCell {
  readonly status: 'holds' | 'expected' | 'unexpected' | 'not-run';
  /** ✓ holds, ✗ violated as expected, ‼ a failure, – not run. */
  readonly mark: string;
  /** Campaigns where it did not simply hold. */
  readonly parts: readonly CellPart[];
  /** Campaigns evaluated. */
  readonly campaigns: number;
}

const KIND_LABEL: Record<Failure['kind'], string> = { 'unexpected-finding': 'UNEXPECTED finding', unclassified: 'NEW (unclassified) finding', 'not-reproduced': 'NOT reproduced', 'not-explained': 'no longer explained', unreached: 'never reached', 'bad-counterexample': 'bad counterexample', 'consumer-mismatch': 'consumer verdict changed' };

/** Summarise `property` on `variant` across the audit's campaigns. */
export function matrixCell(r: AuditResult, variant: string, property: string): MatrixCell {
  const cells = r.cells.filter((c) => c.variant === variant && c.property === property);
  const fails = r.failures.filter((f) => f.variant === variant && f.property === property);
  const keys = new Set(counterexampleEntries(r).map((e) => e.key));
  if (fails.length > 0) {
    const parts = fails.map((f) => ({ campaign: f.campaign, label: KIND_LABEL[f.kind], ...(f.counterexample ? { key: failureKey(f) } : {}) }));
    return { status: 'unexpected', mark: '‼', parts, campaigns: cells.length };
  }
  if (cells.length === 0) return { status: 'not-run', mark: '–', parts: [], campaigns: 0 };
  const exp = cells.filter((c) => c.expected === 'violated');
  if (exp.length === 0) return { status: 'holds', mark: '✓', parts: [], campaigns: cells.length };
  const parts = exp.map((c) => ({ campaign: c.campaign, label: `violated (expected, ${c.observed})`, ...(c.counterexample && keys.has(c.counterexample) ? { key: c.counterexample } : {}) }));
  return { status: 'expected', mark: '✗', parts, campaigns: cells.length };
}

/** Matrix rows: the audited safety properties in report order (unknown names last). */
export function matrixProperties(r: AuditResult): string[] {
  const seen = new Set(r.cells.map((c) => c.property));
  const known = SAFETY.map((p) => p.name).filter((n) => seen.has(n));
  return [...known, ...[...seen].filter((n) => !known.includes(n))];
}

/** Findings shown by the audit's counterexamples: id -> title and where. */
export function findingsOf(r: AuditResult): { id: string; title: string; where: string[] }[] {
  const by = new Map<string, Set<string>>();
  for (const { ce } of counterexampleEntries(r)) {
    const id = ce.finding ?? 'unclassified';
    if (!by.has(id)) by.set(id, new Set());
    by.get(id)!.add(`${ce.variant}: ${ce.property} (${ce.campaign})`);
  }
  const order = [...FINDINGS.map((f) => f.id), 'unclassified'];
  return [...by.keys()]
    .sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999) || a.localeCompare(b))
    .map((id) => ({ id, title: FINDINGS.find((f) => f.id === id)?.title ?? (id === 'unclassified' ? 'not matched by any finding in docs/findings.md' : id), where: [...by.get(id)!].sort() }));
}

/** The verdict as one line of plain text. */
export function verdict(r: AuditResult): string {
  const n = r.failures.length;
  return r.ok ? `ok: ${r.variants.length} variant(s) × ${r.campaigns.length} campaign(s) match the expectations` : `${n} failure${n === 1 ? '' : 's'}`;
}

/** Escape text for a Markdown table cell (GitHub also renders inline HTML, so escape that too). */
function md(s: string): string {
  return s
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/([`*])/g, '\\$1')
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
}

/** A Markdown code span (names are identifiers; anything that could break the span goes). */
function code(s: string): string {
  return '`' + s.replace(/[`|\r\n]/g, '') + '`';
}

/** Each failure's counterexample as the kernel would print it, in a fenced block ending with its reproduce lines. */
function failureSplats(r: AuditResult, outDir: string, splats: Readonly<Record<string, readonly string[]>>): string[] {
  const out: string[] = [];
  for (const f of r.failures) {
    const key = f.counterexample ? failureKey(f) : r.cells.find((c) => c.variant === f.variant && c.campaign === f.campaign && c.property === f.property)?.counterexample;
    const s = key !== undefined ? splats[key] : undefined;
    if (s === undefined) continue;
    // A fence longer than any backtick run inside, so no splat text can close it.
    const fence = '`'.repeat(Math.max(3, ...[...s.join('\n').matchAll(/`+/g)].map((m) => m[0].length + 1)));
    out.push(`### ${md(f.variant)} / ${md(f.campaign)} / ${md(f.property)}`, '', fence + 'text', ...s, ...reproduceLines(r, f, outDir), fence, '');
  }
  return out.length > 0 ? ['## Kernel splats', '', ...out] : [];
}

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/**
 * The CI summary; `outDir` is where unrecorded counterexamples are saved (for the reproduce
 * lines); `splats` maps counterexample keys to their kernel-style splats (reports/splat.ts).
 */
export function renderMarkdown(r: AuditResult, outDir = 'out', splats: Readonly<Record<string, readonly string[]>> = {}): string {
  const out: string[] = ['# vmapcheck audit', ''];
  out.push(r.ok ? `**✅ ${md(verdict(r))}**` : `**❌ ${md(verdict(r))}** (${r.variants.length} variant(s) × ${r.campaigns.length} campaign(s))`, '');
  if (r.failures.length > 0) {
    out.push('## Failures', '');
    out.push(...table(['kind', 'variant', 'campaign', 'property', 'detail', 'finding', 'reproduce'], r.failures.map((f) => [f.kind, md(f.variant), md(f.campaign), md(f.property), md(f.detail), md(f.counterexample?.finding ?? ''), reproduceLines(r, f, outDir).map((l) => code(l)).join('<br>')])), '');
    out.push(...failureSplats(r, outDir, splats));
  }
  const ids = matrixFindings(r);
  if (ids.length > 0) {
    out.push('## Variant × finding', '', '✗ present (campaigns) · ✓ fixed in this variant · · not seen · ‼ failure — see docs/findings.md', '');
    const mark = { present: '✗', fixed: '✓ fixed', absent: '·', failure: '‼' } as const;
    out.push(...table(['finding', ...r.variants.map(md)], ids.map((id) => [`**${id}**`, ...r.variants.map((v) => {
      const c = findingMatrixCell(r, v, id);
      return c.campaigns.length > 0 ? `${mark[c.status]} ${c.campaigns.length}` : mark[c.status];
    })])), '');
  }
  out.push('## Variant × property', '', '✓ holds in every campaign · ✗ violated as expected (counterexample reproduced) · ‼ failure', '');
  const rows = matrixProperties(r).map((p) => [
    code(p),
    ...r.variants.map((v) => {
      const c = matrixCell(r, v, p);
      return c.parts.length === 0 ? c.mark : `${c.mark} ${c.parts.map((x) => md(x.campaign)).join(', ')}`;
    }),
  ]);
  out.push(...table(['property', ...r.variants.map(md)], rows), '');
  if (r.sometimes.length > 0) {
    out.push('## Sometimes-properties (runs that reached them)', '');
    const names = PROPERTIES.filter((p) => p.when === 'sometimes' && r.sometimes.some((s) => s.property === p.name)).map((p) => p.name);
    const cell = (v: string, p: string): string => {
      const s = r.sometimes.find((x) => x.variant === v && x.property === p);
      return s === undefined ? '–' : s.reached === 0 ? '‼ 0' : String(s.reached);
    };
    out.push(...table(['property', ...r.variants.map(md)], names.map((p) => [code(p), ...r.variants.map((v) => cell(v, p))])), '');
  }
  out.push(...irqMarkdown(r));
  const findings = findingsOf(r);
  if (findings.length > 0) {
    out.push('## Findings', '');
    for (const f of findings) out.push(`- **${md(f.id)}** ${md(f.title)}`, ...f.where.map((w) => `  - ${md(w)}`));
    out.push('');
  }
  out.push('## Campaigns', '');
  out.push(...table(['variant', 'campaign', 'runs', 'steps', 'seconds'], r.figures.map((f) => [md(f.variant), md(f.campaign), String(f.runs), String(f.steps), (f.ms / 1000).toFixed(1)])), '');
  return out.join('\n');
}
