/**
 * The step engine: runs every CPU's program under an explicit schedule (scheduler.ts),
 * delivers interrupts, runs RCU callbacks and keventd work, evaluates the checks after
 * each step, detects deadlocks and livelocks (waits.ts), and tears down at the end.
 */
import type { K } from './exec';
import { World, type WorldOptions } from './world';
import { Context, type Cpu } from '../kernel/cpu';
import { KernelPanic } from '../kernel/assert';
import type { Site } from '../exec/site';
import type { Choice, Scenario } from './program';
import { Harness, type CallCheck } from './harness';
import type { Variant } from './variant';
import { runIrqHandler } from './irq_entry';
import { Scheduler, type Chooser, type Explorer } from './scheduler';
import { resetObjIds, setRecorder } from '../kernel/footprint';
import { memoView } from './view_memo';
import { rbWatch } from '../kernel/rbtree';
import { listWatch } from '../kernel/list';
import { canDeliver, ownLock, reportDeadlock, waitOver } from './waits';

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
  readonly chooser?: Chooser;
  /** Takes every scheduling decision and records footprints (exhaustive exploration). */
  readonly explorer?: Explorer;
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

/** Run a scenario to its end. */
export function run(scn: Scenario, opts: RunOptions): RunResult {
  if (opts.explorer === undefined) return runWatched(scn, opts);
  resetObjIds();
  setRecorder(opts.explorer.recorder);
  try {
    return runWatched(scn, opts);
  } finally {
    setRecorder(null);
  }
}

/** runWith with the rbtree's ghost observer pointed at this run's world (restored after: runs may nest). */
function runWatched(scn: Scenario, opts: RunOptions): RunResult {
  const prev = rbWatch.on;
  const prevTouch = rbWatch.touch;
  const prevList = listWatch.on;
  try {
    return runWith(scn, { ...opts, setup: (w) => {
      rbWatch.on = (n, linked) => w.changes.area(n, linked);
      rbWatch.touch = (n) => w.changes.treeWrite(n);
      listWatch.on = (l) => w.changes.listWrite(l);
      opts.setup?.(w);
    } });
  } finally {
    rbWatch.on = prev;
    rbWatch.touch = prevTouch;
    listWatch.on = prevList;
  }
}

function runWith(scn: Scenario, opts: RunOptions): RunResult {
  const ex = opts.explorer;
  const w = new World({ ...opts, faults: scn.faults ?? [] });
  opts.variant.init(w);
  opts.setup?.(w);
  const h = new Harness(w, opts.variant, opts.checks?.afterCall ?? []);
  w.user = h;
  for (const p of scn.programs) for (const op of p) h.present.add(op.id);
  const maxSteps = opts.maxSteps ?? 200_000;
  const maxCall = opts.maxCallSteps ?? 20_000;
  const checks = opts.checks ?? {};
  const pendingSite = new Map<Context, Site>();

  w.cpus.forEach((c, i) => {
    const ctx = new Context(c, 'process', 0);
    const k: K = { w, cpu: c, ctx };
    ctx.gen = h.runProgram(k, scn.programs[i] ?? []);
    c.stack.push(ctx);
  });

  const runnable = (c: Cpu): boolean => !c.done && (canDeliver(c) || waitOver(h, c.top));
  const sched = new Scheduler(w, scn.schedule, runnable, opts.chooser, ex);

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
    // No model code runs until the ghost has sampled: one reading of the view serves all.
    w.stepView = memoView(opts.variant.view(w));
    for (const f of checks.step ?? []) f(w);
    if (checks.quiescent && quiescent()) for (const f of checks.quiescent) f(w);
    w.dirty = false;
    w.stepView = null;
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
      const c = sched.pick();
      if (c === null) {
        ending = 'deadlock';
        reportDeadlock(w);
        break;
      }
      sched.stepped(c.id);
      ex?.beginStep(c.id);
      if (canDeliver(c)) {
        ex?.recorder.opaque('interrupt delivery');
        const req = c.pendingIrqs.shift()!;
        const op = sched.irqOps.get(req.op)!;
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
      const call0 = ctx.call;
      const done0 = h.completed.size;
      const r = ctx.gen.next();
      w.current = -1;
      // Call boundaries run harness code and property-relevant changes are visible to the
      // checks: neither is described by a footprint (partial-order reduction stays sound).
      if (ex !== undefined && (r.done || ctx.call !== call0 || h.completed.size !== done0 || w.dirty)) ex.recorder.opaque('call boundary or visible change');
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
      if (w.rcu.maybeReady) {
        const ran = w.rcu.runReady();
        if (ran.length > 0) ex?.recorder.opaque('rcu callbacks');
        for (const label of ran) w.trace.push({ t: 'rcu', i: w.stepNo, label });
      }
      ex?.endStep();
      checkStep();
      if (w.violations.some((v) => v.splat.kind === 'deadlock')) {
        ending = 'deadlock';
        break;
      }
    }
    if (ex !== undefined) setRecorder(null); // teardown is not explored
    if (ending === 'done' && (opts.teardown ?? true)) ending = teardown(w, h, maxCall, checks);
  } catch (e) {
    if (!(e instanceof KernelPanic)) throw e;
    w.report(e.splat);
    ending = 'panic';
  }
  return { world: w, harness: h, ending, steps: w.stepNo, executed: sched.executed };
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
