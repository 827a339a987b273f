/**
 * The kernel's own vmalloc stress workloads (lib/test_vmalloc.c, 2019) as model workloads:
 * each test case is data (what the kernel does, which 2008 entry points it reaches, a
 * scaled-down default size) plus a body that emits one CPU's program of model ops.
 *
 * Divergences from the C tests, all deliberate:
 *  - Programs have no control flow: where the test does `if (!p) goto leave`, the model's
 *    failed allocation makes later uses of its handle no-ops (the harness skips them).
 *  - "Write one byte" is a `touch` of page 0 (a TLB fill through the live mapping).
 *  - vm_map_ram_test maps the same page array every loop; the harness gives each
 *    vm_map_ram fresh pages. The vmap layer never looks at which pages it maps.
 *  - The aligned tests (fix_align, random_size_align, align_shift) call `__vmalloc_node(size,
 *    align, ...)`, which 2008 lacks: they use the model's vmalloc_align op, later kernels'
 *    aligned __get_vm_area_node on each variant's own 2008 allocator (model/engine/program.ts).
 *  - Sizes are scaled down (the kernel's defaults are 1,000,000 loops, 15,000 busy areas,
 *    lazy_max_pages() junk areas); every divisor is a named constant below.
 */
import seedrandom from 'seedrandom';
import type { Layout } from '../model/config/layout';
import type { Choice, Op, Scenario } from '../model/engine/program';
import { UNMAP_OPS } from '../model/engine/program';
import { fls } from '../model/kernel/bitops';

/** Parameters of one generated workload. */
export interface WorkloadOptions {
  /** Simulated CPUs; in stress mode each runs the whole test (the kernel's nr_threads). */
  readonly cpus: number;
  /** test_loop_count per CPU (default: the workload's scaled default). */
  readonly loops?: number;
  /** The layout: PAGE_SIZE and sizeof(void *) enter the tests' own formulas. */
  readonly layout: Layout;
  /** 'performance': empty schedule; 'stress': seeded round-robin prefix (default when cpus > 1). */
  readonly mode?: 'performance' | 'stress';
  readonly seed?: string;
  /** full_fit junk count = fls(cpus) * 32 MiB / PAGE_SIZE / junkDivisor (default JUNK_DIVISOR). */
  readonly junkDivisor?: number;
  /** long_busy areas kept alive = 15,000 / busyDivisor (default BUSY_DIVISOR). */
  readonly busyDivisor?: number;
  /** nr_pages module parameter of fix_size_alloc_test and vm_map_ram_test (default 1). */
  readonly nrPages?: number;
}

/** Sizes a body needs, resolved from the options. */
export interface WorkloadParams {
  readonly loops: number;
  readonly cpus: number;
  readonly pageSize: number;
  readonly ptrBytes: number;
  readonly junkDivisor: number;
  readonly busyDivisor: number;
  readonly nrPages: number;
  /** The layout's VMAP_MAX_ALLOC (BITS_PER_LONG): the largest vm_map_ram served by a vmap block. */
  readonly vmapMaxAlloc: number;
  /** The layout's BITS_PER_LONG: align_shift_alloc_test's loop bound. */
  readonly bitsPerLong: number;
  /** THREAD_ALIGN (= THREAD_SIZE on x86) in bytes, for fix_align_alloc_test: see threadSize(). */
  readonly threadAlign: number;
}

/**
 * x86's THREAD_SIZE for a layout (THREAD_ALIGN defaults to it): 8 KiB on 32-bit (2008 and 2019
 * alike, without CONFIG_4KSTACKS), 16 KiB on 64-bit — the x86-64 stack of the 2019 kernel the
 * test was written for (x86-64 was 8 KiB, THREAD_ORDER 1, until 3.15 in 2014; with the 2008
 * value fix_align would ask for the 16 KiB alignment it asks for on x86-32).
 */
export function threadSize(layout: Layout): number {
  return layout.BITS_PER_LONG === 64 ? 16 * 1024 : 8 * 1024;
}

