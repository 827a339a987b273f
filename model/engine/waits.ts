/**
 * Why a CPU cannot run: lock, IPI and handle waits, interrupt delivery, and the deadlock
 * reports (a handler spinning on a lock its own CPU holds; every CPU with work blocked).
 */
import type { World } from './world';
import type { Harness } from './harness';
import type { Context, Cpu } from '../kernel/cpu';

/** Is `ctx`'s wait satisfied? */
export function waitOver(h: Harness, ctx: Context): boolean {
  const wt = ctx.wait;
  if (wt === null) return true;
  if (wt.kind === 'lock') return wt.lock.available(wt.mode);
  if (wt.kind === 'ipi') return wt.pending.size === 0;
  return h.handleSettled(wt.op);
}

/** Can the CPU take a raised interrupt now? */
export function canDeliver(c: Cpu): boolean {
  if (!c.irqsEnabled || c.pendingIrqs.length === 0 || c.stack.length === 0) return false;
  const top = c.top.kind;
  return c.pendingIrqs[0]!.kind === 'hardirq' ? top !== 'hardirq' : top === 'process';
}

/** A context spinning on a lock its own CPU holds in a context it interrupted. */
export function ownLock(ctx: Context): string | null {
  const wt = ctx.wait;
  if (wt === null || wt.kind !== 'lock') return null;
  const holders = wt.lock.holder ? [wt.lock.holder] : wt.mode === 'w' ? wt.lock.readers : [];
  const mine = holders.find((hd) => hd.cpu === ctx.cpu && hd.ctx !== ctx);
  if (mine === undefined) return null;
  return `self-deadlock: cpu${ctx.cpu.id} ${ctx.kind} spins on ${wt.lock.name}, held by the ${mine.ctx.kind} context it interrupted (taken with ${mine.how} at ${mine.site.fn}: ${mine.site.stmt})`;
}

/** Every CPU that has work is blocked: describe the wait-for state. */
export function reportDeadlock(w: World): void {
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

