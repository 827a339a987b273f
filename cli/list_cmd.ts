/**
 * `vmapcheck list [WHAT]`: what can be named on the command line, enumerated from the
 * registries themselves (variants, properties, layouts, campaigns, workloads, findings), so
 * the list can never drift from what the tool accepts.
 */
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../explore/campaigns';
import { WORKLOADS } from '../explore/workloads';
import { FINDINGS } from '../counterexamples/findings';
import { LAYOUTS } from '../model/config/layout';
import { VARIANTS } from '../model/variants/registry';
import { PROPERTIES } from '../properties/index';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT, UsageError } from './exit';
import { didYouMean } from './suggest';

/** Rows of [name, one-line description], per listable kind. */
export const LISTS: Record<string, () => [string, string][]> = {
  variants: () => VARIANTS.map((v) => [v.name, v.description]),
  // The lead's fix registry (composite names like 'rewrite-v2+F3') adds a `fixes` list here.
  findings: () => FINDINGS.map((f) => [f.id, f.title]),
  properties: () => PROPERTIES.map((p) => [p.name, `[${p.when}] ${p.forbids}`]),
  layouts: () => Object.values(LAYOUTS).map((l) => [l.name, `vmalloc ${hex(l.VMALLOC_START)}..${hex(l.VMALLOC_END)}, ${BigInt(1) << BigInt(l.PAGE_SHIFT)}-byte pages, NR_CPUS=${l.NR_CPUS}`]),
  campaigns: () => [...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => [c.name, `${c.layout}, ${c.cpus} CPU(s), ${c.runs} runs: ${c.description}`]),
  workloads: () => WORKLOADS.map((w) => [w.name, w.body === null ? `(not expressible: ${w.why ?? ''})` : w.kernel]),
};

function hex(x: bigint | number): string {
  return '0x' + BigInt(x).toString(16);
}

function runList({ positional, flags }: Parsed): number {
  const kinds = Object.keys(LISTS);
  const what = positional[0];
  if (what !== undefined && LISTS[what] === undefined) throw new UsageError(`list: unknown kind '${what}'${didYouMean(what, kinds)}; one of ${kinds.join(', ')}`);
  const chosen = what === undefined ? kinds : [what];
  if (flags.json === true) {
    process.stdout.write(JSON.stringify(Object.fromEntries(chosen.map((k) => [k, LISTS[k]!().map(([name, doc]) => ({ name, doc }))])), null, 2) + '\n');
    return EXIT.OK;
  }
  for (const k of chosen) {
    const rows = LISTS[k]!();
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`${k} (${rows.length}):`);
    for (const [name, doc] of rows) console.log(`  ${name.padEnd(w)}  ${doc}`.trimEnd());
    console.log('');
  }
  return EXIT.OK;
}

/** `vmapcheck list`. */
export const LIST: Command = {
  name: 'list',
  summary: 'list variants, findings, properties with their one-line doc, layouts, campaigns, workloads',
  synopsis: `[${Object.keys(LISTS).join('|')}] [--json]`,
  flags: [{ name: 'json', kind: 'bool', help: 'as JSON' }],
  positional: { name: 'kind', min: 0, max: 1 },
  examples: [
    ['npx vmapcheck list', 'everything'],
    ['npx vmapcheck list properties', 'each property and what it forbids'],
  ],
  run: runList,
};
