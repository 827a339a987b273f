/**
 * The step engine: runs every CPU's program under an explicit schedule.
 *
 * The schedule is data (a list of choices: run CPU c for n steps, raise an interrupt,
 * speculatively fill a TLB entry). When it runs out, a documented deterministic policy
 * takes over: keep running the CPU that ran last while it can run, otherwise the
 * lowest-numbered runnable CPU. That policy makes a shrunk schedule short: every choice
 * that remains is a context switch the counterexample needs.
 */
import type { K } from './exec';
import { World, type WorldOptions } from './world';
import { Context, type Cpu } from '../kernel/cpu';
import { KernelPanic } from '../kernel/assert';
import type { Site } from './site';
import type { Choice, Scenario } from './program';
import { Harness, type CallCheck } from './harness';
import type { Variant } from '../variants/variant';
import { runIrqHandler } from './irq_entry';

/** A predicate run by the engine; it reports through `w.reportGlobal`. */
export type Check = (w: World) => void;

/** When the engine evaluates which checks. */
export interface RunChecks {
  /** After every step that changed property-relevant state. */
  readonly step?: readonly Check[];
  /** When no API call is in flight on any CPU. */
  readonly quiescent?: readonly Check[];
  /** After teardown (everything unmapped, vm_unmap_aliases, RCU barrier). */
  readonly final?: readonly Check[];
  /** After each API call returns. */
  readonly afterCall?: readonly CallCheck[];
}

/** Limits and switches of one run. */
export interface RunOptions extends Omit<WorldOptions, 'faults'> {
  readonly variant: Variant;
  readonly checks?: RunChecks;
  /** Total step bound (a safety net; the per-call bound is the livelock check). */
  readonly maxSteps?: number;
  /** Steps one API call may take before it is a livelock. */
  readonly maxCallSteps?: number;
  /** Run the teardown and final checks (default true). */
  readonly teardown?: boolean;
  /** Called once the world exists, before any step (attach lockdep, ...). */
  readonly setup?: (w: World) => void;
  /**
   * Replaces the fallback policy once the schedule is exhausted (PCT): picks the next CPU
   * among the runnable ones and may raise events (irq, spec) first. The runner records what
   * ran, so the run replays as plain data.
   */
  readonly chooser?: (w: World, runnable: readonly Cpu[], last: number) => { cpu: number; events?: readonly Choice[] };
}

/** How a run ended. */
export type Ending = 'done' | 'panic' | 'deadlock' | 'livelock' | 'step-limit';

/** The outcome of one run. */
export interface RunResult {
  readonly world: World;
  readonly harness: Harness;
  readonly ending: Ending;
  readonly steps: number;
  /** The schedule actually executed, as data: replaying it reproduces this run exactly. */
  readonly executed: Choice[];
}

/** Is `ctx`'s wait satisfied? */
function waitOver(h: Harness, ctx: Context): boolean {
  const wt = ctx.wait;
  if (wt === null) return true;
  if (wt.kind === 'lock') return wt.lock.available(wt.mode);
  if (wt.kind === 'ipi') return wt.pending.size === 0;
  return h.handleSettled(wt.op);
}

/** Can the CPU take a raised interrupt now? */
function canDeliver(c: Cpu): boolean {
  if (!c.irqsEnabled || c.pendingIrqs.length === 0 || c.stack.length === 0) return false;
  const top = c.top.kind;
  return c.pendingIrqs[0]!.kind === 'hardirq' ? top !== 'hardirq' : top === 'process';
}

