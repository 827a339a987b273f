/**
 * Kernel assertions: BUG_ON, WARN_ON, oopses and might_sleep splats.
 *
 * A BUG or an oops ends the run (the kernel would kill the task with its locks held);
 * a WARN is recorded and execution continues, as in C. Each report names the CPU, the
 * context, the model function stack and the C statement.
 */
import type { Site } from '../exec/site';
import type { K, Splat, SplatKind } from './k';

/** The splat record, declared in k.ts (KernelWorld.report takes it); re-exported for the assertions' users. */
export type { Splat, SplatKind } from './k';

/** Thrown by BUG_ON and oopses; the runner catches it and ends the run. */
export class KernelPanic extends Error {
  constructor(readonly splat: Splat) {
    super(`${splat.kind}: ${splat.message}`);
  }
}

/** Build a splat for the current execution point. */
export function splat(k: K, kind: SplatKind, site: Site, message: string): Splat {
  return {
    kind,
    message,
    cpu: k.cpu.id,
    context: k.ctx.kind,
    frames: k.ctx.frames.slice(),
    fn: site.fn,
    stmt: site.stmt,
    step: k.w.stepNo,
    ...(k.ctx.misuse ? { misuse: true } : {}),
    ...(k.cpu.stack.length > 1 ? { below: k.cpu.stack.filter((c) => c !== k.ctx).reverse().map((c) => ({ ctx: c.kind, frames: c.frames.slice() })) } : {}),
  };
}

/** C `BUG_ON(cond)`: a kernel BUG ends the run. */
export function BUG_ON(k: K, cond: boolean, site: Site, what: string): void {
  if (cond) throw new KernelPanic(splat(k, 'BUG', site, `kernel BUG: BUG_ON(${what})`));
}

/** C `BUG()`. */
export function BUG(k: K, site: Site, what: string): never {
  throw new KernelPanic(splat(k, 'BUG', site, `kernel BUG: ${what}`));
}

/** C `WARN_ON(cond)`: reported, execution continues; returns cond like the C macro. */
export function WARN_ON(k: K, cond: boolean, site: Site, what: string): boolean {
  if (cond) k.w.report(splat(k, 'WARN', site, `WARNING: WARN_ON(${what})`));
  return cond;
}

/** A bad memory access (poison, NULL, freed memory, out of bounds): an oops. */
export function oops(k: K, site: Site, what: string): never {
  throw new KernelPanic(splat(k, 'Oops', site, what));
}
