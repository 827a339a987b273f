/**
 * Workload benchmark (a script, not a test): lib/test_vmalloc.c's test cases on every variant,
 * on the real x86-64 and x86-32 layouts, with every safety property and lockdep attached.
 * Each workload runs on 2 CPUs in performance mode (empty schedule: the CPUs' loops run one
 * after another, as the kernel's sequential order) and in stress mode (a seeded round-robin
 * interleaving); prints per-workload metrics with the median time of 3 repeats.
 *
 * Run with `npx tsx bench/workloads.bench.ts [repeats]`. The sizes are scaled down from the
 * kernel's (1,000,000 loops) so that the whole table takes under ~2 minutes on 2 cores; they
 * are chosen so that the phenomena show at realistic constants where they cheaply can: a lazy
 * purge needs more than lazy_max_pages() = 16,384 lazily freed pages at 2 CPUs (random_size and
 * long_busy_list cross it), an x86-32 vmap block (256 pages at NR_CPUS=8) fills and is freed in
 * vm_map_ram_test; an x86-64 block is 1,024 pages and does not.
 */
import { X86_32, X86_64 } from '../model/config/layout';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../model/variants/registry';
import { KERNEL_BUSY, KERNEL_LOOPS, WORKLOADS, type Workload } from '../explore/workloads';
import { workloadTable, type Row } from '../cli/workload_cmd';
import { emitJson } from './emit';

const REPEATS = Number(process.argv[2] ?? 3);
/** Multiplies every loop count (bench:md --small passes 0.05 to prove the pipeline). */
const SCALE = Number(process.argv[3] ?? 1);
/** The bases and their -fixed variants (stress mode on -fixed measures rather than panics on F9). */
const ALL = [...VARIANTS, ...FIXED_VARIANT_NAMES.map(variantByName)];
const CPUS = 2;
/** full_fit junk divisor of the bench: 2 * 8,192 / 256 = 64 junk areas per CPU. */
const JUNK_DIVISOR = 256;
/** long_busy divisor of the bench: 15,000 / 100 = 150 busy areas per CPU. */
const BUSY_DIVISOR = 100;

/** test_loop_count per CPU of each workload in the bench (the kernel's is 1,000,000). */
const LOOPS: Readonly<Record<string, number>> = {
  fix_size_alloc_test: 150,
  full_fit_alloc_test: 50,
  long_busy_list_alloc_test: 100,
  random_size_alloc_test: 200,
  vm_map_ram_test: 600,
  random_size_vm_map_ram_test: 2000,
};

const loops = (wl: Workload): number => Math.max(1, Math.round((LOOPS[wl.name] ?? wl.defaultLoops) * SCALE));

const t0 = performance.now();
// Warm-up pass (JIT), not reported: otherwise the first rows pay for compilation.
workloadTable({ workloads: WORKLOADS, variants: ALL, layouts: [X86_64, X86_32], cpus: CPUS, modes: ['performance', 'stress'], loops: () => 5, repeats: 1, junkDivisor: 4096, busyDivisor: 1000, log: () => {} });
console.log(`vmapcheck workload benchmark (node ${process.version}, ${process.platform}/${process.arch})`);
console.log(
  `sizes: loops per CPU ${Object.entries(LOOPS).map(([n, l]) => `${n}=${l}`).join(', ')} (kernel: ${KERNEL_LOOPS}); ` +
    `full_fit junk = fls(cpus) * 32 MiB / PAGE_SIZE / ${JUNK_DIVISOR}; long_busy keeps ${KERNEL_BUSY} / ${BUSY_DIVISOR} areas per CPU; ${CPUS} CPUs; ${REPEATS} repeats`,
);
const rows: Row[] = workloadTable({
  workloads: WORKLOADS,
  variants: ALL,
  layouts: [X86_64, X86_32],
  cpus: CPUS,
  modes: ['performance', 'stress'],
  loops,
  repeats: REPEATS,
  junkDivisor: JUNK_DIVISOR,
  busyDivisor: BUSY_DIVISOR,
  log: console.log,
});
console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const head = ['workload', 'variant', 'layout', 'mode', 'steps', 'ms', 'flush', 'ipi', 'purge', 'blk+', 'blk-', 'peakKVA', 'blk/pg', 'deadKVA', 'fail', 'failHeld', 'ending', 'violations'];
const cells = rows.map((r) => [r.workload, r.variant, r.layout, r.mode, r.steps, Math.round(r.ms), r.work.flushes, r.work.ipis, r.work.purges, r.blocksCreated, r.blocksFreed, r.peakKva, r.blocks.blocksPerLivePage?.toFixed(4) ?? '-', r.blocks.deadKvaPeak, r.blocks.failures, r.blocks.failuresWhileHeld, r.ending, r.violations.join(', ') || '-']);
emitJson('workloads', [], [{ title: `lib/test_vmalloc.c workloads, ${CPUS} CPUs, loops x${SCALE}, ms median of ${REPEATS}`, rows: [head, ...cells] }], summary(rows));

