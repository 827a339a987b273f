/**
 * Model functions as generators: the step vocabulary every layer above shares.
 *
 * Each `yield site` is a scheduling point placed just before a C statement that touches
 * shared state; the code between two yields runs atomically when the scheduler resumes
 * that CPU. Nested calls use `yield*`. This file knows nothing of CPUs or worlds: `kfn`
 * needs only the running context's frame stack, so the kernel and the engine can both
 * build on it without importing each other.
 */
import type { Site } from './site';

/** A model function body: yields the site of each statement, returns the C return value. */
export type Gen<R = void> = Generator<Site, R, void>;

/** What `kfn` needs of an execution handle: the running context's model-function stack. */
export interface Framed {
  readonly ctx: { readonly frames: string[] };
}

/**
 * Wrap a model function so its kernel name is on the context's frame stack while it runs
 * (for splats and lockdep acquisition stacks). Costs one push and one pop per call.
 */
export function kfn<C extends Framed, A extends unknown[], R>(name: string, body: (k: C, ...a: A) => Gen<R>): (k: C, ...a: A) => Gen<R> {
  return function* (k: C, ...a: A): Gen<R> {
    const frames = k.ctx.frames;
    frames.push(name);
    try {
      return yield* body(k, ...a);
    } finally {
      frames.pop();
    }
  };
}
