import seedrandom from 'seedrandom';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from './explore/campaigns';
import { runScenario } from './explore/check';
import { pctChooser, randomScenario } from './explore/pct';
import { VARIANTS } from './model/variants/registry';
const runs = Number(process.argv[2] ?? 2000);
const seed = process.argv[3] ?? 'sweep';
const t0 = Date.now();
for (const c of [...CAMPAIGNS, ...IRQ_CAMPAIGNS.filter((_, i) => i % 3 === 0)]) for (const v of VARIANTS) {
  let bad = 0;
  for (let run = 0; run < runs; run++) {
    const rs = `${seed}/${v.name}/${c.name}/${run}`;
    const scn = randomScenario(c, seedrandom(rs + '/prog'));
    try {
      runScenario(v, c, scn, { chooser: pctChooser(c, { seed: rs, depth: 3, k: 400 }, scn) });
    } catch (e) {
      bad++;
      if (bad <= 2) console.log(`EXC ${v.name}/${c.name} run ${run}: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`);
    }
  }
  console.log(`${v.name}/${c.name}: ${runs} runs, ${bad} JS exceptions (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}
