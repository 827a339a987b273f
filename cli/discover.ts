/**
 * `vmapcheck discover`: find, shrink and classify every finding of each base under each
 * campaign (counterexamples/discover.ts), check the `-fixed` variants for leftovers, and
 * with --write save the counterexamples and the finding-centric expectations.json.
 */
import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Variant } from '../model/engine/variant';
import { FIXED_VARIANT_NAMES, VARIANTS, parseVariantName, variantByName } from '../model/variants/registry';
import { recordConsumers } from '../explore/consumer_audit';
import { CAMPAIGNS, IRQ_CAMPAIGNS, type Campaign } from '../explore/campaigns';
import { adoptFromAudit, discover as run, writeDiscovery } from '../counterexamples/discover';
import { MANIFEST_PATH, readManifest, writeManifest, type Manifest } from '../counterexamples/manifest';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { pickCampaigns, pickVariants } from './select';

/** Discover, shrink, classify and optionally record. */
export function discover(variants: readonly Variant[], campaigns0: readonly Campaign[], write: boolean, runs?: number, log: (s: string) => void = console.log, pctRuns = 0): void {
  const bases = variants.filter((v) => parseVariantName(v.name).fixes.length === 0);
  // The default selection (every campaign) includes the irq-safety campaigns.
  const campaigns = campaigns0.length === CAMPAIGNS.length && campaigns0.every((c, i) => c === CAMPAIGNS[i]) ? [...CAMPAIGNS, ...IRQ_CAMPAIGNS] : campaigns0;
  const fixed = FIXED_VARIANT_NAMES.filter((n) => bases.some((b) => n.startsWith(b.name + '-'))).map(variantByName);
  const d = run(bases, campaigns, fixed, { ...(runs !== undefined ? { runs } : {}), pct: pctRuns, log });
  log(`${d.files.size} counterexample(s) kept; ${d.unclassified.length} violation(s) no fix or contract explains${d.unclassified.length > 0 ? ' (written to counterexamples/unclassified/)' : ''}`);
  if (!write) return;
  // A partial discovery (some variants or campaigns) updates only its own cells.
  const old: Manifest | null = existsSync(MANIFEST_PATH) ? safeRead() : null;
  const merged: Manifest = old === null ? d.manifest : { ...old, findings: { ...old.findings, ...d.manifest.findings }, variants: { ...old.variants } };
  if (old !== null) for (const [v, cs] of Object.entries(d.manifest.variants)) merged.variants[v] = { ...(old.variants[v] ?? {}), ...cs };
  const written = new Set(writeDiscovery(d));
  const referenced = new Set(Object.values(merged.variants).flatMap((cs) => Object.values(cs).flatMap((c) => Object.values(c.findings))));
  // Stale files of the bases just discovered go (other bases' files are not this run's to judge).
  for (const f of readdirSync('counterexamples').filter((x) => x.endsWith('.json') && bases.some((b) => x.startsWith(`${b.name}.`)))) {
    const path = `counterexamples/${f}`;
    if (!referenced.has(path) && !written.has(path)) unlinkSync(path);
  }
  // Close the loop with the CI check: adopt what the audit classifies but the manifest misses.
  const adopted = adoptFromAudit(merged, bases, campaigns, log);
  for (const [path, ce] of adopted.files) writeFileSync(path, JSON.stringify(ce, null, 1) + '\n');
  if (adopted.unclassified.length > 0) log(`${adopted.unclassified.length} failure(s) the audit could not classify: new findings to explain`);
  // The consumers' verdicts are recorded with a discovery of every base.
  const all = VARIANTS.every((b) => bases.some((v) => v.name === b.name));
  writeManifest(all ? { ...merged, consumers: recordConsumers() } : merged);
  log(`wrote ${MANIFEST_PATH} and ${written.size} file(s)`);
}

function safeRead(): Manifest | null {
  try {
    return readManifest();
  } catch {
    return null;
  }
}

/** `vmapcheck discover`. */
export const DISCOVER: Command = {
  name: 'discover',
  summary: 'find, shrink and classify findings by experiment (fast-check, PCT, hand-made templates, then a dig with the other fixes applied); --write saves counterexamples and the finding-centric expectations.json',
  synopsis: '[--variant V,…] [--campaign C,…] [--runs N] [--pct N] [--write]',
  flags: [
    { name: 'variant', kind: 'list', help: 'variant(s) (default: all)' },
    { name: 'campaign', kind: 'list', help: 'campaign(s) (default: all)' },
    { name: 'runs', kind: 'int', min: 1, help: 'fast-check runs per campaign (default: the campaign budget)' },
    { name: 'pct', kind: 'int', min: 0, help: `also run this many PCT runs per campaign (depth 3; default 0)` },
    { name: 'write', kind: 'bool', help: 'write counterexamples/*.json and expectations.json' },
  ],
  examples: [
    ['npx vmapcheck discover --variant rewrite-v2 --campaign tiny-2cpu', 'what does this campaign break? (writes nothing)'],
    ['npx vmapcheck discover --pct 800 --write', 'after a model change: re-derive the corpus and the manifest'],
  ],
  run: ({ flags }: Parsed) => {
    discover(pickVariants('discover', flags.variant as string[] | undefined), pickCampaigns('discover', flags.campaign as string[] | undefined), flags.write === true, flags.runs as number | undefined, console.log, (flags.pct as number | undefined) ?? 0);
    return EXIT.OK;
  },
};