/** Emits one CPU's ops with globally unique, increasing ids (handles point backwards). */
export class ProgramBuilder {
  readonly ops: Op[] = [];
  /** Sizes actually used, for the report ("junk=256"). */
  readonly sizes: Record<string, number> = {};
  constructor(
    private readonly ids: { next: number },
    /** This CPU's seeded generator (never Math.random). */
    readonly rng: () => number,
  ) {}
  private push(op: Op): number {
    this.ops.push(op);
    return op.id;
  }
  /** `vmalloc(pages * PAGE_SIZE)`; returns the handle. */
  vmalloc(pages: number): number {
    return this.push({ id: this.ids.next++, op: 'vmalloc', pages });
  }
  /**
   * `__vmalloc_node(pages * PAGE_SIZE, 1 << alignShift, GFP_KERNEL | __GFP_ZERO, ...)`: the
   * model's vmalloc_align op (returns the handle; vfree frees it).
   */
  vmalloc_align(pages: number, alignShift: number): number {
    return this.push({ id: this.ids.next++, op: 'vmalloc_align', pages, align_shift: alignShift });
  }
  /** `vfree(h)` */
  vfree(h: number): void {
    this.push({ id: this.ids.next++, op: 'vfree', h });
  }
  /** `*((u8 *)p) = 1`: one write through the mapping. */
  touch(h: number): void {
    this.push({ id: this.ids.next++, op: 'touch', h, page: 0 });
  }
  /** `vm_map_ram(pages, count, node, PAGE_KERNEL)` */
  vm_map_ram(pages: number): number {
    return this.push({ id: this.ids.next++, op: 'vm_map_ram', pages });
  }
  /** `vmap(pages, count, VM_MAP, PAGE_KERNEL)` */
  vmap(pages: number): number {
    return this.push({ id: this.ids.next++, op: 'vmap', pages });
  }
  /** `vunmap(addr)` */
  vunmap(h: number): void {
    this.push({ id: this.ids.next++, op: 'vunmap', h });
  }
  /** `vm_unmap_ram(mem, count)` */
  vm_unmap_ram(h: number): void {
    this.push({ id: this.ids.next++, op: 'vm_unmap_ram', h });
  }
  /** `p = vmalloc(nr * PAGE_SIZE); *p = 1; vfree(p)`: the common loop body. */
  allocTouchFree(pages: number): void {
    const h = this.vmalloc(pages);
    this.touch(h);
    this.vfree(h);
  }
  /** `vmalloc(sizeof(void *) * n)`: the tests' pointer arrays live in vmalloc space too. */
  ptrArray(p: WorkloadParams, n: number): number {
    return this.vmalloc(Math.max(1, Math.ceil((p.ptrBytes * n) / p.pageSize)));
  }
}

/** One test case of lib/test_vmalloc.c. */
export interface Workload {
  readonly name: string;
  /** Its bit in test_vmalloc's run_test_mask. */
  readonly mask: number;
  /** What the kernel test does (one line). */
  readonly kernel: string;
  /** The 2008 entry points the model ops reach. */
  readonly entry: string;
  /** Scaled-down default test_loop_count per CPU. */
  readonly defaultLoops: number;
  /** Null when the test cannot be expressed with the model's ops (the reason is in `why`). */
  readonly body: ((b: ProgramBuilder, p: WorkloadParams) => void) | null;
  readonly why?: string;
}

/** Kernel default test_loop_count (1,000,000); the scaled defaults below divide it. */
export const KERNEL_LOOPS = 1_000_000;
/** full_fit junk divisor: the kernel's count equals lazy_max_pages() (8,192 per log2 CPU), too many to step through. */
export const JUNK_DIVISOR = 64;
/** long_busy_list keeps 15,000 areas; the model keeps 15,000 / BUSY_DIVISOR. */
export const BUSY_DIVISOR = 10;
/** The kernel's long_busy_list size. */
export const KERNEL_BUSY = 15_000;
/** Steps per stress-schedule choice are 1..MAX_RUN (mean ~10.5: frequent context switches). */
export const MAX_RUN = 20;
/** The stress prefix has min(PREFIX_PER_OP * ops, MAX_PREFIX) choices (~40 steps per op: most of a run). */
export const PREFIX_PER_OP = 4;
/** random_size_vm_map_ram_test keeps at most this many of its mappings live per CPU. */
export const RANDOM_MAP_WINDOW = 16;

