/**
 * The full "no JavaScript exception" sweep (a script, not a test): every variant under every
 * campaign for `mult` times its CI budget, half fast-check samples and half PCT runs, every
 * property attached; prints runs, steps, time and every exception that escaped the engine.
 * Run with `npx tsx bench/js_exceptions.bench.ts [mult=10] [variant...]`.
 */
import { CAMPAIGNS } from '../explore/campaigns';
import { sweepForExceptions } from '../explore/exception_sweep';
import { VARIANTS, variantByName } from '../model/variants/registry';

const mult = Number(process.argv[2] ?? 10);
const variants = process.argv.length > 3 ? process.argv.slice(3).map(variantByName) : VARIANTS;
let total = 0;
let escapedTotal = 0;
const t0 = performance.now();
for (const v of variants) {
  for (const c of CAMPAIGNS) {
    const t = performance.now();
    const r = sweepForExceptions(v, c, mult * c.runs, c.seed + 104729);
    total += r.runs;
    escapedTotal += r.escaped.length;
    console.log(`${v.name}/${c.name}: ${r.runs} runs, ${r.steps} steps, ${((performance.now() - t) / 1000).toFixed(1)} s, ${r.escaped.length} JS exception(s)`);
    for (const e of r.escaped.slice(0, 3)) console.log(`  ${e.strategy} #${e.index} seed ${e.seed}: ${e.error}\n  ${JSON.stringify(e.scenario)}`);
  }
}
console.log(`total: ${total} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${escapedTotal} JS exception(s)`);
