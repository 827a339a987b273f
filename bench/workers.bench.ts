/**
 * `check --workers 1` against `--workers 2`: runs/s of the same selection (every variant,
 * the tiny campaigns, no irq audit, reports written), median of 3, and the speed-up.
 * Run: npx tsx bench/workers.bench.ts [budget]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main';
import { CAMPAIGNS } from '../explore/campaigns';
import { VARIANTS } from '../model/variants/registry';

const budget = Number(process.argv[2] ?? 300);
const campaigns = CAMPAIGNS.filter((c) => c.layout.startsWith('tiny'));
const runs = budget * campaigns.length * VARIANTS.length;
const dir = mkdtempSync(join(tmpdir(), 'vmapcheck-bench-'));

async function once(workers: number): Promise<number> {
  const log = console.log;
  const write = process.stdout.write.bind(process.stdout);
  console.log = () => undefined;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  const t0 = performance.now();
  try {
    await main(['check', '--campaign', campaigns.map((c) => c.name).join(','), '--budget', String(budget), '--no-irq', '--quiet', '--workers', String(workers), '--out', join(dir, `w${workers}`)]);
  } finally {
    console.log = log;
    process.stdout.write = write;
  }
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const rate: Record<number, number> = {};
for (const w of [1, 2]) {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push(await once(w));
  rate[w] = runs / (median(times) / 1000);
  console.log(`--workers ${w}: ${runs} runs (${VARIANTS.length} variants x ${campaigns.length} campaigns x ${budget}) in ${(median(times) / 1000).toFixed(2)} s median of 3 = ${rate[w]!.toFixed(0)} runs/s`);
}
console.log(`speed-up --workers 2 / --workers 1: ${(rate[2]! / rate[1]!).toFixed(2)}x`);