/** Upper bound of the stress prefix; after it the runner's fallback (serial) policy runs. */
export const MAX_PREFIX = 40_000;

/**
 * The aligned tests' path. 2008 vmalloc takes no alignment; the model's vmalloc_align op is
 * later kernels' __vmalloc_node(size, align, ...) on each variant's own 2008 code.
 */
const ALIGN_ENTRY =
  'vmalloc_align -> __vmalloc_node(size, align) -> __get_vm_area_node(size, align, VM_ALLOC, VMALLOC_START, VMALLOC_END) -> rewrites: alloc_vmap_area(size + guard page, align, ...); vanilla: the vmlist first fit from ALIGN(start, align); vfree -> __vunmap';

/** The test cases, in run_test_mask order. */
export const WORKLOADS: readonly Workload[] = [
  {
    name: 'fix_size_alloc_test',
    mask: 1,
    kernel: 'vmalloc(nr_pages), write one byte, vfree',
    entry: 'vmalloc -> __vmalloc_node -> __get_vm_area_node; vfree -> __vunmap -> remove_vm_area',
    defaultLoops: 1000,
    body: (b, p) => {
      for (let i = 0; i < p.loops; i++) b.allocTouchFree(p.nrPages);
    },
  },
  {
    name: 'full_fit_alloc_test',
    mask: 2,
    kernel: 'interleave 1-page ptr[i]/junk[i], free junk (holes), then loop 1-page vmalloc/write/vfree',
    entry: 'vmalloc / vfree (the loop allocation fits a 2-page hole exactly: 1 page + guard page)',
    defaultLoops: 200,
    body: (b, p) => {
      // junk_length = fls(num_online_cpus()) * (32 * 1024 * 1024 / PAGE_SIZE), scaled down.
      const junk = Math.max(1, Math.floor((fls(p.cpus) * (32 * 1024 * 1024 / p.pageSize)) / p.junkDivisor));
      b.sizes.junk = junk;
      const ptrArr = b.ptrArray(p, junk);
      const junkArr = b.ptrArray(p, junk);
      const ptr: number[] = [];
      const junkPtr: number[] = [];
      for (let i = 0; i < junk; i++) {
        ptr.push(b.vmalloc(1));
        junkPtr.push(b.vmalloc(1));
      }
      for (const j of junkPtr) b.vfree(j);
      for (let i = 0; i < p.loops; i++) b.allocTouchFree(1);
      for (const q of ptr) b.vfree(q);
      b.vfree(ptrArr);
      b.vfree(junkArr);
    },
  },
  {
    name: 'long_busy_list_alloc_test',
    mask: 4,
    kernel: 'keep 15,000 1-page areas alive; loop vmalloc(100)+vmalloc(1), write both, free both',
    entry: 'vmalloc / vfree with a long vmlist (vanilla) or vmap_area_list (rewrite) to search',
    defaultLoops: 100,
    body: (b, p) => {
      const busy = Math.max(1, Math.floor(KERNEL_BUSY / p.busyDivisor));
      b.sizes.busy = busy;
      const arr = b.ptrArray(p, busy);
      const ptr: number[] = [];
      for (let i = 0; i < busy; i++) ptr.push(b.vmalloc(1));
      for (let i = 0; i < p.loops; i++) {
        const p1 = b.vmalloc(100);
        const p2 = b.vmalloc(1);
        b.touch(p1);
        b.touch(p2);
        b.vfree(p1);
        b.vfree(p2);
      }
      for (const q of ptr) b.vfree(q);
      b.vfree(arr);
    },
  },
  {
    name: 'random_size_alloc_test',
    mask: 8,
    kernel: 'n = rnd % 100 + 1 pages: vmalloc, write one byte, vfree',
    entry: 'vmalloc / vfree (sizes from a seedrandom stream per CPU, as get_random_bytes per thread)',
    defaultLoops: 400,
    body: (b, p) => {
      for (let i = 0; i < p.loops; i++) b.allocTouchFree(1 + Math.floor(b.rng() * 100));
    },
  },
  {
    name: 'fix_align_alloc_test',
    mask: 16,
    kernel: '__vmalloc_node(5 pages, THREAD_ALIGN << 1, GFP_KERNEL | __GFP_ZERO), vfree',
    entry: ALIGN_ENTRY + ' (THREAD_ALIGN = THREAD_SIZE: 8 KiB on 32-bit layouts, 16 KiB on x86-64; a touch stands for __GFP_ZERO)',
    defaultLoops: 1000,
    body: (b, p) => {
      const shift = Math.log2(2 * p.threadAlign);
      for (let i = 0; i < p.loops; i++) {
        const h = b.vmalloc_align(5, shift);
        b.touch(h);
        b.vfree(h);
      }
    },
  },
  {
    name: 'random_size_align_alloc_test',
    mask: 32,
    kernel: 'rnd: align = 1 << (rnd % 23), size = (rnd % 10 + 1) pages; __vmalloc_node(size, align), vfree',
    entry: ALIGN_ENTRY + ' (one 32-bit rnd per loop from a seedrandom stream per CPU, both formulas on it as the C does)',
    defaultLoops: 400,
    body: (b, p) => {
      for (let i = 0; i < p.loops; i++) {
        const rnd = Math.floor(b.rng() * 2 ** 32); // get_random_bytes(&rnd, sizeof(rnd)), rnd an unsigned int
        const h = b.vmalloc_align((rnd % 10) + 1, rnd % 23);
        b.vfree(h);
      }
    },
  },
  {
    name: 'align_shift_alloc_test',
    mask: 64,
    kernel: 'for i < BITS_PER_LONG: __vmalloc_node(PAGE_SIZE, 1ul << i), vfree (large i fail: an expected failure, not a bug)',
    entry: ALIGN_ENTRY + ' (the C test ignores test_loop_count: loops repeats the sweep; it stops at its first NULL, the model runs every i and frees what succeeded)',
    defaultLoops: 1,
    body: (b, p) => {
      for (let l = 0; l < p.loops; l++) {
        for (let i = 0; i < p.bitsPerLong; i++) b.vfree(b.vmalloc_align(1, i));
      }
    },
  },
  {
    name: 'vm_map_ram_test',
    mask: 1024,
    kernel: 'vm_map_ram(nr_pages), write one byte, vm_unmap_ram',
    entry: 'vm_map_ram -> vb_alloc (per-CPU vmap blocks, count <= VMAP_MAX_ALLOC); vm_unmap_ram -> vb_free (vanilla: vmap/vunmap)',
    defaultLoops: 1000,
    body: (b, p) => {
      for (let i = 0; i < p.loops; i++) {
        const h = b.vm_map_ram(p.nrPages);
        b.touch(h);
        b.vm_unmap_ram(h);
      }
    },
  },
  {
    name: 'random_size_vm_map_ram_test',
    mask: 0,
    kernel: '(not in test_vmalloc.c) vm_map_ram of 1..VMAP_MAX_ALLOC random pages, maps and unmaps interleaved, up to 16 live per CPU',
    entry: 'vm_map_ram -> vb_alloc (every size fits a block: get_order(count) <= log2(VMAP_MAX_ALLOC)); vm_unmap_ram -> vb_free (vanilla: vmap/vunmap)',
    defaultLoops: 1000,
    body: (b, p) => {
      // Per loop: map when nothing is live, unmap when the window is full, else a fair coin;
      // the unmapped one is a random live mapping (out-of-order frees fragment the blocks).
      const live: number[] = [];
      for (let i = 0; i < p.loops; i++) {
        if (live.length === 0 || (live.length < RANDOM_MAP_WINDOW && b.rng() < 0.5)) {
          const h = b.vm_map_ram(1 + Math.floor(b.rng() * p.vmapMaxAlloc));
          b.touch(h);
          live.push(h);
        } else b.vm_unmap_ram(live.splice(Math.floor(b.rng() * live.length), 1)[0]!);
      }
      for (const h of live) b.vm_unmap_ram(h);
    },
  },

];
/** Look a workload up by name, with an error listing the valid names. */
export function workloadByName(name: string): Workload {
  const w = WORKLOADS.find((x) => x.name === name);
  if (w === undefined) throw new Error(`unknown workload '${name}': valid workloads are ${WORKLOADS.map((x) => x.name).join(', ')}`);
  return w;
}

