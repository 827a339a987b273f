/**
 * The schedule interpreter: turns the choice list (data) into the next CPU to step.
 *
 * `run cpu n` runs that CPU for up to n steps (a choice whose CPU cannot run ends early);
 * `irq` raises an interrupt, delivered when that CPU's irqs are enabled; `spec` fills a TLB
 * entry from a present PTE. When the list runs out, a chooser (PCT) or the documented
 * fallback decides: keep the CPU that ran last while it can run, else the lowest-numbered
 * runnable CPU. Every step and event is recorded, so `executed` replays the run exactly.
 */
import type { World } from './world';
import type { Choice, Op } from './program';
import type { Cpu } from '../kernel/cpu';
import type { FootprintRecorder } from '../kernel/footprint';

/**
 * An exhaustive explorer's view of a run (explore/exhaustive): it takes every scheduling
 * decision itself, one at a time — a CPU to step, or an event (irq, spec) to apply before
 * deciding again — and receives each step's footprint through `recorder`.
 */
export interface Explorer {
  /** The next decision among the runnable CPUs; may throw to abandon the run (pruned). */
  decide(w: World, runnable: readonly Cpu[], last: number): { readonly t: 'cpu'; readonly cpu: number } | { readonly t: 'event'; readonly ch: Choice };
  /** Footprint recorder installed for the run (kernel/footprint.ts). */
  readonly recorder: FootprintRecorder;
  /** A step of `cpu` begins (everything recorded until endStep belongs to it). */
  beginStep(cpu: number): void;
  /** The step ended. */
  endStep(): void;
}

/** Picks CPUs from a choice list, a chooser or the fallback policy. */
export type Chooser = (w: World, runnable: readonly Cpu[], last: number) => { cpu: number; events?: readonly Choice[] };

/** The schedule of one run. */
export class Scheduler {
  /** What actually ran, run-length encoded. */
  readonly executed: Choice[] = [];
  /** Interrupt ops raised so far, by id. */
  readonly irqOps = new Map<number, Op>();
  private cur = 0;
  private remaining = 0;
  private ci = 0;

  constructor(
    private readonly w: World,
    private readonly schedule: readonly Choice[],
    private readonly runnable: (c: Cpu) => boolean,
    private readonly chooser?: Chooser,
    private readonly explorer?: Explorer,
  ) {}

  /**
   * Record one step of `cpu` (the caller steps it). The last run is extended in place: run
   * entries are created only here, never shared, and one allocation per step showed in the
   * exhaustive explorer's profile.
   */
  stepped(cpu: number): void {
    const last = this.executed[this.executed.length - 1];
    if (last !== undefined && last.t === 'run' && last.cpu === cpu) (last as { n: number }).n++;
    else this.executed.push({ t: 'run', cpu, n: 1 });
  }

  /** Record an event (irq, spec) that was applied; runs are recorded by `stepped`. */
  private record(ch: Choice): void {
    this.executed.push(ch);
  }

  private apply(ch: Choice): void {
    const w = this.w;
    const c = w.cpus[ch.cpu];
    if (c === undefined) return;
    if (ch.t === 'run') {
      this.cur = ch.cpu;
      this.remaining = ch.n;
    } else if (ch.t === 'irq') {
      if (c.done) return;
      this.record(ch);
      this.irqOps.set(ch.op.id, ch.op);
      c.pendingIrqs.push({ kind: ch.kind, op: ch.op.id });
    } else {
      const n = w.mm.pte.size;
      if (n === 0) return;
      this.record(ch);
      let i = ch.pick % n;
      for (const vpn of w.mm.pte.keys()) {
        if (i-- === 0) {
          w.mm.fill(c, vpn);
          w.trace.push({ t: 'tlb', i: w.stepNo, cpu: c.id, vpn, what: 'spec' });
          break;
        }
      }
    }
  }

  /** The CPU to step next, or null when none can run. */
  pick(): Cpu | null {
    const { w, runnable } = this;
    for (;;) {
      if (this.remaining > 0) {
        const c = w.cpus[this.cur]!;
        if (runnable(c)) {
          this.remaining--;
          return c;
        }
        this.remaining = 0;
      }
      if (this.ci >= this.schedule.length) break;
      this.apply(this.schedule[this.ci++]!);
    }
    if (this.explorer) {
      for (;;) {
        const ready = w.cpus.filter(runnable);
        if (ready.length === 0) return null;
        const d = this.explorer.decide(w, ready, this.cur);
        if (d.t === 'event') {
          this.apply(d.ch);
          continue;
        }
        this.cur = d.cpu;
        return w.cpus[d.cpu]!;
      }
    }
    if (this.chooser) {
      const ready = w.cpus.filter(runnable);
      if (ready.length === 0) return null;
      const choice = this.chooser(w, ready, this.cur);
      for (const ev of choice.events ?? []) this.apply(ev);
      const c = w.cpus[choice.cpu];
      const next = c !== undefined && runnable(c) ? c : ready[0]!;
      this.cur = next.id;
      return next;
    }
    if (runnable(w.cpus[this.cur]!)) return w.cpus[this.cur]!;
    for (const c of w.cpus) {
      if (runnable(c)) {
        this.cur = c.id;
        return c;
      }
    }
    return null;
  }
}