/** Run a scenario to its end. */
export function run(scn: Scenario, opts: RunOptions): RunResult {
  const w = new World({ ...opts, faults: scn.faults ?? [] });
  opts.variant.init(w);
  opts.setup?.(w);
  const executed: Choice[] = [];
  const record = (ch: Choice): void => {
    const last = executed.at(-1);
    if (ch.t === 'run' && last?.t === 'run' && last.cpu === ch.cpu) executed[executed.length - 1] = { t: 'run', cpu: ch.cpu, n: last.n + 1 };
    else executed.push(ch);
  };
  const h = new Harness(w, opts.variant, opts.checks?.afterCall ?? []);
  w.user = h;
  for (const p of scn.programs) for (const op of p) h.present.add(op.id);
  const maxSteps = opts.maxSteps ?? 200_000;
  const maxCall = opts.maxCallSteps ?? 20_000;
  const checks = opts.checks ?? {};
  const pendingSite = new Map<Context, Site>();
  const irqOps = new Map<number, import('./program').Op>();

  w.cpus.forEach((c, i) => {
    const ctx = new Context(c, 'process', 0);
    const k: K = { w, cpu: c, ctx };
    ctx.gen = h.runProgram(k, scn.programs[i] ?? []);
    c.stack.push(ctx);
  });

  const runnable = (c: Cpu): boolean => !c.done && (canDeliver(c) || waitOver(h, c.top));
  let cur = 0;
  let remaining = 0;
  let ci = 0;
  const apply = (ch: Choice): void => {
    const c = w.cpus[ch.cpu];
    if (c === undefined) return;
    if (ch.t === 'run') {
      cur = ch.cpu;
      remaining = ch.n;
    } else if (ch.t === 'irq') {
      if (c.done) return;
      record(ch);
      irqOps.set(ch.op.id, ch.op);
      c.pendingIrqs.push({ kind: ch.kind, op: ch.op.id });
    } else {
      const n = w.mm.pte.size;
      if (n === 0) return;
      record(ch);
      let i = ch.pick % n;
      for (const vpn of w.mm.pte.keys()) {
        if (i-- === 0) {
          w.mm.fill(c, vpn);
          w.trace.push({ t: 'tlb', i: w.stepNo, cpu: c.id, vpn, what: 'spec' });
          break;
        }
      }
    }
  };
  const pick = (): Cpu | null => {
    for (;;) {
      if (remaining > 0) {
        const c = w.cpus[cur]!;
        if (runnable(c)) {
          remaining--;
          return c;
        }
        remaining = 0;
      }
      if (ci >= scn.schedule.length) break;
      apply(scn.schedule[ci++]!);
    }
    if (opts.chooser) {
      const ready = w.cpus.filter(runnable);
      if (ready.length === 0) return null;
      const pickd = opts.chooser(w, ready, cur);
      for (const ev of pickd.events ?? []) apply(ev);
      const c = w.cpus[pickd.cpu];
      if (c !== undefined && runnable(c)) return (cur = c.id), c;
      return (cur = ready[0]!.id), ready[0]!;
    }
    if (runnable(w.cpus[cur]!)) return w.cpus[cur]!;
    for (const c of w.cpus) if (runnable(c)) return (cur = c.id), c;
    return null;
  };

  // keventd: a CPU with nothing to do runs pending work (irqsafe's schedule_work).
  const startWork = (): void => {
    if (!opts.variant.pendingWork?.(w).length) return;
    const idle = w.cpus.find((x) => x.done && x.irqsEnabled && x.held.length === 0);
    if (idle === undefined) return;
    const ctx = new Context(idle, 'process', 0);
    ctx.call = 'keventd: run_workqueue';
    ctx.gen = opts.variant.run_workqueue!({ w, cpu: idle, ctx });
    idle.stack.push(ctx);
    idle.done = false;
  };
  const quiescent = (): boolean => w.cpus.every((c) => c.stack.every((x) => x.call === null));
  const checkStep = (): void => {
    if (!w.dirty) return;
    for (const f of checks.step ?? []) f(w);
    if (checks.quiescent && quiescent()) for (const f of checks.quiescent) f(w);
    w.dirty = false;
  };

  let ending: Ending = 'done';
  try {
    for (;;) {
      if (w.cpus.every((c) => c.done)) {
        startWork(); // keventd still runs work queued by the last program
        if (w.cpus.every((c) => c.done)) break;
      }
      if (w.stepNo >= maxSteps) {
        ending = 'step-limit';
        break;
      }
      const stuck = w.cpus.find((x) => !x.done && ownLock(x.top) !== null);
      if (stuck !== undefined) {
        ending = 'deadlock';
        w.reportGlobal('no_deadlock', 'deadlock', stuck.id, ownLock(stuck.top)!, stuck.top.frames.at(-1) ?? '', pendingSite.get(stuck.top)?.stmt ?? '');
        break;
      }
      startWork();
      const c = pick();
      if (c === null) {
        ending = 'deadlock';
        reportDeadlock(w);
        break;
      }
      record({ t: 'run', cpu: c.id, n: 1 });
      if (canDeliver(c)) {
        const req = c.pendingIrqs.shift()!;
        const op = irqOps.get(req.op)!;
        const ctx = new Context(c, req.kind, c.stack.length);
        ctx.gen = runIrqHandler({ w, cpu: c, ctx }, h, req.kind, op);
        c.stack.push(ctx);
      }
      const ctx = c.top;
      w.stepNo++;
      const site = pendingSite.get(ctx);
      if (site !== undefined) w.trace.push({ t: 'step', i: w.stepNo, cpu: c.id, ctx: ctx.kind, site: site.id, irqs: c.irqsEnabled });
      if (++ctx.callSteps > maxCall && ctx.call !== null) {
        ending = 'livelock';
        w.reportGlobal('no_livelock', 'livelock', c.id, `${ctx.call} did not finish within ${maxCall} steps`, site?.fn ?? '', site?.stmt ?? '');
        break;
      }
      w.current = c.id;
      const r = ctx.gen.next();
      w.current = -1;
      if (r.done) {
        pendingSite.delete(ctx);
        c.stack.pop();
        if (c.stack.length === 0) {
          c.done = true;
          // The task returns to user space, which runs with interrupts enabled.
          if (!c.irqsEnabled) {
            c.irqsEnabled = true;
            w.irqsEnabled(c);
          }
        }
      } else pendingSite.set(ctx, r.value);
      if (w.rcu.maybeReady) for (const label of w.rcu.runReady()) w.trace.push({ t: 'rcu', i: w.stepNo, label });
      checkStep();
      if (w.violations.some((v) => v.splat.kind === 'deadlock')) {
        ending = 'deadlock';
        break;
      }
    }
    if (ending === 'done' && (opts.teardown ?? true)) ending = teardown(w, h, maxCall, checks);
  } catch (e) {
    if (!(e instanceof KernelPanic)) throw e;
    w.report(e.splat);
    ending = 'panic';
  }
  return { world: w, harness: h, ending, steps: w.stepNo, executed };
}

