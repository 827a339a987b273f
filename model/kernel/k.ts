/**
 * The execution handle kernel code receives, and what kernel code may ask of the world.
 *
 * `K` is C's implicit "current CPU": the world, the CPU and the context (process, softirq,
 * hardirq) on it. Kernel primitives see the world only through `KernelWorld`: reporting
 * splats and notes, the lock and irq hooks, the step count, and the state of the kernel
 * subsystems the model simulates (RCU, mm, slab). The engine's World implements it; a test
 * can implement it without the engine. Types only: this file has no runtime content.
 */
import type { Splat } from './assert';
import type { Atomic } from './atomic';
import type { Context, Cpu } from './cpu';
import type { Mm } from './mm';
import type { Rcu } from './rcu';
import type { Slab } from './slab';
import type { Holding, Lock } from './spinlock';
import type { WordOps } from './word';
import type { Site } from '../exec/site';

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
  readonly mm: Mm;
  readonly slab: Slab;
  readonly rcu: Rcu;
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
  atomicChanged(a: Atomic): void;
}

/** The running context: world, CPU and the context (process/softirq/hardirq) on that CPU. */
export interface K {
  readonly w: KernelWorld;
  readonly cpu: Cpu;
  readonly ctx: Context;
}
