/**
 * A transition's footprint and the dependence relation of the partial-order reduction.
 *
 * Transitions are the steps of a CPU (thread `cpu<N>`) and the events the explorer injects:
 * the interrupt of an `irq` line (thread `irq`) and speculative TLB fills (threads
 * `spec<cpu>:<vpn>`). Two transitions of different threads are independent only when
 * neither is opaque and neither writes what the other reads or writes: a step with any
 * untracked access is opaque (see model/kernel/footprint.ts), so independence is only ever
 * claimed where it is proven by tracked accesses.
 */
import type { FootprintRecorder } from '../../model/kernel/footprint';

/** The footprint of one transition. */
export interface Footprint {
  readonly thread: string;
  readonly reads: ReadonlySet<string>;
  readonly writes: ReadonlySet<string>;
  /** Why it conflicts with everything, or null. */
  readonly opaque: string | null;
}

/** Do `a` and `b` (of different threads) fail to commute? Same-thread pairs are program order. */
export function dependent(a: Footprint, b: Footprint): boolean {
  if (a.thread === b.thread) return true;
  if (a.opaque !== null || b.opaque !== null) return true;
  for (const k of a.writes) if (b.writes.has(k) || b.reads.has(k)) return true;
  for (const k of b.writes) if (a.reads.has(k)) return true;
  return false;
}

const NONE: ReadonlySet<string> = new Set<string>();
/** Interned `pending-irq:cpu<N>` keys: one string per CPU instead of one per step. */
const pendingKeys: string[] = [];
const pendingKey = (cpu: number): string => (pendingKeys[cpu] ??= `pending-irq:cpu${cpu}`);

/**
 * Collects one step's footprint from the kernel hooks; a step that is not a primitive is opaque.
 * Sets are allocated on the first access recorded, and an opaque step's accesses are dropped
 * (dependence and happens-before never look at them): most steps are plain statements, and
 * the explorer records one footprint per step of every re-execution.
 */
export class StepRecorder implements FootprintRecorder {
  private reads: Set<string> | null = null;
  private writes: Set<string> | null = null;
  private why: string | null = null;
  private prim = false;
  private active = false;

  /** Start recording a step of `thread`. */
  begin(): void {
    this.reads = null;
    this.writes = null;
    this.why = null;
    this.prim = false;
    this.active = true;
  }

  /** The footprint of the step just executed by `thread` (which reads its own pending interrupts). */
  end(thread: string, cpu: number): Footprint {
    this.active = false;
    const opaque = this.why ?? (this.prim ? null : 'plain statement (untracked accesses)');
    if (opaque !== null) return { thread, reads: NONE, writes: NONE, opaque };
    const reads = this.reads ?? new Set<string>();
    reads.add(pendingKey(cpu));
    return { thread, reads, writes: this.writes ?? NONE, opaque };
  }

  /** Is a step being recorded? */
  get recording(): boolean {
    return this.active;
  }

  read(key: string): void {
    if (this.active && this.why === null) (this.reads ??= new Set()).add(key);
  }
  write(key: string): void {
    if (this.active && this.why === null) (this.writes ??= new Set()).add(key);
  }
  opaque(why: string): void {
    if (this.active && this.why === null) this.why = why;
  }
  primitive(): void {
    if (this.active) this.prim = true;
  }
}

/** An opaque footprint (a step cut short by a panic or a bound). */
export function opaqueFootprint(thread: string, why: string): Footprint {
  return { thread, reads: NONE, writes: NONE, opaque: why };
}
