/**
 * The `-fixed` variants at 10× the CI budget: every applicable campaign (irq campaigns
 * included, contract campaigns skipped as in CI) with ten times its runs, against the
 * manifest. Prints runs, seconds and failures per variant; exit 1 when any `-fixed` variant
 * breaks anything. Run: npx tsx bench/fixed_10x.bench.ts [factor]
 */
import { audit } from '../explore/audit';
import { CAMPAIGNS, IRQ_CAMPAIGNS, type Campaign } from '../explore/campaigns';
import { readManifest } from '../counterexamples/manifest';
import { FIXED_VARIANT_NAMES, variantByName } from '../model/variants/registry';

const factor = Number(process.argv[2] ?? 10);
const m = readManifest();
let bad = 0;
for (const name of FIXED_VARIANT_NAMES) {
  const t0 = performance.now();
  // Seeds differ from CI's so the 10x budget explores new runs, not CI's again.
  const scale = (cs: readonly Campaign[]): Campaign[] => cs.map((c) => ({ ...c, runs: Math.max(1, Math.round(c.runs * factor)), seed: c.seed + 7919 }));
  const r = audit([variantByName(name)], [...scale(CAMPAIGNS), ...scale(IRQ_CAMPAIGNS)], m, { irq: false });
  const runs = r.figures.reduce((n, f) => n + f.runs, 0);
  const failures = r.failures;
  bad += failures.length;
  console.log(`${name}: ${runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${factor}x the CI budget: ${failures.length} failure(s)`);
  for (const f of failures) console.log(`  ${f.kind} ${f.campaign} ${f.property}: ${f.detail.split('\n')[0]}`);
}
process.exitCode = bad === 0 ? 0 : 1;
