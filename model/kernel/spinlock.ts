/**
 * Spinlocks and rwlocks with the kernel's irq flavours.
 *
 * A lock acquisition is one step: the context yields the statement's site with its wait
 * set to the lock, and the scheduler resumes it only when the lock is free, so a spinning
 * CPU is "blocked" rather than burning steps. Every holding records the irq state at
 * acquire and how the lock was taken, for lockdep and the irq-balance checks.
 */
import type { Gen } from '../exec/gen';
import type { K } from './k';
import type { Site } from '../exec/site';
import type { Holding, Lock } from './cpu';
import { BUG } from './assert';
import { recorder } from './footprint';
import { local_irq_disable, local_irq_enable, local_irq_restore, local_irq_save, preempt_disable, preempt_enable } from './irq';

/** The lock instance and held-lock record, declared in cpu.ts (CPUs list their holdings); re-exported. */
export { Lock, type Holding } from './cpu';

function* acquire(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): Gen {
  k.w.lockAcquiring(k, lock, mode, how, site);
  k.ctx.wait = { kind: 'lock', lock, mode };
  yield site;
  if (recorder !== null) lockStep(lock);
  k.ctx.wait = null;
  take(k, lock, mode, how, site);
}

/** Footprint of a step that is a lock operation: it reads and writes the lock word. */
function lockStep(lock: Lock): void {
  recorder!.primitive();
  recorder!.write(`lock#${lock.fid}`);
}

function take(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void {
  const h: Holding = {
    lock,
    cpu: k.cpu,
    ctx: k.ctx,
    mode,
    how,
    irqsOn: k.cpu.irqsEnabled,
    site,
    frames: k.ctx.frames.slice(),
    step: k.w.stepNo,
  };
  if (mode === 'w') lock.holder = h;
  else lock.readers.push(h);
  k.cpu.held.push(h);
  k.w.lockAcquired(k, h);
}

function release(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void {
  const held = k.cpu.held;
  let i = held.length - 1;
  while (i >= 0 && !(held[i]!.lock === lock && held[i]!.mode === mode && held[i]!.ctx === k.ctx)) i--;
  if (i < 0) BUG(k, site, `${how}(&${lock.name}): bad unlock balance, lock not held by this context`);
  const h = held[i]!;
  held.splice(i, 1);
  if (mode === 'w') lock.holder = null;
  else lock.readers.splice(lock.readers.indexOf(h), 1);
  k.w.lockReleased(k, h, how, site);
}

/** `spin_lock(l)` */
export function* spin_lock(k: K, l: Lock, site: Site): Gen {
  preempt_disable(k);
  yield* acquire(k, l, 'w', 'spin_lock', site);
}

/** `spin_unlock(l)`: a store other CPUs observe, so a step. */
export function* spin_unlock(k: K, l: Lock, site: Site): Gen {
  yield site;
  if (recorder !== null) lockStep(l);
  release(k, l, 'w', 'spin_unlock', site);
  preempt_enable(k);
}

/** `spin_trylock(l)`: 1 if taken. */
export function* spin_trylock(k: K, l: Lock, site: Site): Gen<number> {
  preempt_disable(k);
  yield site;
  if (recorder !== null) lockStep(l);
  if (!l.available('w')) {
    preempt_enable(k);
    return 0;
  }
  take(k, l, 'w', 'spin_trylock', site);
  return 1;
}

/** `spin_lock_irq(l)` */
export function* spin_lock_irq(k: K, l: Lock, site: Site): Gen {
  local_irq_disable(k);
  preempt_disable(k);
  yield* acquire(k, l, 'w', 'spin_lock_irq', site);
}

/** `spin_unlock_irq(l)` */
export function* spin_unlock_irq(k: K, l: Lock, site: Site): Gen {
  yield site;
  if (recorder !== null) lockStep(l);
  release(k, l, 'w', 'spin_unlock_irq', site);
  local_irq_enable(k);
  preempt_enable(k);
}

/** `spin_lock_irqsave(l, flags)`: returns flags. */
export function* spin_lock_irqsave(k: K, l: Lock, site: Site): Gen<boolean> {
  const flags = local_irq_save(k);
  preempt_disable(k);
  yield* acquire(k, l, 'w', 'spin_lock_irqsave', site);
  return flags;
}

/** `spin_unlock_irqrestore(l, flags)` */
export function* spin_unlock_irqrestore(k: K, l: Lock, flags: boolean, site: Site): Gen {
  yield site;
  if (recorder !== null) lockStep(l);
  release(k, l, 'w', 'spin_unlock_irqrestore', site);
  local_irq_restore(k, flags);
  preempt_enable(k);
}

/** `read_lock(l)` */
export function* read_lock(k: K, l: Lock, site: Site): Gen {
  preempt_disable(k);
  yield* acquire(k, l, 'r', 'read_lock', site);
}

/** `read_unlock(l)` */
export function* read_unlock(k: K, l: Lock, site: Site): Gen {
  yield site;
  if (recorder !== null) lockStep(l);
  release(k, l, 'r', 'read_unlock', site);
  preempt_enable(k);
}

/** `write_lock(l)` */
export function* write_lock(k: K, l: Lock, site: Site): Gen {
  preempt_disable(k);
  yield* acquire(k, l, 'w', 'write_lock', site);
}

/** `write_unlock(l)` */
export function* write_unlock(k: K, l: Lock, site: Site): Gen {
  yield site;
  if (recorder !== null) lockStep(l);
  release(k, l, 'w', 'write_unlock', site);
  preempt_enable(k);
}
