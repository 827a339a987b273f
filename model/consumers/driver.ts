/**
 * The step driver of every consumer (pgd_sync, xen_pin, grant_multicall, mmu_notifier):
 * runs one process-context generator per CPU under an explicit schedule, the way
 * model/engine/runner.ts runs the vmap harness, but with the consumers' own programs
 * instead of the Harness's op set (which drives the vmap API through a Variant only).
 *
 * Same step rule as the runner: one `ctx.gen.next()` is one step (one C statement), a CPU
 * waiting for a lock or for flush IPIs is not runnable, RCU callbacks run when ready,
 * keventd runs queued work on an idle CPU (irqsafe). The schedule is data: `run cpu n`
 * steps a CPU up to n times, `ev` raises a consumer event (a speculative TLB fill, a
 * preemption) through `applyEvent`, which says whether it applied. When the list runs out a
 * chooser (random or PCT) or the fallback (keep the last CPU, else the lowest runnable)
 * decides, and everything that ran is recorded in `executed`, so a run replays exactly.
 */
import type { Gen } from '../exec/gen';
import type { K } from '../engine/exec';
import type { World } from '../engine/world';
import { sites, type Site } from '../exec/site';
import { Context, type Cpu } from '../kernel/cpu';
import { KernelPanic } from '../kernel/assert';
import type { Variant } from '../engine/variant';
import { ownLock, reportDeadlock } from '../engine/waits';

/** One scheduling choice of a consumer run. */
export type CChoice = { readonly t: 'run'; readonly cpu: number; readonly n: number } | { readonly t: 'ev'; readonly cpu: number; readonly kind: string; readonly pick: number };

/** Picks the next CPU once the schedule is exhausted, possibly raising events first. */
export type CChooser = (w: World, runnable: readonly Cpu[], last: number) => { cpu: number; events?: readonly CChoice[] };

/** How a consumer run ended. */
export type CEnding = 'done' | 'panic' | 'deadlock' | 'livelock' | 'step-limit';

/** What one drive needs. */
export interface DriveOptions {
  readonly w: World;
  /** The vmap variant under the consumer, if any (its keventd work is run on idle CPUs). */
  readonly variant?: Variant;
  /** The process-context program of each CPU. */
  readonly programs: readonly ((k: K) => Gen)[];
  readonly schedule: readonly CChoice[];
  readonly chooser?: CChooser;
  /** Apply a consumer event; false when it does not apply now (then it is not recorded). Default: no events. */
  readonly applyEvent?: (w: World, ev: Extract<CChoice, { t: 'ev' }>) => boolean;
  /** Is a context's wait (other than lock/IPI waits) over? */
  readonly waitOver?: (ctx: Context) => boolean;
  /** A context the model holds back (a retrying fault waiting for its condition): not runnable while true. */
  readonly blocked?: (ctx: Context) => boolean;
  /** Run after every step (step properties). */
  readonly afterStep?: (w: World) => void;
  readonly maxSteps?: number;
  readonly maxCallSteps?: number;
}

/** The outcome of one drive. */
export interface DriveResult {
  readonly ending: CEnding;
  readonly steps: number;
  readonly executed: CChoice[];
}

function waitDone(o: DriveOptions, ctx: Context): boolean {
  const wt = ctx.wait;
  if (wt === null) return true;
  if (wt.kind === 'lock') return wt.lock.available(wt.mode);
  if (wt.kind === 'ipi') return wt.pending.size === 0;
  return o.waitOver?.(ctx) ?? true;
}

/** One consumer op: `after` names an op (by id) that must have returned before this one starts. */
export interface ConsumerOp {
  readonly id: number;
  readonly after?: number;
}

const P = sites('(consumer program)', { wait: 'wait until the op it depends on has returned' });

/**
 * Per-CPU programs from op lists: each op waits for its `after` op (when that op is in the
 * scenario) to return, runs `exec` as one call, and is then marked done. `done` is what
 * `waitOver` must consult for the `handle` waits these programs raise.
 */
export function opPrograms<O extends ConsumerOp>(programs: readonly (readonly O[])[], exec: (k: K, op: O) => Gen, done: Set<number>, returned?: (k: K, op: O) => void): ((k: K) => Gen)[] {
  const present = new Set<number>();
  for (const p of programs) for (const op of p) present.add(op.id);
  return programs.map((ops) =>
    function* (k: K): Gen {
      for (const op of ops) {
        if (op.after !== undefined && present.has(op.after) && !done.has(op.after)) {
          k.ctx.wait = { kind: 'handle', op: op.after };
          yield P.wait;
          k.ctx.wait = null;
        }
        k.ctx.call = `#${op.id}`;
        k.ctx.callSteps = 0;
        yield* exec(k, op);
        k.ctx.call = null;
        done.add(op.id);
        returned?.(k, op);
      }
    },
  );
}

