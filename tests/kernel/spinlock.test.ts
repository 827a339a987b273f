/**
 * Spinlocks and rwlocks: mutual exclusion (a contender waits and is not runnable), the irq
 * flavours' save/restore, unlock balance as a BUG, trylock, reader sharing, and the irq
 * state recorded in each holding for lockdep.
 */
import { describe, it, expect } from 'vitest';
import { mkWorld, drain, expectPanic } from '../support/kctx';
import { sites } from '../../model/exec/site';
import type { K } from '../../model/engine/exec';
import { Context } from '../../model/kernel/cpu';
import { local_irq_disable } from '../../model/kernel/irq';
import {
  Lock, read_lock, read_unlock, spin_lock, spin_lock_irq, spin_lock_irqsave, spin_trylock, spin_unlock, spin_unlock_irq,
  spin_unlock_irqrestore, write_lock, write_unlock,
} from '../../model/kernel/spinlock';

const S = sites('lock_test', { lock: 'spin_lock(&l)', unlock: 'spin_unlock(&l)' });

/** Expect `f` to raise a kernel BUG with a message matching `re`. */
const expectBug = (f: () => unknown, re: RegExp): void => void expectPanic(f, 'BUG', re);

describe('spin_lock', () => {
  it('a second CPU spinning on a held lock waits until it is released', () => {
    const { ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    const l = new Lock('l', 'l');
    drain(spin_lock(a, l, S.lock));
    expect(l.holder?.cpu).toBe(a.cpu);
    const g = spin_lock(b, l, S.lock);
    expect(g.next().done).toBe(false);
    expect(b.ctx.wait).toEqual({ kind: 'lock', lock: l, mode: 'w' });
    expect(l.available('w')).toBe(false);
    drain(spin_unlock(a, l, S.unlock));
    expect(l.available('w')).toBe(true);
    expect(g.next().done).toBe(true);
    expect(b.ctx.wait).toBeNull();
    expect(l.holder?.cpu).toBe(b.cpu);
  });

  it('raises the preempt count while held (CONFIG_PREEMPT)', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const l = new Lock('l', 'l');
    drain(spin_lock(a, l, S.lock));
    expect(a.cpu.preempt).toBe(1);
    expect(a.cpu.held.map((h) => h.lock)).toEqual([l]);
    drain(spin_unlock(a, l, S.unlock));
    expect(a.cpu.preempt).toBe(0);
    expect(a.cpu.held).toEqual([]);
  });

  it('spin_unlock of a lock not held is a BUG', () => {
    const { ks } = mkWorld(1);
    expectBug(() => drain(spin_unlock(ks[0]!, new Lock('l', 'l'), S.unlock)), /bad unlock balance/);
  });

  it('spin_unlock of a lock held by another CPU is a BUG', () => {
    const { ks } = mkWorld(2);
    const l = new Lock('l', 'l');
    drain(spin_lock(ks[0]!, l, S.lock));
    expectBug(() => drain(spin_unlock(ks[1]!, l, S.unlock)), /not held by this context/);
    expect(l.holder?.cpu).toBe(ks[0]!.cpu);
  });

  it('spin_unlock from an interrupt context of the holding CPU is a BUG (the holder is the context)', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const l = new Lock('l', 'l');
    drain(spin_lock(a, l, S.lock));
    const irq: K = { w: a.w, cpu: a.cpu, ctx: new Context(a.cpu, 'hardirq', 1) };
    expectBug(() => drain(spin_unlock(irq, l, S.unlock)), /not held by this context/);
  });

  it('spin_trylock fails on a held lock and succeeds on a free one', () => {
    const { ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    const l = new Lock('l', 'l');
    drain(spin_lock(a, l, S.lock));
    expect(drain(spin_trylock(b, l, S.lock))).toBe(0);
    expect(b.cpu.preempt).toBe(0);
    expect(b.cpu.held).toEqual([]);
    drain(spin_unlock(a, l, S.unlock));
    expect(drain(spin_trylock(b, l, S.lock))).toBe(1);
    expect(l.holder?.how).toBe('spin_trylock');
  });
});

