/**
 * Simulated CPUs, their execution contexts, and the lock instances they hold.
 *
 * Each CPU has a context stack (process, softirq, hardirq), an irqs-enabled flag, a
 * preempt count (CONFIG_PREEMPT semantics: spinlocks raise it, so might_sleep sees them),
 * softirq/hardirq nesting, an RCU read-side nesting count, the locks it holds with the irq
 * state at acquire, and its TLB.
 *
 * The lock instance (`spinlock_t`/`rwlock_t`) and the held-lock record are here rather than
 * in spinlock.ts: a CPU lists its holdings and a holding names its CPU and context, so the
 * four types name each other, and they name nothing above them. spinlock.ts (the lock
 * operations, which take the kernel's K) re-exports Lock and Holding; k.ts, which names
 * them too, imports them from here, so no import points back up.
 */
import type { Gen } from '../exec/gen';
import type { Site } from '../exec/site';
import { objId } from './footprint';
import { WatchedMap } from './watched_map';

/** Where a context runs. */
export type ContextKind = 'process' | 'softirq' | 'hardirq';

/** Why a context cannot run right now. */
export type Wait =
  | { readonly kind: 'lock'; readonly lock: Lock; readonly mode: 'r' | 'w' }
  | { readonly kind: 'ipi'; readonly pending: Set<Cpu> }
  | { readonly kind: 'handle'; readonly op: number };

/** One execution context on a CPU: the process task or an interrupt handler. */
export class Context {
  /** Model function names, innermost last. */
  readonly frames: string[] = [];
  /** Set while blocked. */
  wait: Wait | null = null;
  /** Steps taken inside the current API call (livelock bound). */
  callSteps = 0;
  /** The API call this context is executing, for traces and irq balance. */
  call: string | null = null;
  /** True while a deliberate-misuse op runs in this context. */
  misuse = false;
  gen!: Gen<void>;
  constructor(readonly cpu: Cpu, readonly kind: ContextKind, readonly depth: number) {}
}

/** An interrupt raised on a CPU, delivered when its irqs are enabled. */
export interface IrqRequest {
  readonly kind: 'hardirq' | 'softirq';
  /** Index of the API op to run in the handler. */
  readonly op: number;
}

/** One simulated CPU. */
export class Cpu {
  readonly stack: Context[] = [];
  irqsEnabled = true;
  preempt = 0;
  softirq = 0;
  hardirq = 0;
  rcuNesting = 0;
  /** Count of read-side sections left (RCU grace-period bookkeeping). */
  rcuExits = 0;
  readonly held: Holding[] = [];
  /** This CPU's TLB: virtual page number -> pfn (writes observed: model/kernel/watched_map.ts). */
  readonly tlb = new WatchedMap<number, number>();
  /** TLB-flush IPIs not yet taken because irqs are off; `acks` is the sender's wait set. */
  readonly pendingFlush: { readonly start: number; readonly end: number; readonly acks: Set<Cpu> }[] = [];
  /** Interrupts raised but not yet delivered. */
  readonly pendingIrqs: IrqRequest[] = [];
  /** True once the process program finished. */
  done = false;
  constructor(readonly id: number) {}

  /** The running (innermost) context. */
  get top(): Context {
    return this.stack[this.stack.length - 1]!;
  }

  /** `in_interrupt()`: hardirq or softirq context (or bh disabled). */
  inInterrupt(): boolean {
    return this.hardirq > 0 || this.softirq > 0;
  }

  /** `in_atomic()` with CONFIG_PREEMPT: any preempt count, or interrupt context. */
  inAtomic(): boolean {
    return this.preempt > 0 || this.inInterrupt();
  }
}

/** A lock instance; `cls` is its lockdep class (all vbq->lock instances share one). */
export class Lock {
  holder: Holding | null = null;
  readonly readers: Holding[] = [];
  /** Footprint id (construction order). */
  readonly fid = objId();
  constructor(
    readonly name: string,
    readonly cls: string,
    readonly rw = false,
  ) {}

  /** Can `mode` be granted now? */
  available(mode: 'r' | 'w'): boolean {
    return this.holder === null && (mode === 'r' || this.readers.length === 0);
  }
}

/** One held lock. */
export interface Holding {
  readonly lock: Lock;
  readonly cpu: Cpu;
  readonly ctx: Context;
  readonly mode: 'r' | 'w';
  /** The C primitive used: spin_lock, spin_lock_irqsave, write_lock, ... */
  readonly how: string;
  /** irqs enabled at the moment the lock was acquired. */
  readonly irqsOn: boolean;
  readonly site: Site;
  readonly frames: readonly string[];
  readonly step: number;
}
