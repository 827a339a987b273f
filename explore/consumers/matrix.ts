/**
 * The per-consumer statement of which guarantee holds on which vmap variant, generated from
 * the manifest's `consumers` section: one Markdown table per consumer, rows = consumer
 * version (× campaign), columns = vmap variant (or one column for consumers without that
 * axis), each cell "holds" or the findings with links to their counterexamples.
 */
import type { ConsumerSection } from '../../counterexamples/manifest';
import { byId } from '../../model/consumers/fix';

/** Markdown tables for the section (paths relative to `root`, e.g. '' for README, '../' for docs/). */
export function consumerMatrix(section: ConsumerSection, root = ''): string {
  const out: string[] = [];
  for (const [consumer, cells] of Object.entries(section.cells)) {
    const keys = Object.keys(cells);
    const hasVariant = keys.every((k) => k.split('/').length === 3);
    const cols = hasVariant ? [...new Set(keys.map((k) => k.split('/')[0]!))] : ['(no vmap axis)'];
    const rows = hasVariant ? [...new Set(keys.map((k) => k.split('/').slice(1).join('/')))] : keys;
    out.push(`**${consumer}**`, '', `| version / campaign | ${cols.join(' | ')} |`, `|---|${cols.map(() => '---').join('|')}|`);
    for (const r of rows) {
      const cellsOf = cols.map((c) => {
        const e = cells[hasVariant ? `${c}/${r}` : r];
        if (e === undefined) return '';
        const ids = Object.keys(e.findings).sort(byId);
        return ids.length === 0 ? 'holds' : ids.map((id) => `[${id}](${root}${e.findings[id]})`).join(', ');
      });
      out.push(`| ${r} | ${cellsOf.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
