/**
 * `vmapcheck workload`: run lib/test_vmalloc.c's test cases (explore/workloads.ts) on the
 * realistic layouts with every safety property and lockdep attached, and print per-workload
 * metrics: TLB flushes, IPIs, purges, vmap blocks, peak KVA, lazy counter peak, violations.
 * bench/workloads.bench.ts prints the same table with medians over repeats.
 */
import { LAYOUTS, X86_32, X86_64, type Layout } from '../model/config/layout';
import { run } from '../model/engine/runner';
import type { World } from '../model/engine/world';
import { fls } from '../model/kernel/bitops';
import { Lockdep } from '../model/kernel/lockdep';
import type { Variant } from '../model/engine/variant';
import { checksFor, SAFETY } from '../properties/index';
import { WORKLOADS, generate, type Generated, type Workload } from '../explore/workloads';
import { BlockSampler, type BlockMetrics } from '../explore/block_metrics';
import type { Violation } from '../model/engine/violation';
import { UsageError } from './exit';
import type { Parsed } from './args';
import type { Command } from './command';
import { EXIT } from './exit';
import { pickVariants } from './select';
import { VARIANTS } from '../model/variants/registry';
import { didYouMean } from './suggest';

/** Flags of `vmapcheck workload`, already parsed. */
export interface WorkloadFlags {
  name?: string;
  variant?: string[];
  layout?: string;
  loops?: number;
  cpus?: number;
}

/** Counters the afterCall sampler snapshots. */
interface Counters {
  flushes: number;
  ipis: number;
  purges: number;
}

/** One table row: one workload on one variant and layout. */
export interface Row {
  readonly workload: string;
  readonly variant: string;
  readonly layout: string;
  readonly cpus: number;
  readonly mode: string;
  readonly ops: number;
  readonly unmaps: number;
  readonly steps: number;
  /** Median wall time over the repeats. */
  readonly ms: number;
  /** During the programs (teardown excluded). */
  readonly work: Counters;
  /** After the last program call returned: the teardown (unmap leftovers, vm_unmap_aliases). */
  readonly teardown: Counters;
  readonly blocksCreated: number;
  readonly blocksFreed: number;
  /** Property names broken, with the finding id (docs/findings.md) where classified. */
  readonly violations: readonly string[];
  /** Max over API-call returns of the pages the layer's areas cover (lazily freed ones included). */
  readonly peakKva: number;
  /** Null for a variant without vmap_lazy_nr. */
  readonly lazyPeak: number | null;
  /** vmap block occupancy and failures (explore/block_metrics.ts). */
  readonly blocks: BlockMetrics;
  readonly ending: string;
}

/** Step bounds for realistic sizes: a purge may walk thousands of areas in one call. */
const MAX_STEPS = 100_000_000;
const MAX_CALL_STEPS = 1_000_000;

const counters = (w: World): Counters => ({ flushes: w.mm.flushes, ipis: w.mm.ipis, purges: w.metrics.purges });

/**
 * `[noted F9]`: the hazardous C paths the run took (ghost notes), as a hint; a workload is
 * not a campaign scenario, so it is not classified by the fix experiments.
 */
function findingOf(_variant: Variant, _v: Violation, w: World): string {
  return w.notes.size === 0 ? '' : `[noted ${[...w.notes.keys()].join(', ')}]`;
}

/** Median of a non-empty list. */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Run `gen` on `variant` `repeats` times (identical runs: determinism); metrics from the last. */
export function measure(wl: Workload, variant: Variant, layout: Layout, cpus: number, gen: Generated, repeats: number): Row {
  const base = checksFor(variant, SAFETY);
  const times: number[] = [];
  let row: Row | null = null;
  for (let r = 0; r < Math.max(1, repeats); r++) {
    let peak = 0;
    const sampler = new BlockSampler();
    let work: Counters = { flushes: 0, ipis: 0, purges: 0 };
    const shift = BigInt(layout.PAGE_SHIFT);
    const t0 = performance.now();
    const res = run(gen.scenario, {
      variant,
      layout,
      cpus,
      maxSteps: MAX_STEPS,
      maxCallSteps: MAX_CALL_STEPS,
      setup: (w) => void w.observers.push(new Lockdep(w)),
      checks: {
        ...base,
        afterCall: [
          ...(base.afterCall ?? []),
          (w, op) => {
            sampler.sample(w, variant.view(w), op);
            let pages = 0;
            for (const a of variant.view(w).areas()) pages += Number((a.va_end - a.va_start) >> shift);
            peak = Math.max(peak, pages);
            // Teardown ops have negative ids; counters are monotone, so the last program op's snapshot is the workload's.
            if (op.id >= 0) work = counters(w);
          },
        ],
      },
    });
    times.push(performance.now() - t0);
    const w = res.world;
    const all = counters(w);
    row = {
      workload: wl.name,
      variant: variant.name,
      layout: layout.name,
      cpus,
      mode: gen.mode,
      ops: gen.ops,
      unmaps: gen.unmaps,
      steps: res.steps,
      ms: 0,
      work,
      teardown: { flushes: all.flushes - work.flushes, ipis: all.ipis - work.ipis, purges: all.purges - work.purges },
      blocksCreated: w.metrics.blocksCreated,
      blocksFreed: w.metrics.blocksFreed,
      peakKva: peak,
      lazyPeak: (variant.features ?? []).includes('lazy-purge') ? w.metrics.lazyPeak : null,
      blocks: sampler.result(),
      violations: [...new Set(w.violations.map((v) => `${v.property}${findingOf(variant, v, w)}`))].sort(),
      ending: res.ending,
    };
  }
  return { ...row!, ms: median(times) };
}

