/**
 * A step driver for consumer models (grant multicalls, MMU notifiers): runs one program of
 * consumer ops per CPU under the engine's schedule-as-data (model/engine/scheduler.ts), with
 * the same step rule as the vmap runner — each `yield site` is one step, a context whose
 * wait is not over is not runnable, a BUG/oops ends the run. It exists beside
 * model/engine/runner.ts because that runner drives the vmap API through the Harness and a
 * Variant; the consumers have their own ops and no vmap variant to drive.
 * (Shared by both of consumers-b's models; the lead may move it to model/consumers/.)
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import type { Site } from '../../exec/site';
import { sites } from '../../exec/site';
import type { Choice } from '../../engine/program';
import { Scheduler, type Chooser } from '../../engine/scheduler';
import type { World } from '../../engine/world';
import { Context, type Cpu } from '../../kernel/cpu';
import { KernelPanic } from '../../kernel/assert';

/** One consumer op: `after` names an op (by id) that must have returned before this one starts. */
export interface ConsumerOp {
  readonly id: number;
  readonly after?: number;
}

/** How a consumer run ended. */
export type ConsumerEnding = 'done' | 'panic' | 'deadlock' | 'livelock' | 'step-limit';

/** Options of one driven run. */
export interface DriveOptions<O extends ConsumerOp> {
  readonly programs: readonly (readonly O[])[];
  readonly schedule: readonly Choice[];
  readonly chooser?: Chooser;
  /** Runs one op on its CPU (the C entry point). */
  readonly exec: (k: K, op: O) => Gen;
  /** Called after every step (the step checks). */
  readonly step?: (w: World) => void;
  /** Called after an op returns on its CPU. */
  readonly returned?: (k: K, op: O) => void;
  /** A context the model holds back (a retrying fault waiting for its condition); not runnable while true. */
  readonly blocked?: (ctx: Context) => boolean;
  readonly maxSteps?: number;
  readonly maxCallSteps?: number;
}

/** Result of one driven run. */
export interface DriveResult {
  readonly ending: ConsumerEnding;
  readonly steps: number;
  readonly executed: Choice[];
  /** Ids of ops that returned. */
  readonly done: ReadonlySet<number>;
}

const S = sites('(consumer program)', { wait: 'wait until the op it depends on has returned' });

function waitOver(ctx: Context, done: ReadonlySet<number>): boolean {
  const wt = ctx.wait;
  if (wt === null) return true;
  if (wt.kind === 'lock') return wt.lock.available(wt.mode);
  if (wt.kind === 'ipi') return wt.pending.size === 0;
  return done.has(wt.op);
}

function* program<O extends ConsumerOp>(k: K, ops: readonly O[], o: DriveOptions<O>, done: Set<number>, present: ReadonlySet<number>): Gen {
  for (const op of ops) {
    if (op.after !== undefined && present.has(op.after) && !done.has(op.after)) {
      k.ctx.wait = { kind: 'handle', op: op.after };
      yield S.wait;
      k.ctx.wait = null;
    }
    k.ctx.call = `#${op.id}`;
    k.ctx.callSteps = 0;
    yield* o.exec(k, op);
    k.ctx.call = null;
    done.add(op.id);
    o.returned?.(k, op);
  }
}

/** Run every CPU's program to its end under `schedule` (then the chooser, then the fallback policy). */
export function drive<O extends ConsumerOp>(w: World, o: DriveOptions<O>): DriveResult {
  const done = new Set<number>();
  const present = new Set<number>();
  for (const p of o.programs) for (const op of p) present.add(op.id);
  const pending = new Map<Context, Site>();
  w.cpus.forEach((c, i) => {
    const ctx = new Context(c, 'process', 0);
    ctx.gen = program({ w, cpu: c, ctx }, o.programs[i] ?? [], o, done, present);
    c.stack.push(ctx);
  });
  const runnable = (c: Cpu): boolean => !c.done && waitOver(c.top, done) && !(o.blocked?.(c.top) ?? false);
  const sched = new Scheduler(w, o.schedule, runnable, o.chooser);
  const maxSteps = o.maxSteps ?? 20_000;
  const maxCall = o.maxCallSteps ?? 2_000;
  let ending: ConsumerEnding = 'done';
  try {
    for (;;) {
      if (w.cpus.every((c) => c.done)) break;
      if (w.stepNo >= maxSteps) {
        ending = 'step-limit';
        break;
      }
      const c = sched.pick();
      if (c === null) {
        ending = 'deadlock';
        const c0 = w.cpus.find((x) => !x.done)!;
        w.reportGlobal('no_deadlock', 'deadlock', c0.id, `deadlock: every CPU with work is blocked (${pending.get(c0.top)?.stmt ?? ''})`, c0.top.frames.at(-1) ?? '');
        break;
      }
      sched.stepped(c.id);
      const ctx = c.top;
      w.stepNo++;
      const site = pending.get(ctx);
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
        pending.delete(ctx);
        c.stack.pop();
        c.done = true;
      } else pending.set(ctx, r.value);
      o.step?.(w);
    }
  } catch (e) {
    if (!(e instanceof KernelPanic)) throw e;
    w.report(e.splat);
    ending = 'panic';
  }
  return { ending, steps: w.stepNo, executed: sched.executed, done };
}