/** A generated workload: the scenario and what it is made of. */
export interface Generated {
  readonly scenario: Scenario;
  readonly mode: 'performance' | 'stress';
  /** Loops per CPU, and the scaled sizes the body used (junk, busy). */
  readonly sizes: Readonly<Record<string, number>>;
  /** API calls in all programs (touches included). */
  readonly ops: number;
  /** vfree / vunmap / vm_unmap_ram calls in all programs. */
  readonly unmaps: number;
}

/**
 * One scenario of `wl`: the same test on every CPU (the kernel's stress mode runs one worker
 * per CPU). Performance mode leaves the schedule empty, so the runner's fallback runs the
 * CPUs' programs one after another (the kernel's sequential order). Stress mode prepends a
 * seeded round-robin prefix, `{t:'run', cpu: i % cpus, n: 1 + floor(rng() * MAX_RUN)}`, long
 * enough to interleave most of the run; the fallback takes the tail.
 */
export function generate(wl: Workload, opts: WorkloadOptions): Generated {
  if (wl.body === null) throw new Error(`${wl.name}: ${wl.why}`);
  if (!Number.isInteger(opts.cpus) || opts.cpus < 1) throw new Error(`cpus must be a positive integer, not ${opts.cpus}`);
  const seed = opts.seed ?? 'test_vmalloc';
  const p: WorkloadParams = {
    loops: opts.loops ?? wl.defaultLoops,
    cpus: opts.cpus,
    pageSize: 1 << opts.layout.PAGE_SHIFT,
    ptrBytes: opts.layout.BITS_PER_LONG / 8,
    junkDivisor: opts.junkDivisor ?? JUNK_DIVISOR,
    busyDivisor: opts.busyDivisor ?? BUSY_DIVISOR,
    nrPages: opts.nrPages ?? 1,
    vmapMaxAlloc: opts.layout.VMAP_MAX_ALLOC,
    bitsPerLong: opts.layout.BITS_PER_LONG,
    threadAlign: threadSize(opts.layout),
  };
  const ids = { next: 1 };
  const builders = Array.from({ length: p.cpus }, (_, c) => new ProgramBuilder(ids, seedrandom(`${seed}/${wl.name}/cpu${c}`)));
  for (const b of builders) wl.body(b, p);
  const programs = builders.map((b) => b.ops);
  const ops = programs.reduce((n, prog) => n + prog.length, 0);
  const unmaps = programs.reduce((n, prog) => n + prog.filter((o) => UNMAP_OPS.has(o.op)).length, 0);
  const mode = opts.mode ?? (p.cpus > 1 ? 'stress' : 'performance');
  const schedule: Choice[] = [];
  if (mode === 'stress') {
    const rng = seedrandom(`${seed}/${wl.name}/schedule`);
    const len = Math.min(MAX_PREFIX, PREFIX_PER_OP * ops);
    for (let i = 0; i < len; i++) schedule.push({ t: 'run', cpu: i % p.cpus, n: 1 + Math.floor(rng() * MAX_RUN) });
  }
  return { scenario: { programs, schedule }, mode, sizes: { loops: p.loops, ...builders[0]!.sizes }, ops, unmaps };
}