/** Run every CPU's program to its end under the schedule. */
export function drive(o: DriveOptions): DriveResult {
  const { w } = o;
  const executed: CChoice[] = [];
  const record = (ch: CChoice): void => {
    const last = executed.at(-1);
    if (ch.t === 'run' && last?.t === 'run' && last.cpu === ch.cpu) executed[executed.length - 1] = { t: 'run', cpu: ch.cpu, n: last.n + 1 };
    else executed.push(ch);
  };
  w.cpus.forEach((c, i) => {
    const ctx = new Context(c, 'process', 0);
    ctx.gen = o.programs[i]?.({ w, cpu: c, ctx }) ?? (function* (): Gen {})();
    c.stack.push(ctx);
  });
  const runnable = (c: Cpu): boolean => !c.done && waitDone(o, c.top) && !(o.blocked?.(c.top) ?? false);
  const maxSteps = o.maxSteps ?? 20_000;
  const maxCall = o.maxCallSteps ?? 5_000;
  let ci = 0;
  let cur = 0;
  let remaining = 0;
  const apply = (ch: CChoice): void => {
    if (w.cpus[ch.cpu] === undefined) return;
    if (ch.t === 'run') {
      cur = ch.cpu;
      remaining = ch.n;
    } else if (o.applyEvent?.(w, ch) ?? false) record(ch);
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
      if (ci >= o.schedule.length) break;
      apply(o.schedule[ci++]!);
    }
    const ready = w.cpus.filter(runnable);
    if (ready.length === 0) return null;
    if (o.chooser) {
      const ch = o.chooser(w, ready, cur);
      for (const ev of ch.events ?? []) apply(ev);
      const c = w.cpus[ch.cpu];
      const next = c !== undefined && runnable(c) ? c : ready[0]!;
      cur = next.id;
      return next;
    }
    const last = w.cpus[cur]!;
    const next = runnable(last) ? last : ready[0]!;
    cur = next.id;
    return next;
  };
  // keventd: an idle CPU runs work queued with schedule_work (irqsafe), as the runner does.
  const startWork = (): void => {
    if (o.variant === undefined || !o.variant.pendingWork?.(w).length) return;
    const idle = w.cpus.find((x) => x.done && x.irqsEnabled && x.held.length === 0);
    if (idle === undefined) return;
    const ctx = new Context(idle, 'process', 0);
    ctx.call = 'keventd: run_workqueue';
    ctx.gen = o.variant.run_workqueue!({ w, cpu: idle, ctx });
    idle.stack.push(ctx);
    idle.done = false;
  };
  // The statement each context will execute at its next step (for the trace).
  const pending = new Map<Context, Site>();
  let ending: CEnding = 'done';
  try {
    for (;;) {
      if (w.cpus.every((c) => c.done)) {
        startWork();
        if (w.cpus.every((c) => c.done)) break;
      }
      if (w.stepNo >= maxSteps) {
        ending = 'step-limit';
        break;
      }
      const stuck = w.cpus.find((x) => !x.done && ownLock(x.top) !== null);
      if (stuck !== undefined) {
        ending = 'deadlock';
        w.reportGlobal('no_deadlock', 'deadlock', stuck.id, ownLock(stuck.top)!, stuck.top.frames.at(-1) ?? '');
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
      const ctx = c.top;
      w.stepNo++;
      const site = pending.get(ctx);
      if (site !== undefined) w.trace.push({ t: 'step', i: w.stepNo, cpu: c.id, ctx: ctx.kind, site: site.id, irqs: c.irqsEnabled });
      if (++ctx.callSteps > maxCall && ctx.call !== null) {
        ending = 'livelock';
        w.reportGlobal('no_livelock', 'livelock', c.id, `${ctx.call} did not finish within ${maxCall} steps`, ctx.frames.at(-1) ?? '');
        break;
      }
      w.current = c.id;
      const r = ctx.gen.next();
      w.current = -1;
      if (!r.done) pending.set(ctx, r.value);
      if (r.done) {
        pending.delete(ctx);
        c.stack.pop();
        if (c.stack.length === 0) {
          c.done = true;
          if (!c.irqsEnabled) {
            c.irqsEnabled = true;
            w.irqsEnabled(c);
          }
        }
      }
      if (w.rcu.maybeReady) w.rcu.runReady();
      o.afterStep?.(w);
    }
  } catch (e) {
    if (!(e instanceof KernelPanic)) throw e;
    w.report(e.splat);
    ending = 'panic';
  }
  return { ending, steps: w.stepNo, executed };
}