/** What the table says, computed from its rows (so a rerun's notes follow its numbers). */
function summary(rs: readonly Row[]): string[] {
  const fixed = rs.filter((r) => (FIXED_VARIANT_NAMES as readonly string[]).includes(r.variant));
  const unfixed = rs.filter((r) => !fixed.includes(r) && r.variant !== 'vanilla');
  const vanilla = rs.filter((r) => r.variant === 'vanilla');
  const stress = (xs: readonly Row[]): Row[] => xs.filter((r) => r.mode === 'stress');
  const ended = (xs: readonly Row[]): string => `${xs.filter((r) => r.ending !== 'done').length} of ${xs.length}`;
  const broke = (xs: readonly Row[]): string => {
    const bad = xs.filter((r) => r.violations.length > 0 || r.ending !== 'done');
    const where = [...new Set(bad.map((r) => r.workload))];
    return `${bad.length} of ${xs.length}${bad.length > 0 && where.length <= 3 ? ` (${where.join(', ')})` : ''}`;
  };
  const held = rs.filter((r) => r.blocks.failuresWhileHeld > 0).map((r) => `${r.workload} ${r.variant} ${r.layout} ${r.mode}: ${r.blocks.failuresWhileHeld} of ${r.blocks.failures}`);
  const blocks = rs
    .filter((r) => r.workload === 'random_size_vm_map_ram_test' && r.mode === 'performance' && ['rewrite-v2', 'rewrite-v2-fixed'].includes(r.variant))
    .map((r) => `${r.variant} ${r.layout}: ${r.blocksCreated} blocks created, ${r.blocksFreed} freed, ${r.blocks.blocksPerLivePage?.toFixed(4) ?? '-'} blocks per live page, peak KVA held by blocks that can serve nothing ${r.blocks.deadKvaPeak} pages, ${r.blocks.failures} allocation failures`);
  return [
    `Stress mode ends before the workload does (a panic, or a step bound) in ${ended(stress(unfixed))} rows of the unfixed rewrites, ${ended(stress(fixed))} of the -fixed variants' and ${ended(stress(vanilla))} of vanilla's.`,
    `Rows that break a property or end early: unfixed rewrites ${broke(unfixed)}, -fixed variants ${broke(fixed)}, vanilla ${broke(vanilla)}.` +
      (vanilla.some((r) => r.violations.length > 0) && vanilla.every((r) => r.violations.length === 0 || r.workload === 'align_shift_alloc_test')
        ? " Vanilla's are align_shift's large aligns: 2.6.26's first fit does not check ALIGN's wrap, and only the later kernels' align API the vmalloc_align op models can pass such an align (no 2.6.26 caller can), so it is not recorded as a finding."
        : ''),
    `Allocation failures while the held space (pages of blocks that can serve nothing plus lazily freed pages) is at least the request (failHeld of fail; a page count, not a fitting hole: alloc_fails_only_when_full judges holes, and on the -fixed variants only align_shift's unsatisfiable aligns fail): ${held.length === 0 ? 'none' : held.join('; ')}.`,
    `random_size_vm_map_ram_test, performance mode: ${blocks.join('; ')}.`,
  ];
}
