/**
 * The benches BENCHMARKS.md is made of, in the order of issue 12's "done when" list, each with
 * its full command (the published figures) and a small one (`bench:md --small`, proving the
 * pipeline on a loaded machine). Benches written on other branches are listed here too; the
 * generator skips any whose file is not present.
 */

/** One bench script. */
export interface BenchEntry {
  readonly name: string;
  readonly file: string;
  readonly title: string;
  /** Which figure of the issue it answers. */
  readonly answers: string;
  readonly full: readonly string[];
  readonly small: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly smallEnv?: Readonly<Record<string, string>>;
  /** Who writes it, when it is not on every branch yet. */
  readonly owner?: string;
}

/** Every bench in bench/. */
export const BENCHES: readonly BenchEntry[] = [
  { name: 'hot_path', file: 'bench/hot_path.bench.ts', title: 'Steps/s and runs/s with every check on', answers: 'Steps/s and runs/s per variant and layout, every property attached (target: 1M steps/s per core on tiny-2cpu, 2× the runs/s of issue 12).', full: [], small: [] },
  { name: 'properties_scale', file: 'bench/properties_scale.bench.ts', title: 'Properties on/off at 1k, 15k and 100k live areas', answers: 'The properties-on/off ratio at 1k, 15k and 100k areas (target: within 3× at 100k).', full: [], small: [] },
  { name: 'ttff', file: 'bench/ttff.bench.ts', title: 'Time to first failure per finding', answers: 'Per finding: median, spread and hits of 10 seeds from a default check on one worker (target: under 10 s median, F7 included); shrink sizes.', full: ['--strategy', 'swarm,fast-check', '--cap-s', '20'], small: ['--strategy', 'swarm', '--seeds', '2', '--finding', 'F2,F7'] },
  { name: 'workers', file: 'bench/workers.bench.ts', title: '--workers scaling', answers: '`check --workers 1` against `--workers 2`, each run a fresh process, pairs alternated: runs/s, speed-up (target ≥ 1.8×) and the cores a one-worker run already keeps busy.', full: [], small: ['5', '1', 'tiny'] },
  { name: 'rss_campaign', file: 'bench/rss_campaign.bench.ts', title: 'Peak RSS of a 10-minute campaign', answers: 'Peak RSS and crashes of a 10-minute campaign (target: under 1 GiB, zero crashes).', full: ['--minutes', '10'], small: ['--minutes', '0.2', '--chunk', '5'] },
  { name: 'exhaustive', file: 'bench/exhaustive.bench.ts', title: 'Exhaustive mode: executions/s', answers: 'DPOR executions/s per scenario file, reduction against naive enumeration, F8 to complete.', full: [], small: ['1', '500', 'scenarios/F8_lazy_nr.vmc'], smallEnv: { F8_LIMIT_S: '5' } },
  { name: 'workloads', file: 'bench/workloads.bench.ts', title: "The kernel's workloads (lib/test_vmalloc.c)", answers: 'Every test case on every base and -fixed variant, performance and stress mode: flushes, IPIs, purges, blocks, peak KVA, blocks per live page, KVA held by blocks that can serve nothing, failures while space is held.', full: [], small: ['1', '0.05'] },
  { name: 'flush_counts', file: 'bench/flush_counts.bench.ts', title: "The seed's headline claim as event counts", answers: 'TLB flushes and IPIs per map+touch+unmap of 4 pages at 1, 2, 4 and 8 CPUs, vanilla against rewrite-v2 and rewrite-v2-fixed.', full: [], small: ['50'] },
  { name: 'fixed_10x', file: 'bench/fixed_10x.bench.ts', title: 'The -fixed variants at 10× the CI budget', answers: 'Every -fixed variant holds every property at ten times the CI budget.', full: [], small: ['0.02'] },
  { name: 'lifecycle', file: 'bench/lifecycle.bench.ts', title: 'Lifecycle transitions: XState against the derived table', answers: 'Why the hot path uses the lookup table.', full: [], small: [] },
  { name: 'js_exceptions', file: 'bench/js_exceptions.bench.ts', title: 'No JavaScript exception sweep', answers: 'Every variant under every campaign at 10× its budget: exceptions escaping the engine (target 0).', full: [], small: ['1', 'vanilla'] },
];
