/**
 * `vmapcheck audit`: the main job. Every chosen variant under every chosen campaign,
 * compared with expectations.json; writes HTML, JUnit, Markdown and JSON reports and prints
 * kernel-style splats for anything unexpected. Exit 1 when the audit disagrees with the
 * manifest.
 */
import { audit } from '../explore/audit';
import type { Campaign } from '../explore/campaigns';
import type { Variant } from '../model/variants/variant';
import { readManifest } from '../counterexamples/manifest';
import { terminalSummary, writeReports } from '../reports/index';

/** Run the audit command. */
export function runAudit(flags: Record<string, unknown>, sel: { variants: Variant[]; campaigns: Campaign[] }): number {
  const manifest = readManifest();
  const out = (flags.out as string | undefined) ?? 'out';
  const quiet = flags.quiet === true;
  const t0 = performance.now();
  const total = sel.variants.length * (sel.campaigns.length + (flags['no-irq'] === true ? 0 : 1));
  let done = 0;
  const r = audit(sel.variants, sel.campaigns, manifest, {
    irq: flags['no-irq'] !== true,
    ...(flags.runs !== undefined ? { runs: flags.runs as number } : {}),
    progress: (line) => {
      done++;
      if (!quiet) console.log(`[${done}/${total}] ${line}`);
    },
  });
  console.log(terminalSummary(r));
  const paths = writeReports(r, out);
  console.log(`reports: ${paths.join(', ')}`);
  console.log(`audit ${r.ok ? 'OK' : 'FAILED'}: ${r.failures.length} mismatch(es) with expectations.json in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r.ok ? 0 : 1;
}