/** A context spinning on a lock its own CPU holds in a context it interrupted. */
function ownLock(ctx: Context): string | null {
  const wt = ctx.wait;
  if (wt === null || wt.kind !== 'lock') return null;
  const holders = wt.lock.holder ? [wt.lock.holder] : wt.mode === 'w' ? wt.lock.readers : [];
  const mine = holders.find((hd) => hd.cpu === ctx.cpu && hd.ctx !== ctx);
  if (mine === undefined) return null;
  return `self-deadlock: cpu${ctx.cpu.id} ${ctx.kind} spins on ${wt.lock.name}, held by the ${mine.ctx.kind} context it interrupted (taken with ${mine.how} at ${mine.site.fn}: ${mine.site.stmt})`;
}

/** Every CPU that has work is blocked: describe the wait-for state. */
function reportDeadlock(w: World): void {
  const lines = w.cpus
    .filter((c) => !c.done)
    .map((c) => {
      const wt = c.top.wait;
      if (wt === null) return `cpu${c.id}: running`;
      if (wt.kind === 'lock') {
        const hd = wt.lock.holder ?? wt.lock.readers[0];
        return `cpu${c.id} ${c.top.kind} waits for ${wt.lock.name}${hd ? ` held by cpu${hd.cpu.id} ${hd.ctx.kind} (${hd.how} at ${hd.site.fn})` : ''}`;
      }
      if (wt.kind === 'ipi') return `cpu${c.id} waits for flush IPIs to ${[...wt.pending].map((x) => `cpu${x.id}`).join(',')} (irqs disabled there)`;
      return `cpu${c.id} waits for handle #${wt.op}`;
    });
  const c0 = w.cpus.find((c) => !c.done)!;
  w.reportGlobal('no_deadlock', 'deadlock', c0.id, `deadlock: ${lines.join('; ')}`, c0.top.frames.at(-1) ?? '');
}

/** Unmap what is still live on CPU 0, vm_unmap_aliases, drain RCU, run the final checks. */
function teardown(w: World, h: Harness, maxCall: number, checks: RunChecks): Ending {
  const c = w.cpus[0]!;
  c.done = false;
  const ctx = new Context(c, 'process', 0);
  ctx.gen = h.runProgram({ w, cpu: c, ctx }, h.teardownOps());
  c.stack.push(ctx);
  let site: Site | undefined;
  for (;;) {
    if (!waitOver(h, ctx)) {
      reportDeadlock(w);
      return 'deadlock';
    }
    w.stepNo++;
    if (++ctx.callSteps > maxCall && ctx.call !== null) {
      w.reportGlobal('no_livelock', 'livelock', 0, `teardown ${ctx.call} did not finish within ${maxCall} steps`);
      return 'livelock';
    }
    if (site !== undefined) w.trace.push({ t: 'step', i: w.stepNo, cpu: 0, ctx: 'process', site: site.id, irqs: c.irqsEnabled });
    w.current = 0;
    const r = ctx.gen.next();
    w.current = -1;
    site = r.done ? undefined : r.value;
    if (w.rcu.maybeReady) w.rcu.runReady();
    if (r.done) break;
  }
  c.stack.pop();
  c.done = true;
  w.rcu.barrier();
  for (const f of checks.quiescent ?? []) f(w);
  for (const f of checks.final ?? []) f(w);
  return 'done';
}
