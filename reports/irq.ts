/**
 * The irq-safety section of the reports: per variant, a table of API calls × contexts
 * (hardirq, softirq, process with irqs off) saying whether the call was seen safe there
 * within the budget or which properties it broke, with links to the counterexamples.
 */
import type { AuditResult, IrqCell } from '../explore/audit';
import { esc } from './html_style';

/** The text of one cell. */
function cellText(c: IrqCell): string {
  const broken = Object.keys(c.problems);
  if (broken.length > 0) return `UNSAFE: ${broken.join(', ')}`;
  return c.exercised === 0 ? 'not exercised' : `safe (${c.exercised} of ${c.runs} runs)`;
}

function byVariant(r: AuditResult): Map<string, IrqCell[]> {
  const m = new Map<string, IrqCell[]>();
  for (const c of r.irq) m.set(c.variant, [...(m.get(c.variant) ?? []), c]);
  return m;
}

/** Markdown tables of the irq audit (empty when it was not run). */
export function irqMarkdown(r: AuditResult): string[] {
  if (r.irq.length === 0) return [];
  const out = ['## Irq safety', '', 'Per API call: seen safe from hardirq / softirq / process context with irqs off within the budget, or the properties it broke there.', ''];
  for (const [v, cells] of byVariant(r)) {
    const ctxs = [...new Set(cells.map((c) => c.context))];
    const calls = [...new Set(cells.map((c) => c.call))];
    out.push(`### ${v}`, '', `| call | ${ctxs.join(' | ')} |`, `|---|${ctxs.map(() => '---').join('|')}|`);
    for (const call of calls) out.push(`| \`${call}\` | ${ctxs.map((x) => cellText(cells.find((c) => c.call === call && c.context === x)!)).join(' | ')} |`);
    out.push('');
  }
  return out;
}

/** The HTML section; `anchor` maps a counterexample path to its section id. */
export function irqHtml(r: AuditResult, anchor: (path: string) => string | undefined): string {
  if (r.irq.length === 0) return '';
  const parts = ['<h2 id="irq">Irq safety</h2>', '<p class="sub">Per API call: seen safe from hardirq / softirq / process context with irqs off within the budget, or the properties it broke there (links: the recorded counterexamples).</p>'];
  for (const [v, cells] of byVariant(r)) {
    const ctxs = [...new Set(cells.map((c) => c.context))];
    const calls = [...new Set(cells.map((c) => c.call))];
    const td = (c: IrqCell): string => {
      const broken = Object.entries(c.problems);
      if (broken.length === 0) return `<td class="${c.exercised === 0 ? '' : 'holds'}">${esc(cellText(c))}</td>`;
      const links = broken.map(([p, path]) => {
        const a = anchor(path);
        return a ? `<a href="#${esc(a)}">${esc(p)}</a>` : esc(p);
      });
      return `<td class="expected">UNSAFE: ${links.join(', ')}</td>`;
    };
    const rows = calls.map((call) => `<tr><th><code>${esc(call)}</code></th>${ctxs.map((x) => td(cells.find((c) => c.call === call && c.context === x)!)).join('')}</tr>`);
    parts.push(`<h3>${esc(v)}</h3><table><tr><th>call</th>${ctxs.map((x) => `<th>${esc(x)}</th>`).join('')}</tr>${rows.join('')}</table>`);
  }
  return parts.join('\n');
}
