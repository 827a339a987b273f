/**
 * Peak RSS of a long check campaign (a script, not a test): for `--minutes` (default 10) it
 * cycles every base and -fixed variant through every campaign, `--chunk` seeded fast-check
 * runs at a time (explore/fastcheck.ts survey: every property attached, as `check` runs them),
 * a new seed each cycle, and samples RSS after every chunk. Reports runs, steps, chunks, peak
 * RSS (process.resourceUsage().maxRSS and the sampled memoryUsage().rss), and crashes: a
 * JavaScript exception escaping a survey (no JavaScript exception is a result). Target: peak
 * under 1 GiB, zero crashes.
 * Run: npx tsx bench/rss_campaign.bench.ts [--minutes 10] [--chunk 50]
 */
import { CAMPAIGNS } from '../explore/campaigns';
import { survey } from '../explore/fastcheck';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../model/variants/registry';
import { emitJson } from './emit';

/** `--name value` from argv, or the default. */
function flag(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!(v > 0)) {
    console.error(`rss_campaign: --${name} needs a positive number, not '${process.argv[i + 1] ?? ''}' (e.g. --${name} ${dflt})`);
    process.exit(2);
  }
  return v;
}

const MINUTES = flag('minutes', 10);
const CHUNK = Math.floor(flag('chunk', 50));
const variants = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)];
const MiB = 1024 * 1024;
const t0 = performance.now();
const deadline = t0 + MINUTES * 60_000;
let runs = 0;
let steps = 0;
let chunks = 0;
let crashes = 0;
let sampledPeak = process.memoryUsage().rss;
const crashNotes: string[] = [];

for (let cycle = 0; performance.now() < deadline; cycle++) {
  for (const v of variants) {
    for (const c of CAMPAIGNS) {
      if (performance.now() >= deadline) break;
      try {
        const s = survey(v, c, CHUNK, c.seed + 7_000_003 * (cycle + 1));
        runs += s.runs;
        steps += s.steps;
      } catch (e) {
        crashes++;
        if (crashNotes.length < 5) crashNotes.push(`${v.name}/${c.name} cycle ${cycle}: ${(e as Error).message.split('\n')[0]}`);
      }
      chunks++;
      sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss);
    }
  }
}
const sec = (performance.now() - t0) / 1000;
// maxRSS is in KiB on Linux (getrusage ru_maxrss).
const maxRss = (process.resourceUsage().maxRSS * 1024) / MiB;
console.log(`rss campaign: ${MINUTES} min budget, ${sec.toFixed(0)} s, ${variants.length} variants x ${CAMPAIGNS.length} campaigns, ${CHUNK} runs per chunk (node ${process.version})`);
console.log(`runs ${runs}, steps ${steps}, chunks ${chunks}, crashes ${crashes}`);
console.log(`peak RSS: maxRSS ${maxRss.toFixed(0)} MiB, sampled rss ${(sampledPeak / MiB).toFixed(0)} MiB (target < 1024 MiB, zero crashes)`);
for (const n of crashNotes) console.log(`  crash: ${n}`);
emitJson('rss_campaign', [
  { name: 'minutes', value: MINUTES, unit: 'min' },
  { name: 'runs', value: runs },
  { name: 'steps', value: steps },
  { name: 'crashes', value: crashes, note: 'target 0' },
  { name: 'peak RSS (maxRSS)', value: Math.round(maxRss), unit: 'MiB', note: 'target < 1024' },
  { name: 'peak RSS (sampled)', value: Math.round(sampledPeak / MiB), unit: 'MiB' },
], [], crashNotes);
