/**
 * `vmapcheck audit-irq --variant V`: per API call, was it seen safe from hardirq, softirq
 * and process context with irqs off within the budget; for each problem, the shrunk
 * counterexample (written to out/irq/ and printed as a kernel-style splat).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Variant } from '../model/variants/variant';
import { auditIrq, type IrqVerdict } from '../explore/irq_audit';
import { IRQ_CALLS, IRQ_CONTEXTS } from '../explore/campaigns';
import { counterexamplePath } from '../counterexamples/build';
import { MANIFEST_FORMAT, MANIFEST_PATH, readManifest, writeManifest, type Manifest } from '../counterexamples/manifest';
import { existsSync } from 'node:fs';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { prepareOutDir } from './out_dir';
import { pickVariants } from './select';

/** The verdict table as text. */
export function irqTable(v: string, verdicts: readonly IrqVerdict[]): string {
  const cellOf = (call: string, ctx: string): string => {
    const r = verdicts.find((x) => x.call === call && x.context === ctx)!;
    if (r.exercised === 0) return 'not exercised';
    return r.problems.length === 0 ? `safe (${r.exercised} runs)` : `UNSAFE: ${r.problems.map((p) => p.property).join(', ')}`;
  };
  const rows = IRQ_CALLS.map((call) => `| ${call} | ${IRQ_CONTEXTS.map((ctx) => cellOf(call, ctx)).join(' | ')} |`);
  return [`irq-safety audit of ${v}`, `| call | ${IRQ_CONTEXTS.join(' | ')} |`, `|---|${IRQ_CONTEXTS.map(() => '---').join('|')}|`, ...rows].join('\n');
}

/** Run the irq audit command. */
export function runAuditIrq(flags: Record<string, unknown>, variants: Variant[]): number {
  const out = prepareOutDir('audit-irq', (flags.out as string | undefined) ?? 'out');
  const write = flags.write === true;
  const manifest: Manifest = existsSync(MANIFEST_PATH) ? readManifest() : { format: MANIFEST_FORMAT, variants: {} };
  mkdirSync(`${out}/irq`, { recursive: true });
  for (const v of variants) {
    const verdicts = auditIrq(v, flags.runs as number | undefined, (l) => console.log(l));
    console.log(irqTable(v.name, verdicts));
    for (const r of verdicts) {
      const entry = ((manifest.variants[v.name] ??= {})[r.campaign] = { violated: {} as Record<string, string> });
      for (const p of r.problems) {
        if (p.counterexample === null) continue;
        const path = write ? counterexamplePath(v.name, r.campaign, p.property) : `${out}/irq/${counterexamplePath(v.name, r.campaign, p.property).replace('counterexamples/', '')}`;
        entry.violated[p.property] = path;
        writeFileSync(path, JSON.stringify(p.counterexample, null, 1) + '\n');
        console.log(`------------[ cut here ]------------\n${v.name}: ${r.call} in ${r.context}: ${p.property} (${p.count} runs)\n${p.message}\n  shrunk: ${p.counterexample.stats.ops} ops, ${p.counterexample.stats.contextSwitches} switches -> ${path}\n---[ end trace ]---`);
      }
    }
    writeFileSync(`${out}/irq/${v.name}.md`, irqTable(v.name, verdicts) + '\n');
  }
  if (write) writeManifest(manifest);
  return EXIT.OK;
}

/** `vmapcheck audit-irq`. */
export const AUDIT_IRQ: Command = {
  name: 'audit-irq',
  summary: 'irq-safety audit: per API call, is it safe from hardirq / softirq / irqs-off?',
  synopsis: '[--variant V,…] [--runs N] [--out DIR] [--write]',
  flags: [
    { name: 'variant', kind: 'list', help: 'variant(s) to audit (default: all)' },
    { name: 'runs', kind: 'int', min: 1, help: 'runs per call and context (default: the irq campaign budget)' },
    { name: 'out', kind: 'string', help: 'report folder (default: out), validated first' },
    { name: 'write', kind: 'bool', help: 'save counterexamples/*.json and record them in expectations.json' },
  ],
  examples: [['npx vmapcheck audit-irq --variant irqsafe', 'the verdict table of the irq-safety patch']],
  run: ({ flags }: Parsed) => runAuditIrq(flags, pickVariants('audit-irq', flags.variant as string[] | undefined)),
};