const HEAD = ['workload', 'variant', 'layout', 'mode', 'cpus', 'ops', 'steps', 'ms', 'steps/s', 'flush', 'ipi', 'fl/unmap', 'purge', 'td f/i/p', 'blk+', 'blk-', 'peakKVA', 'lazyPk', 'blk/pg', 'deadKVA', 'fail', 'failHeld', 'violations'];

/** The rows as an aligned text table (numbers right-aligned). */
export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.workload,
    r.variant,
    r.layout,
    r.mode === 'performance' ? 'perf' : r.mode,
    String(r.cpus),
    String(r.ops),
    String(r.steps),
    r.ms.toFixed(0),
    String(Math.round(r.steps / Math.max(r.ms, 1e-3) * 1000)),
    String(r.work.flushes),
    String(r.work.ipis),
    r.unmaps === 0 ? '-' : (r.work.flushes / r.unmaps).toFixed(3),
    String(r.work.purges),
    `${r.teardown.flushes}/${r.teardown.ipis}/${r.teardown.purges}`,
    String(r.blocksCreated),
    String(r.blocksFreed),
    String(r.peakKva),
    r.lazyPeak === null ? '-' : String(r.lazyPeak),
    r.blocks.blocksPerLivePage === null ? '-' : r.blocks.blocksPerLivePage.toFixed(4),
    String(r.blocks.deadKvaPeak),
    String(r.blocks.failures),
    String(r.blocks.failuresWhileHeld),
    [...r.violations, ...(r.ending === 'done' ? [] : [`(${r.ending})`])].join(',') || '-',
  ]);
  const width = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const left = new Set([0, 1, 2, 3, HEAD.length - 1]);
  const line = (c: readonly string[]): string => c.map((x, i) => (left.has(i) ? x.padEnd(width[i]!) : x.padStart(width[i]!))).join('  ').trimEnd();
  return [line(HEAD), ...cells.map(line)].join('\n');
}

/** What to run and how often. */
export interface TableOptions {
  readonly workloads: readonly Workload[];
  readonly variants: readonly Variant[];
  readonly layouts: readonly Layout[];
  readonly cpus: number;
  /** Schedules to run each workload under (stress needs cpus > 1 to interleave anything). */
  readonly modes: readonly ('performance' | 'stress')[];
  /** Loops per CPU per workload name (default: each workload's defaultLoops). */
  readonly loops?: (wl: Workload) => number;
  readonly repeats: number;
  readonly junkDivisor?: number;
  readonly busyDivisor?: number;
  readonly log: (s: string) => void;
}

