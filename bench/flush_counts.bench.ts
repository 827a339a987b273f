/**
 * The seed's headline claim as event counts (a script, not a test). Nick's test: every thread
 * loops "map 4 pages, touch, unmap" on its own CPU; ns per map+touch+unmap at 1/2/4/8 threads
 * were vanilla 14700/33600/49500/70631, rewrite 2900/3000/2800/2900. The model has no clock,
 * so this counts what the time was spent on: global TLB flushes and the IPIs they broadcast,
 * per map+touch+unmap, with vm_map_ram/vm_unmap_ram (vanilla maps it onto vmap/vunmap) and
 * with vmap/vunmap, on x86-64 (NR_CPUS 64), under a seeded round-robin interleaving.
 * The counts are deterministic; the claim's shape is: vanilla's IPIs per op grow with the
 * CPUs (one broadcast flush per unmap), the rewrite's stay near zero (one flush per
 * lazy_max_pages() of lazily freed pages, or per filled-and-dirtied vmap block).
 * Run: npx tsx bench/flush_counts.bench.ts [loopsPerCpu=2500] [cpus=1,2,4,8]
 */
import { X86_64 } from '../model/config/layout';
import { run } from '../model/engine/runner';
import { variantByName } from '../model/variants/registry';
import { generate, type Workload } from '../explore/workloads';
import { emitJson, type Table } from './emit';

const LOOPS = Number(process.argv[2] ?? 2500);
const CPUS = (process.argv[3] ?? '1,2,4,8').split(',').map(Number);
const VARIANTS = ['vanilla', 'rewrite-v2', 'rewrite-v2-fixed'];
const PAGES = 4;

/** Nick's loop as a workload body, on the given entry point. */
const loop = (api: 'vm_map_ram' | 'vmap'): Workload => ({
  name: `map_touch_unmap_4_${api}`,
  mask: 0,
  kernel: 'map 4 pages, touch, unmap (the seed\'s performance test)',
  entry: api === 'vm_map_ram' ? 'vm_map_ram / vm_unmap_ram' : 'vmap / vunmap',
  defaultLoops: LOOPS,
  body: (b, p) => {
    for (let i = 0; i < p.loops; i++) {
      if (api === 'vm_map_ram') {
        const h = b.vm_map_ram(PAGES);
        b.touch(h);
        b.vm_unmap_ram(h);
      } else {
        const h = b.vmap(PAGES);
        b.touch(h);
        b.vunmap(h);
      }
    }
  },
});

const head = ['api', 'variant', 'cpus', 'ops', 'flushes', 'ipis', 'flush/op', 'ipi/op', 'purges', 'ending'];
const rows: (string | number)[][] = [head];
console.log(`flush/IPI counts per map+touch+unmap of ${PAGES} pages, ${LOOPS} loops per CPU, x86-64 (node ${process.version})`);
for (const api of ['vm_map_ram', 'vmap'] as const) {
  for (const name of VARIANTS) {
    const variant = variantByName(name);
    for (const cpus of CPUS) {
      const gen = generate(loop(api), { cpus, layout: X86_64, mode: cpus > 1 ? 'stress' : 'performance', seed: 'flush_counts' });
      let work = { flushes: 0, ipis: 0, purges: 0 };
      const res = run(gen.scenario, {
        variant,
        layout: X86_64,
        cpus,
        maxSteps: 200_000_000,
        maxCallSteps: 1_000_000,
        // Only the program's calls count (teardown ops have negative ids).
        checks: { afterCall: [(w, op) => void (op.id >= 0 && (work = { flushes: w.mm.flushes, ipis: w.mm.ipis, purges: w.metrics.purges }))] },
      });
      const n = LOOPS * cpus;
      rows.push([api, name, cpus, n, work.flushes, work.ipis, (work.flushes / n).toFixed(4), (work.ipis / n).toFixed(4), work.purges, res.ending]);
    }
  }
}
const width = head.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const r of rows) console.log(r.map((c, i) => (i < 2 || i === 9 ? String(c).padEnd(width[i]!) : String(c).padStart(width[i]!))).join('  '));
console.log('seed (ns per op, 4-core 2-socket Opteron): vanilla 14700/33600/49500/70631, rewrite 2900/3000/2800/2900 at 1/2/4/8 threads');
const table: Table = { title: `TLB flushes and IPIs per map+touch+unmap of 4 pages (${LOOPS} loops per CPU, x86-64)`, rows };
emitJson('flush_counts', [], [table], ['counts are deterministic (seeded schedule); teardown (leftover unmaps, vm_unmap_aliases) excluded']);
