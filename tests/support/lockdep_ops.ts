/**
 * Test support for lockdep: short lock programs built from the real primitives, with the
 * statement sites they are reported at (a process path, a second path, an irq handler).
 */
import type { K } from '../../model/engine/exec';
import { sites, type Site } from '../../model/exec/site';
import { Lock, spin_lock, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore } from '../../model/kernel/spinlock';
import { drain } from './kctx';
import { enterIrq, exitIrq, inFns } from './lockdep_ctx';

/** Statements of the process path the tests take locks on. */
export const P = sites('proc_path', { lock: 'spin_lock(&l)', unlock: 'spin_unlock(&l)', lockB: 'spin_lock(&b)', unlockB: 'spin_unlock(&b)' });
/** Statements of a second process path (the other side of an inversion). */
export const Q = sites('other_path', { lock: 'spin_lock(&l)', unlock: 'spin_unlock(&l)', lockB: 'spin_lock(&b)', unlockB: 'spin_unlock(&b)' });
/** Statements of the interrupt handler. */
export const I = sites('irq_handler', { lock: 'spin_lock(&l)', unlock: 'spin_unlock(&l)' });

/** A lock and an unlock statement. */
export type LU = { readonly lock: Site; readonly unlock: Site };

/** spin_lock + spin_unlock of `l`. */
export function plain(k: K, l: Lock, s: LU = P): void {
  drain(spin_lock(k, l, s.lock));
  drain(spin_unlock(k, l, s.unlock));
}

/** spin_lock_irqsave + spin_unlock_irqrestore of `l`. */
export function irqsave(k: K, l: Lock, s: LU = P): void {
  const f = drain(spin_lock_irqsave(k, l, s.lock));
  drain(spin_unlock_irqrestore(k, l, f, s.unlock));
}

/** Run `body` in a hardirq (or softirq) on k's CPU, inside an `irq_handler` frame. */
export function inIrq(k: K, body: (irq: K) => void, kind: 'hardirq' | 'softirq' = 'hardirq'): void {
  const irq = enterIrq(k, kind);
  inFns(irq, ['irq_handler'], () => body(irq));
  exitIrq(irq);
}

/** `a` then `b` nested on k (plain spin_lock), at path `s`'s statements. */
export function nested(k: K, a: Lock, b: Lock, s: typeof P = P): void {
  drain(spin_lock(k, a, s.lock));
  drain(spin_lock(k, b, s.lockB));
  drain(spin_unlock(k, b, s.unlockB));
  drain(spin_unlock(k, a, s.unlock));
}