/** Run the selection, print sizes, the table, a legend and the inexpressible tests; returns the rows. */
export function workloadTable(o: TableOptions): Row[] {
  const rows: Row[] = [];
  const runnable = o.workloads.filter((wl) => wl.body !== null);
  for (const layout of o.layouts) {
    const lazy = (fls(o.cpus) * Number(layout.LAZY_BYTES_PER_LOG)) >> layout.PAGE_SHIFT;
    const space = Number((layout.VMALLOC_END - layout.VMALLOC_START) >> BigInt(layout.PAGE_SHIFT));
    o.log(`${layout.name}: vmalloc space ${space} pages, lazy_max_pages() = ${lazy} pages at ${o.cpus} CPU(s)`);
  }
  for (const wl of runnable) {
    for (const mode of o.modes) {
      for (const layout of o.layouts) {
        const opts = { cpus: o.cpus, layout, mode, ...(o.loops ? { loops: o.loops(wl) } : {}), ...(o.junkDivisor ? { junkDivisor: o.junkDivisor } : {}), ...(o.busyDivisor ? { busyDivisor: o.busyDivisor } : {}) };
        const gen = generate(wl, opts);
        const sizes = Object.entries(gen.sizes).map(([k, v]) => `${k}=${v}`).join(' ');
        o.log(`  ${wl.name} on ${layout.name}: ${gen.mode} mode, ${o.cpus} CPU(s), per CPU ${sizes}, ${gen.ops} ops, ${gen.scenario.schedule.length} schedule choices`);
        for (const v of o.variants) rows.push(measure(wl, v, layout, o.cpus, gen, o.repeats));
      }
    }
  }
  o.log('');
  o.log(formatTable(rows));
  o.log('');
  o.log(`flush/ipi/purge: during the programs; fl/unmap = flushes per vfree/vunmap/vm_unmap_ram; td f/i/p: flushes/IPIs/purges after the last program call returned (teardown: leftover unmaps, vm_unmap_aliases);`);
  o.log(`violations: property[finding id of docs/findings.md]; blk+/blk-: vmap blocks created/freed; peakKVA: max pages covered by the layer's areas (lazily freed included, guard pages included) at an API-call return; lazyPk: vmap_lazy_nr peak; ms: median of ${o.repeats} run(s).`);
  o.log(`blk/pg: mean vmap blocks alive / mean live vm_map_ram pages; deadKVA: peak pages held by blocks that can serve nothing (dirty pages of blocks off the free list, all pages of blocks with nothing live); fail: failed maps; failHeld: of those, failures while dead block pages + lazily freed pages covered the request.`);
  for (const wl of o.workloads.filter((x) => x.body === null)) o.log(`${wl.name}: skipped — ${wl.why}`);
  return rows;
}

/** Validate a name against a list, as a UsageError listing the valid values. */
function oneOf<T>(what: string, name: string, all: readonly T[], key: (x: T) => string): T {
  const x = all.find((y) => key(y) === name);
  if (x === undefined) throw new UsageError(`workload: unknown ${what} '${name}'${didYouMean(name, all.map(key))}; valid: ${all.map(key).join(', ')}`);
  return x;
}

/** `vmapcheck workload --name N --variant V --layout L --loops K --cpus C`; returns the exit code. */
export function runWorkload(flags: WorkloadFlags, log: (s: string) => void = console.log): number {
  const workloads = flags.name === undefined ? WORKLOADS : [oneOf('workload', flags.name, WORKLOADS, (w) => w.name)];
  let variants: Variant[];
  try {
    variants = pickVariants('workload', flags.variant);
  } catch (e) {
    throw new UsageError(`${(e as Error).message}; valid: ${VARIANTS.map((v) => v.name).join(', ')}`);
  }
  const layouts = flags.layout === undefined ? [X86_64, X86_32] : [oneOf('layout', flags.layout, Object.values(LAYOUTS), (l) => l.name)];
  const cpus = flags.cpus ?? 2;
  if (!Number.isInteger(cpus) || cpus < 1) throw new UsageError(`workload: --cpus must be a positive integer, not ${cpus}`);
  for (const l of layouts) if (cpus > l.NR_CPUS) throw new UsageError(`workload: --cpus ${cpus} exceeds NR_CPUS=${l.NR_CPUS} of layout ${l.name} (num_online_cpus() <= NR_CPUS)`);
  if (flags.loops !== undefined && (!Number.isInteger(flags.loops) || flags.loops < 0)) throw new UsageError(`workload: --loops must be a non-negative integer, not ${flags.loops}`);
  const loops = flags.loops;
  const modes = cpus > 1 ? (['performance', 'stress'] as const) : (['performance'] as const);
  workloadTable({ workloads, variants, layouts, cpus, modes, repeats: 1, log, ...(loops === undefined ? {} : { loops: () => loops }) });
  return EXIT.OK;
}

/** `vmapcheck workload`. */
export const WORKLOAD: Command = {
  name: 'workload',
  summary: "the kernel's lib/test_vmalloc.c workloads on the x86 layouts, with flush/IPI/purge/block metrics",
  synopsis: '[--name W] [--variant V,…] [--layout x86-64|x86-32] [--loops K] [--cpus C]',
  flags: [
    { name: 'name', kind: 'string', help: "workload (default: all; 'vmapcheck list workloads')" },
    { name: 'variant', kind: 'list', help: 'variant(s) (default: all)' },
    { name: 'layout', kind: 'string', help: 'x86-64 or x86-32 (default: both)' },
    { name: 'loops', kind: 'int', min: 0, help: 'loops per CPU (default: the workload size)' },
    { name: 'cpus', kind: 'int', min: 1, help: 'CPUs (default 2)' },
  ],
  examples: [['npx vmapcheck workload --name fix_size_alloc_test --variant rewrite-v2 --layout x86-64', 'one workload, one variant']],
  run: ({ flags }: Parsed) => runWorkload(flags as WorkloadFlags),
};
