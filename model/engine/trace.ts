/**
 * The trace of a run: who did which step, in which context, with which locks, irq state
 * and TLB changes. Recorded only when asked (replays, reports); exploration runs keep
 * just the step count.
 */

/** One trace event. `i` is the step number it belongs to. */
export type TraceEvent =
  | { t: 'step'; i: number; cpu: number; ctx: string; site: number; irqs: boolean }
  | { t: 'call'; i: number; cpu: number; ctx: string; op: string; phase: 'begin' | 'end'; result?: string }
  | { t: 'lock'; i: number; cpu: number; ctx: string; lock: string; how: string; irqs: boolean }
  | { t: 'unlock'; i: number; cpu: number; ctx: string; lock: string; how: string; irqs: boolean }
  | { t: 'irq'; i: number; cpu: number; kind: string; op: string; phase: 'enter' | 'exit' }
  | { t: 'tlb'; i: number; cpu: number; vpn: number; what: 'fill' | 'flush' | 'spec' }
  | { t: 'pte'; i: number; vpn: number; what: 'set' | 'clear'; pfn?: number }
  | { t: 'rcu'; i: number; label: string }
  | { t: 'violation'; i: number; property: string; message: string };

/** Append-only event log. */
export class Trace {
  readonly events: TraceEvent[] = [];
  constructor(readonly enabled: boolean) {}
  /** Record an event if tracing is on. */
  push(e: TraceEvent): void {
    if (this.enabled) this.events.push(e);
  }
}