describe('irq flavours', () => {
  it('spin_lock_irqsave/irqrestore restores enabled irqs', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const l = new Lock('l', 'l');
    const flags = drain(spin_lock_irqsave(a, l, S.lock));
    expect(flags).toBe(true);
    expect(a.cpu.irqsEnabled).toBe(false);
    drain(spin_unlock_irqrestore(a, l, flags, S.unlock));
    expect(a.cpu.irqsEnabled).toBe(true);
  });

  it('spin_lock_irqsave/irqrestore with irqs already off leaves them off', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const l = new Lock('l', 'l');
    local_irq_disable(a);
    const flags = drain(spin_lock_irqsave(a, l, S.lock));
    expect(flags).toBe(false);
    drain(spin_unlock_irqrestore(a, l, flags, S.unlock));
    expect(a.cpu.irqsEnabled).toBe(false);
    expect(a.cpu.preempt).toBe(0);
  });

  it('spin_unlock_irq enables irqs unconditionally', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const l = new Lock('l', 'l');
    local_irq_disable(a);
    drain(spin_lock_irq(a, l, S.lock));
    drain(spin_unlock_irq(a, l, S.unlock));
    expect(a.cpu.irqsEnabled).toBe(true);
  });

  it('holdings record the irq state at acquire and how the lock was taken', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    const [l1, l2, l3] = [new Lock('l1', 'c1'), new Lock('l2', 'c2'), new Lock('l3', 'c3')];
    drain(spin_lock(a, l1, S.lock));
    drain(spin_lock_irqsave(a, l2, S.lock));
    drain(spin_lock(a, l3, S.lock));
    expect(a.cpu.held.map((h) => [h.lock.name, h.how, h.irqsOn])).toEqual([
      ['l1', 'spin_lock', true],
      ['l2', 'spin_lock_irqsave', false],
      ['l3', 'spin_lock', false],
    ]);
    expect(a.cpu.held[0]!.site).toBe(S.lock);
  });

  it('lock and unlock reach the trace and the lock observers', () => {
    const { w, ks } = mkWorld(1);
    const a = ks[0]!;
    const seen: string[] = [];
    w.observers.push({ acquired: (_k, h) => seen.push(`+${h.lock.name}`), released: (_k, h, how) => seen.push(`-${h.lock.name}:${how}`) });
    const l = new Lock('l', 'l');
    drain(spin_lock(a, l, S.lock));
    drain(spin_unlock(a, l, S.unlock));
    expect(seen).toEqual(['+l', '-l:spin_unlock']);
    expect(w.trace.events.map((e) => e.t)).toEqual(['lock', 'unlock']);
  });
});

describe('rwlock', () => {
  it('readers share the lock', () => {
    const { ks } = mkWorld(2);
    const l = new Lock('rw', 'rw', true);
    drain(read_lock(ks[0]!, l, S.lock));
    expect(l.available('r')).toBe(true);
    drain(read_lock(ks[1]!, l, S.lock));
    expect(l.readers.map((h) => h.cpu.id)).toEqual([0, 1]);
    drain(read_unlock(ks[0]!, l, S.unlock));
    expect(l.readers.map((h) => h.cpu.id)).toEqual([1]);
  });

  it('a writer waits for readers, and readers wait for a writer', () => {
    const { ks } = mkWorld(3);
    const [a, b, c] = ks as [K, K, K];
    const l = new Lock('rw', 'rw', true);
    drain(read_lock(a, l, S.lock));
    expect(l.available('w')).toBe(false);
    drain(read_unlock(a, l, S.unlock));
    drain(write_lock(b, l, S.lock));
    expect(l.available('r')).toBe(false);
    expect(l.available('w')).toBe(false);
    const g = read_lock(c, l, S.lock);
    g.next();
    expect(c.ctx.wait).toEqual({ kind: 'lock', lock: l, mode: 'r' });
    drain(write_unlock(b, l, S.unlock));
    expect(l.available('r')).toBe(true);
    expect(g.next().done).toBe(true);
  });

  it('read_unlock by a CPU that holds no read lock is a BUG', () => {
    const { ks } = mkWorld(2);
    const l = new Lock('rw', 'rw', true);
    drain(read_lock(ks[0]!, l, S.lock));
    expectBug(() => drain(read_unlock(ks[1]!, l, S.unlock)), /read_unlock\(&rw\)/);
  });
});
