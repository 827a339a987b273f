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

const NO_ALIGN =
  'not expressible in the 2008 API through the model\'s ops: 2008 vmalloc takes no alignment (only __get_vm_area_node / alloc_vmap_area have `align`) and no model op carries one';

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
  { name: 'fix_align_alloc_test', mask: 16, kernel: '5 pages aligned to 2 * THREAD_ALIGN, zeroed, vfree', entry: '-', defaultLoops: 0, body: null, why: NO_ALIGN },
  { name: 'random_size_align_alloc_test', mask: 32, kernel: 'align 1 << (rnd % 23), (rnd % 10 + 1) pages, then free', entry: '-', defaultLoops: 0, body: null, why: NO_ALIGN },
  { name: 'align_shift_alloc_test', mask: 64, kernel: 'one page with align 1 << i for i < BITS_PER_LONG (large i fail as expected)', entry: '-', defaultLoops: 0, body: null, why: NO_ALIGN },
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
