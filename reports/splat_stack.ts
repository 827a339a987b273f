/**
 * Pieces every kernel-style splat shares (reports/splat.ts, reports/splat_lockdep.ts): stacks
 * one frame a line with the C statement, the `<IRQ>`/`<TASK>` call trace of the interrupted
 * contexts, lockdep's class names, and the irq event stamps, which are read back from the
 * trace (the kernel counts them per task; here per CPU, whose contexts play the task).
 */
import { allSites } from '../model/exec/site';
import type { TraceEvent } from '../model/engine/trace';
import type { Splat } from '../model/kernel/assert';

/** lockdep names a class by what spin_lock_init was given (`&vb->lock`), a static lock by its name. */
export function lockName(cls: string): string {
  return cls.includes('->') ? `&${cls}` : cls;
}

/** A stack innermost first, one frame a line: the statement's function with the statement, then the callers. */
export function stackLines(fn: string, stmt: string, frames: readonly string[], indent = ' '): string[] {
  const callers = [...frames].reverse();
  if (callers[0] === fn) callers.shift();
  return [`${indent}${fn}${stmt ? `: ${stmt}` : ''}`, ...callers.map((f) => `${indent}${f}`)];
}

const MARK: Record<string, string> = { hardirq: 'IRQ', softirq: 'SOFTIRQ', process: 'TASK' };

/** `Call Trace:` of a splat: its context's stack, then each context it interrupted, each between its kernel marker. */
export function callTrace(s: Splat, events: readonly TraceEvent[], upto: number): string[] {
  const out = ['Call Trace:'];
  const ctxs = [{ ctx: s.context, frames: s.frames, fn: s.fn, stmt: s.stmt }];
  for (const b of s.below ?? []) {
    // Where the interrupted context stopped: its last step before the report.
    const last = lastStep(events, upto, s.cpu, b.ctx);
    const fn = last?.fn ?? b.frames.at(-1) ?? '(idle)';
    ctxs.push({ ctx: b.ctx, frames: b.frames, fn, stmt: last !== undefined && (b.frames.length === 0 || b.frames.at(-1) === last.fn) ? last.stmt : '' });
  }
  for (const c of ctxs) {
    const m = MARK[c.ctx] ?? c.ctx.toUpperCase();
    out.push(` <${m}>`, ...stackLines(c.fn, c.stmt, c.frames), ` </${m}>`);
  }
  return out;
}

function lastStep(events: readonly TraceEvent[], upto: number, cpu: number, ctx: string): { fn: string; stmt: string } | undefined {
  const sites = allSites();
  for (let i = Math.min(upto, events.length) - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.t === 'step' && e.cpu === cpu && e.ctx === ctx) return sites[e.site];
  }
  return undefined;
}

/** The index of a splat's own trace event (its 'violation' line), or the end of the trace. */
export function violationIndex(events: readonly TraceEvent[], property: string, message: string): number {
  const i = events.findIndex((e) => e.t === 'violation' && e.property === property && e.message === message);
  return i < 0 ? events.length : i;
}

/** One stamped irq event: its number and where it happened. */
interface Stamp {
  readonly n: number;
  readonly at: string;
}

/**
 * lockdep's irq event stamps of one CPU up to trace index `upto`: how many irq-state changes
 * (hardirqs on/off, softirqs on/off; redundant ones are not events, as in lockdep) and where
 * each kind last happened. A change seen at the start of step Y was made between the previous
 * step X and Y: the model's lock primitives disable irqs just before their own step and
 * enable them just after it, so a disable goes to Y and an enable to X when that statement
 * names an irq primitive (else to the other one).
 */
export function irqStampLines(events: readonly TraceEvent[], upto: number, cpu: number): string[] {
  const sites = allSites();
  let irqs = true;
  let soft = 0;
  let n = 0;
  let cur = '(start of the run)';
  const last: Record<'hon' | 'hoff' | 'son' | 'soff', Stamp | null> = { hon: null, hoff: null, son: null, soff: null };
  const hard = (on: boolean, at: string): void => {
    if (on === irqs) return;
    irqs = on;
    last[on ? 'hon' : 'hoff'] = { n: ++n, at };
  };
  const namesIrq = (t: string): boolean => /irq/.test(t);
  for (let i = 0; i < Math.min(upto, events.length); i++) {
    const e = events[i]!;
    if (!('cpu' in e) || e.cpu !== cpu) continue;
    if (e.t === 'step') {
      const s = sites[e.site]!;
      const next = `${s.fn}: ${s.stmt}`;
      hard(e.irqs, e.irqs ? (namesIrq(cur) || !namesIrq(next) ? cur : next) : namesIrq(next) || !namesIrq(cur) ? next : cur);
      cur = next;
    } else if (e.t === 'lock' || e.t === 'unlock') hard(e.irqs, `${cur} (${e.how})`);
    else if (e.t === 'irq' && e.kind === 'hardirq') hard(e.phase === 'exit', `hardirq ${e.phase === 'enter' ? 'entry' : 'exit'} (${e.op})`);
    else if (e.t === 'irq' && e.kind === 'softirq') {
      // Serving a softirq disables further softirqs on this CPU (__do_softirq's local_bh_disable).
      soft += e.phase === 'enter' ? 1 : -1;
      if (e.phase === 'enter' && soft === 1) last.soff = { n: ++n, at: `softirq entry (${e.op})` };
      if (e.phase === 'exit' && soft === 0) last.son = { n: ++n, at: `softirq exit (${e.op})` };
    }
  }
  const line = (what: string, s: Stamp | null): string => `${what} at (${s?.n ?? 0}): ${s?.at ?? '(never in this run)'}`;
  return [`irq event stamp: ${n}`, line('hardirqs last  enabled', last.hon), line('hardirqs last disabled', last.hoff), line('softirqs last  enabled', last.son), line('softirqs last disabled', last.soff)];
}
