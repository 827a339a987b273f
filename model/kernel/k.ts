/**
 * The execution handle kernel code receives, and what kernel code may ask of the world.
 *
 * `K` is C's implicit "current CPU": the world, the CPU and the context (process, softirq,
 * hardirq) on it. Kernel primitives see the world only through `KernelWorld`: reporting
 * splats and notes, the lock and irq hooks, the step count, and the state of the kernel
 * subsystems the model simulates (RCU, mm, slab). The engine's World implements it; a test
 * can implement it without the engine. Types only: this file has no runtime content.
 *
 * This file is the bottom of model/kernel's type graph: every primitive file imports K from
 * here, so nothing here names a primitive file back. The subsystems appear as the narrow
 * views kernel code uses (KernelMm, KernelSlab, KernelRcu: the classes of mm.ts, slab.ts and
 * rcu.ts implement them, and code above the kernel sees the classes through the engine's
 * World); the records the world is handed (Splat, MmObserver's calls) are declared here and
 * re-exported where they were (assert.ts, mm.ts). CPUs, contexts and locks come from cpu.ts,
 * which names nothing that takes a K.
 */
import type { Context, Cpu, Holding, Lock } from './cpu';
import type { LockdepReport } from './lockdep_report';
import type { WordOps } from './word';
import type { Site } from '../exec/site';

/** What kind of kernel complaint. */
export type SplatKind = 'BUG' | 'WARN' | 'Oops' | 'might_sleep' | 'deadlock' | 'livelock' | 'lockdep' | 'lifecycle' | 'invariant';

/** A kernel complaint with where it happened. */
export interface Splat {
  readonly kind: SplatKind;
  readonly message: string;
  readonly cpu: number;
  readonly context: string;
  readonly frames: readonly string[];
  readonly fn: string;
  readonly stmt: string;
  readonly step: number;
  /**
   * Raised inside a deliberate misuse op (captured here: a BUG unwinds the op, and with it
   * the context's misuse mark, before the runner reports it).
   */
  readonly misuse?: boolean;
  /** The contexts this one interrupted, innermost first, for the `<IRQ>`/`<TASK>` call trace. */
  readonly below?: readonly { readonly ctx: string; readonly frames: readonly string[] }[];
  /** A lockdep report's evidence, for the kernel-layout splat (reports/splat.ts). */
  readonly lockdep?: LockdepReport;
}

/**
 * Ghost hooks on the PTE/TLB history (the world's PteHistory implements them, for oracles
 * that must not trust the callers' own ranges). They never change behaviour.
 */
export interface MmObserver {
  /** set_pte_at stored a translation for `vpn`. */
  setPte(vpn: number): void;
  /** flush_tlb_kernel_range was called for the pages [start, end) by `k`. */
  flushRange(k: K, start: number, end: number): void;
  /** flush_cache_vmap was called for the pages [start, end) by `k`. */
  cacheFlush(k: K, start: number, end: number): void;
}

/** What kernel code may ask of init_mm's page tables and the TLBs (mm.ts's Mm implements it). */
export interface KernelMm {
  readonly PAGE_SHIFT: number;
  readonly PTRS_PER_PTE: number;
  /** PMD indices that have a PTE page. */
  readonly ptePages: Set<number>;
  /** `init_mm.page_table_lock` */
  readonly page_table_lock: Lock;
  /** arch/x86/kernel/smp.c `call_lock`. */
  readonly call_lock: Lock;
  /** Metrics: flush_tlb_kernel_range calls and the IPIs they sent. */
  flushes: number;
  ipis: number;
  /** flush_cache_vmap calls: the range passed and the range just mapped, as vpns [start, end). */
  readonly cacheFlushes: {
    flushed: [number, number];
    mapped: [number, number];
    step: number;
    cpu: number;
    fn: string;
  }[];
  /** Ghost observer of PTE sets and flush calls. */
  readonly observer: MmObserver | null;
  /** Virtual page number of a byte address. */
  vpn(addr: bigint): number;
  /** Hardware fills `cpu`'s TLB from the PTE of `vpn`. */
  fill(cpu: Cpu, vpn: number): number | undefined;
  /** Flush [start, end) from one CPU's TLB. */
  flushLocal(cpu: Cpu, start: number, end: number): void;
}

/** What the kmalloc registry keeps of an object (slab.ts's KObject has these). */
export interface SlabObject {
  freed: boolean;
  allocSite: Site | null;
  readonly kind: string;
  readonly id: number;
}

/** What kernel code may ask of the run's kmalloc registry (slab.ts's Slab implements it). */
export interface KernelSlab {
  /** The run's fault plan: does this allocation attempt fail? */
  readonly faults: { shouldFail(): boolean };
  /** A fresh object id. */
  newId(): number;
  /** Record a new object. */
  add(o: SlabObject, site: Site | null): void;
  /** Free an object outside any CPU; false if it was already freed. */
  free(o: SlabObject): boolean;
}

/** What kernel code may ask of the grace-period machinery (rcu.ts's Rcu implements it). */
export interface KernelRcu {
  /** Some callback may have become ready: the runner runs the ready ones after this step. */
  maybeReady: boolean;
}

/** What the world is told of an `atomic_t` that changed (atomic.ts's Atomic has these). */
export interface AtomicCounter {
  readonly name: string;
  readonly value: number;
}

/** Watches lock traffic (lockdep implements this). */
export interface LockObserver {
  acquired(k: K, h: Holding): void;
  released(k: K, h: Holding, how: string, site: Site): void;
  /** Irqs were enabled on k.cpu while it may hold locks (trace_hardirqs_on). */
  irqsEnabled?(k: K): void;
  /** About to spin for a lock (lock_acquire precedes the spin in C). */
  acquiring?(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void;
}

/** What kernel code may ask of the world of one run. */
export interface KernelWorld {
  /** Global step counter. */
  readonly stepNo: number;
  /** The simulated CPUs (num_online_cpus of them). */
  readonly cpus: readonly Cpu[];
  /** `unsigned long` arithmetic of the layout's BITS_PER_LONG. */
  readonly word: WordOps;
  readonly mm: KernelMm;
  readonly slab: KernelSlab;
  readonly rcu: KernelRcu;
  /** Lock observers (lockdep registers itself here). */
  readonly observers: LockObserver[];
  /** Record a splat (as a violation of `property`, or as an assertion during deliberate misuse). */
  report(s: Splat, property?: string): void;
  /** Record a ghost note: a hazardous C path the run took (first occurrence wins). */
  note(id: string): void;
  /** Irqs were enabled on `cpu`: take pending flush IPIs. */
  irqsEnabled(cpu: Cpu): void;
  /** A context is about to spin for a lock. */
  lockAcquiring(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void;
  /** A lock was taken. */
  lockAcquired(k: K, h: Holding): void;
  /** A lock was released. */
  lockReleased(k: K, h: Holding, how: string, site: Site): void;
  /** An atomic counter changed. */
  atomicChanged(a: AtomicCounter): void;
}

/** The running context: world, CPU and the context (process/softirq/hardirq) on that CPU. */
export interface K {
  readonly w: KernelWorld;
  readonly cpu: Cpu;
  readonly ctx: Context;
}
