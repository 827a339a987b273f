/**
 * `vmapcheck audit-irq --variant V`: per API call, is it safe from hardirq, softirq and
 * process context with irqs off? The irq campaigns are audited like every other campaign
 * (their findings are in expectations.json); this prints the verdict table.
 */
import type { Variant } from '../model/engine/variant';
import { audit } from '../explore/audit';
import { IRQ_CALLS, IRQ_CONTEXTS } from '../explore/campaigns';
import type { IrqCell } from '../explore/irq_cells';
import { readManifest } from '../counterexamples/manifest';
import { terminalSummary } from '../reports/index';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { pickVariants } from './select';

/** The verdict table as text. */
export function irqTable(v: string, cells: readonly IrqCell[]): string {
  const cellOf = (call: string, ctx: string): string => {
    const r = cells.find((x) => x.call === call && x.context === ctx);
    if (r === undefined) return 'not run (contract campaign)';
    const ids = Object.keys(r.problems);
    if (ids.length > 0) return `UNSAFE: ${ids.join(', ')}`;
    return r.exercised === 0 ? 'not exercised' : `safe (${r.exercised} runs)`;
  };
  const rows = IRQ_CALLS.map((call) => `| ${call} | ${IRQ_CONTEXTS.map((ctx) => cellOf(call, ctx)).join(' | ')} |`);
  return [`irq-safety audit of ${v}`, `| call | ${IRQ_CONTEXTS.join(' | ')} |`, `|---|${IRQ_CONTEXTS.map(() => '---').join('|')}|`, ...rows].join('\n');
}

/** Run the irq audit command (exit 1 when the irq campaigns disagree with the manifest). */
export function runAuditIrq(flags: Record<string, unknown>, variants: Variant[]): number {
  const r = audit(variants, [], readManifest(), { irq: true, ...(flags.runs !== undefined ? { runs: flags.runs as number } : {}), progress: (l) => console.log(l) });
  for (const v of variants) console.log(irqTable(v.name, r.irq.filter((c) => c.variant === v.name)));
  if (!r.ok) console.log(terminalSummary(r));
  return r.ok ? EXIT.OK : EXIT.FINDING;
}

/** `vmapcheck audit-irq`. */
export const AUDIT_IRQ: Command = {
  name: 'audit-irq',
  summary: 'irq-safety audit: per API call, is it safe from hardirq / softirq / irqs-off?',
  synopsis: '[--variant V,…] [--runs N]',
  flags: [
    { name: 'variant', kind: 'list', help: 'variant(s) to audit (default: all)' },
    { name: 'runs', kind: 'int', min: 1, help: 'runs per call and context (default: the irq campaign budget)' },
  ],
  examples: [['npx vmapcheck audit-irq --variant irqsafe', 'the verdict table of the irq-safety patch']],
  run: ({ flags }: Parsed) => runAuditIrq(flags, pickVariants('audit-irq', flags.variant as string[] | undefined)),
};
