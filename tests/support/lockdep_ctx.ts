/**
 * Test support for lockdep: a world with the validator attached, irq entry and exit done
 * the way model/engine/irq_entry.ts does them (without a scheduler), and a helper that runs
 * code with a model function on the frame stack so acquisition stacks have content.
 */
import type { K } from '../../model/engine/exec';
import type { Violation } from '../../model/engine/violation';
import { Context } from '../../model/kernel/cpu';
import { Lockdep, type LockdepOptions } from '../../model/kernel/lockdep';
import { mkWorld, type TestWorld } from './kctx';

/** A test world with lockdep attached. */
export interface LockdepWorld extends TestWorld {
  readonly ld: Lockdep;
}

/** A world of `cpus` CPUs (process context on each) with a Lockdep observer attached. */
export function mkLockdepWorld(cpus = 2, opts: LockdepOptions = {}): LockdepWorld {
  const tw = mkWorld(cpus);
  const ld = new Lockdep(tw.w, opts);
  tw.w.observers.push(ld);
  return { ...tw, ld };
}

/** Enter an interrupt on k's CPU: push its context, as runIrqHandler does on entry. */
export function enterIrq(k: K, kind: 'hardirq' | 'softirq'): K {
  const c = k.cpu;
  const ctx = new Context(c, kind, c.stack.length);
  c.stack.push(ctx);
  if (kind === 'hardirq') {
    c.irqsEnabled = false;
    c.hardirq++;
  } else c.softirq++;
  return { w: k.w, cpu: c, ctx };
}

/** Leave the interrupt `irq` entered, as runIrqHandler does on exit. */
export function exitIrq(irq: K): void {
  const c = irq.cpu;
  if (irq.ctx.kind === 'hardirq') {
    c.hardirq--;
    c.irqsEnabled = true;
    irq.w.irqsEnabled(c);
  } else c.softirq--;
  c.stack.pop();
}

/** Run `body` with `fns` pushed on k's frame stack (outermost first). */
export function inFns<R>(k: K, fns: readonly string[], body: () => R): R {
  k.ctx.frames.push(...fns);
  try {
    return body();
  } finally {
    k.ctx.frames.length -= fns.length;
  }
}

/** The violations lockdep reported in a world. */
export function lockdepReports(tw: TestWorld): Violation[] {
  return tw.w.violations.filter((v) => v.splat.kind === 'lockdep');
}
