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

/** Collects one step's footprint from the kernel hooks; a step that is not a primitive is opaque. */
export class StepRecorder implements FootprintRecorder {
  private reads = new Set<string>();
  private writes = new Set<string>();
  private why: string | null = null;
  private prim = false;
  private active = false;

  /** Start recording a step of `thread`. */
  begin(): void {
    this.reads = new Set();
    this.writes = new Set();
    this.why = null;
    this.prim = false;
    this.active = true;
  }

  /** The footprint of the step just executed by `thread` (which reads its own pending interrupts). */
  end(thread: string, cpu: number): Footprint {
    this.active = false;
    this.reads.add(`pending-irq:cpu${cpu}`);
    const opaque = this.why ?? (this.prim ? null : 'plain statement (untracked accesses)');
    return { thread, reads: this.reads, writes: this.writes, opaque };
  }

  /** Is a step being recorded? */
  get recording(): boolean {
    return this.active;
  }

  read(key: string): void {
    if (this.active) this.reads.add(key);
  }
  write(key: string): void {
    if (this.active) this.writes.add(key);
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
  return { thread, reads: new Set(), writes: new Set(), opaque: why };
}
