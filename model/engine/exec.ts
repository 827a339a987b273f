/**
 * The execution handle passed to every model function: C's implicit "current CPU".
 *
 * Model functions are generators. Each `yield site` is a scheduling point placed just
 * before a C statement that touches shared state; the code between two yields runs
 * atomically when the scheduler resumes that CPU. Nested calls use `yield*`.
 */
import type { Site } from './site';
import type { World } from './world';
import type { Cpu, Context } from '../kernel/cpu';

/** A model function body: yields the site of each statement, returns the C return value. */
export type Gen<R = void> = Generator<Site, R, void>;

/** The running context: world, CPU and the context (process/softirq/hardirq) on that CPU. */
export interface K {
  readonly w: World;
  readonly cpu: Cpu;
  readonly ctx: Context;
}

/**
 * Wrap a model function so its kernel name is on the context's frame stack while it runs
 * (for splats and lockdep acquisition stacks). Costs one push and one pop per call.
 */
export function kfn<A extends unknown[], R>(name: string, body: (k: K, ...a: A) => Gen<R>): (k: K, ...a: A) => Gen<R> {
  return function* (k: K, ...a: A): Gen<R> {
    const frames = k.ctx.frames;
    frames.push(name);
    try {
      return yield* body(k, ...a);
    } finally {
      frames.pop();
    }
  };
}
