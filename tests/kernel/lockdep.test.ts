/**
 * Lockdep: each rule fires on a small hand-written program driven through the real lock
 * primitives, and stays quiet on the correct version of it; plus one end-to-end run.
 */
import { describe, it, expect } from 'vitest';
import type { K } from '../../model/engine/exec';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import type { World } from '../../model/engine/world';
import { local_irq_enable } from '../../model/kernel/irq';
import { Lockdep } from '../../model/kernel/lockdep';
import {
  Lock, read_lock, read_unlock, spin_lock, spin_lock_irq, spin_lock_irqsave, spin_trylock, spin_unlock, spin_unlock_irq,
  spin_unlock_irqrestore, write_lock, write_unlock,
} from '../../model/kernel/spinlock';
import { drain } from '../support/kctx';
import { enterIrq, inFns, lockdepReports, mkLockdepWorld } from '../support/lockdep_ctx';
import { I, P, Q, inIrq, irqsave, nested, plain } from '../support/lockdep_ops';
import { DEMO } from '../support/demo_variant';

describe('single-lock irq rule', () => {
  it('an irq-unsafe lock taken in a hardirq is inconsistent usage, with both sites', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const L = new Lock('l', 'L');
    inFns(a, ['vunmap', '__vunmap'], () => plain(a, L));
    inIrq(b, (irq) => plain(irq, L, I));
    inIrq(b, (irq) => plain(irq, L, I));
    const v = lockdepReports(tw);
    expect(v).toHaveLength(1);
    expect(v[0]!.property).toBe('lockdep_irq_safe');
    expect(v[0]!.splat).toMatchObject({ kind: 'lockdep', cpu: 1, context: 'hardirq', fn: 'irq_handler', stmt: 'spin_lock(&l)' });
    const m = v[0]!.splat.message;
    expect(m).toMatch(/^inconsistent \{HARDIRQ-ON-W\} -> \{IN-HARDIRQ-W\} usage\./);
    expect(m).toContain('(L)');
    expect(m).toContain('proc_path: spin_lock(&l) (cpu0 process, spin_lock on l');
    expect(m).toContain('stack: vunmap -> __vunmap');
    expect(m).toContain('irq_handler: spin_lock(&l) (cpu1 hardirq, spin_lock on l');
  });

  it('names the bits in the order they were set (hardirq use first)', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const L = new Lock('l', 'L');
    inIrq(a, (irq) => plain(irq, L, I));
    plain(a, L);
    expect(lockdepReports(tw).map((v) => v.splat.message.split('\n')[0])).toEqual(['inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.']);
  });

  it('a lock always taken with spin_lock_irqsave is fine in process and hardirq', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const L = new Lock('l', 'L');
    irqsave(a, L);
    inIrq(b, (irq) => irqsave(irq, L, I));
    expect(lockdepReports(tw)).toEqual([]);
    const u = tw.ld.usage();
    expect(u.map((x) => [x.class, x.bits])).toEqual([['L', ['USED_IN_HARDIRQ']]]);
    expect(u[0]!.first.USED_IN_HARDIRQ).toMatchObject({ cpu: 1, ctx: 'hardirq', how: 'spin_lock_irqsave', fn: 'irq_handler', stmt: 'spin_lock(&l)', frames: ['irq_handler'] });
  });

  it('softirq analogue: SOFTIRQ-ON then IN-SOFTIRQ; irqsave in process is fine', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const L = new Lock('l', 'L');
    const M = new Lock('m', 'M');
    plain(a, L);
    irqsave(a, M);
    inIrq(a, (sirq) => (plain(sirq, L, I), plain(sirq, M, I)), 'softirq');
    const v = lockdepReports(tw);
    expect(v.map((x) => x.splat.message.split('\n')[0])).toEqual(['inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.']);
    expect(v[0]!.splat.message).toContain('(L)');
    expect(tw.ld.usage().find((x) => x.class === 'M')!.bits).toEqual(['ENABLED_HARDIRQ', 'USED_IN_SOFTIRQ']);
  });

  it('rwlock readers may nest in irqs; a writer with irqs on may not', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const V = new Lock('vmlist_lock', 'vmlist_lock', true);
    inIrq(a, (irq) => (drain(read_lock(irq, V, I.lock)), drain(read_unlock(irq, V, I.unlock))));
    for (const g of [read_lock(a, V, P.lock), read_lock(a, V, P.lock), read_unlock(a, V, P.unlock), read_unlock(a, V, P.unlock)]) drain(g);
    expect(lockdepReports(tw)).toEqual([]);
    for (const g of [write_lock(a, V, P.lock), write_unlock(a, V, P.unlock)]) drain(g);
    expect(lockdepReports(tw).map((v) => v.splat.message.split('\n')[0])).toEqual(['inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage.']);
  });

  it('a trylock in a hardirq is not irq-safe use', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const L = new Lock('l', 'L');
    inIrq(a, (irq) => {
      expect(drain(spin_trylock(irq, L, I.lock))).toBe(1);
      drain(spin_unlock(irq, L, I.unlock));
    });
    plain(a, L);
    expect(lockdepReports(tw)).toEqual([]);
    expect(tw.ld.usage()[0]!.bits).toEqual(['ENABLED_HARDIRQ', 'ENABLED_SOFTIRQ']);
  });
});

describe('irqs enabled while a lock is held', () => {
  it('irqsEnabled marks held locks HARDIRQ-ON at the enable point', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const L = new Lock('l', 'L');
    const f = inFns(a, ['purge'], () => {
      const f = drain(spin_lock_irqsave(a, L, P.lock));
      local_irq_enable(a);
      tw.ld.irqsEnabled(a);
      return f;
    });
    expect(tw.ld.usage()[0]!.first.ENABLED_HARDIRQ).toMatchObject({ how: 'spin_lock_irqsave held across local_irq_enable', fn: 'purge', stmt: 'local_irq_enable()' });
    drain(spin_unlock_irqrestore(a, L, f, P.unlock));
    inIrq(b, (irq) => irqsave(irq, L, I));
    const m = lockdepReports(tw).map((v) => v.splat.message);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/^inconsistent \{HARDIRQ-ON-W\} -> \{IN-HARDIRQ-W\} usage\./);
    expect(m[0]).toContain('held across local_irq_enable');
  });

  it('the engine hook marks a lock held across local_irq_enable as HARDIRQ-ON', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const A = new Lock('a', 'A');
    const B = new Lock('b', 'B');
    const f = drain(spin_lock_irqsave(a, A, P.lock));
    drain(spin_lock_irq(a, B, P.lockB));
    drain(spin_unlock_irq(a, B, P.unlockB)); // irqs back on while A is held
    drain(spin_unlock_irqrestore(a, A, f, P.unlock));
    // World.irqsEnabled calls Lockdep.irqsEnabled when spin_unlock_irq re-enables irqs.
    expect(tw.ld.usage().find((x) => x.class === 'A')!.first.ENABLED_HARDIRQ?.how).toMatch(/^spin_lock_irqsave held across local_i/);
    inIrq(b, (irq) => irqsave(irq, A, I));
    expect(lockdepReports(tw).map((v) => v.splat.message.split('\n')[0])).toEqual(['inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.']);
  });
});

describe('lock order', () => {
  it('A then B on one CPU and B then A on another is a circular dependency', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const A = new Lock('a', 'A');
    const B = new Lock('b', 'B');
    nested(a, A, B, P);
    nested(b, B, A, Q);
    nested(b, B, A, Q);
    const v = lockdepReports(tw);
    expect(v).toHaveLength(1);
    expect(v[0]!.property).toBe('lockdep_lock_order');
    const m = v[0]!.splat.message;
    expect(m).toMatch(/^possible circular locking dependency detected/);
    expect(m).toContain('A held at proc_path: spin_lock(&l) (cpu0 process');
    expect(m).toContain('B taken at proc_path: spin_lock(&b) (cpu0 process');
    expect(m).toContain('B held at other_path: spin_lock(&l) (cpu1 process');
    expect(m).toContain('A taken at other_path: spin_lock(&b) (cpu1 process');
  });

  it('the same order on both CPUs is fine and records one edge', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    const A = new Lock('a', 'A');
    const B = new Lock('b', 'B');
    nested(a, A, B, P);
    nested(b, A, B, Q);
    expect(lockdepReports(tw)).toEqual([]);
    expect(tw.ld.edges().map((e) => [e.from, e.to, e.prev.fn, e.next.stmt])).toEqual([['A', 'B', 'proc_path', 'spin_lock(&b)']]);
  });

  it('two instances of one class nested is recursive locking; one at a time is not', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const vb1 = new Lock('vb#1->lock', 'vb->lock');
    const vb2 = new Lock('vb#2->lock', 'vb->lock');
    const vbq = new Lock('vbq[0]->lock', 'vbq->lock');
    nested(a, vb1, vbq);
    nested(a, vb2, vbq);
    expect(lockdepReports(tw)).toEqual([]);
    expect(tw.ld.edges().map((e) => `${e.from}->${e.to}`)).toEqual(['vb->lock->vbq->lock']);
    nested(a, vb1, vb2);
    const v = lockdepReports(tw);
    expect(v).toHaveLength(1);
    expect(v[0]!.property).toBe('lockdep_lock_order');
    expect(v[0]!.splat.message).toMatch(/^possible recursive locking detected/);
    expect(v[0]!.splat.message).toContain('on vb#1->lock');
  });
});

describe('irq-safe -> irq-unsafe dependencies', () => {
  const setup = () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    return { tw, a, b, A: new Lock('a', 'A'), B: new Lock('b', 'B') };
  };
  /** A (irqsave) held while B is taken. */
  const aThenB = (k: K, A: Lock, B: Lock): void => {
    const f = drain(spin_lock_irqsave(k, A, P.lock));
    plain(k, B, { ...P, lock: P.lockB, unlock: P.unlockB });
    drain(spin_unlock_irqrestore(k, A, f, P.unlock));
  };

  it('a new edge from a hardirq-safe lock to a hardirq-unsafe one', () => {
    const { tw, a, b, A, B } = setup();
    inIrq(b, (irq) => irqsave(irq, A, I));
    plain(a, B);
    expect(lockdepReports(tw)).toEqual([]);
    aThenB(a, A, B);
    const v = lockdepReports(tw);
    expect(v).toHaveLength(1);
    expect(v[0]!.property).toBe('lockdep_irq_safe');
    expect(v[0]!.splat.message).toMatch(/^HARDIRQ-safe -> HARDIRQ-unsafe lock order detected\n/);
    expect(v[0]!.splat.message).toContain('dependency chain A -> B:');
  });

  it('B becoming hardirq-unsafe after A -> B exists (backwards)', () => {
    const { tw, a, b, A, B } = setup();
    aThenB(a, A, B);
    inIrq(b, (irq) => irqsave(irq, A, I));
    expect(lockdepReports(tw)).toEqual([]);
    plain(a, B);
    const m = lockdepReports(tw).map((v) => v.splat.message);
    expect(m).toHaveLength(1);
    expect(m[0]).toContain('HARDIRQ-safe -> HARDIRQ-unsafe lock order detected');
    expect(m[0]).toContain('possible irq lock inversion dependency detected: B just changed state to {HARDIRQ-ON-W}');
  });

  it('A becoming hardirq-safe after A -> B and B unsafe (forwards)', () => {
    const { tw, a, b, A, B } = setup();
    aThenB(a, A, B);
    plain(a, B);
    inIrq(b, (irq) => irqsave(irq, A, I));
    const m = lockdepReports(tw).map((v) => v.splat.message);
    expect(m).toHaveLength(1);
    expect(m[0]).toContain('A just changed state to {IN-HARDIRQ-W}');
  });

  it('irq-context locks start a new chain; crossContextEdges links them', () => {
    for (const cross of [false, true]) {
      const tw = mkLockdepWorld(1, { crossContextEdges: cross });
      const a = tw.ks[0]!;
      const A = new Lock('a', 'A');
      const B = new Lock('b', 'B');
      drain(spin_lock(a, A, P.lock));
      inIrq(a, (irq) => irqsave(irq, B, I));
      drain(spin_unlock(a, A, P.unlock));
      expect(tw.ld.edges().map((e) => `${e.from}->${e.to}`)).toEqual(cross ? ['A->B'] : []);
    }
  });
});

describe('audit helpers', () => {
  it('pairs() records unlock flavours without reporting the mismatch', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const L = new Lock('l', 'L');
    irqsave(a, L);
    drain(spin_lock_irqsave(a, L, P.lock));
    drain(spin_unlock(a, L, P.unlock));
    expect(a.cpu.irqsEnabled).toBe(false);
    expect(lockdepReports(tw)).toEqual([]);
    expect(tw.ld.pairs()).toEqual([
      { class: 'L', acquire: 'spin_lock_irqsave', release: 'spin_unlock_irqrestore', count: 1, balanced: true },
      { class: 'L', acquire: 'spin_lock_irqsave', release: 'spin_unlock', count: 1, balanced: false },
    ]);
  });

  it('acquiring() validates before the spin, catching the irq self-deadlock', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    const L = new Lock('l', 'L');
    drain(spin_lock(a, L, P.lock));
    const irq = enterIrq(a, 'hardirq');
    tw.ld.acquiring(irq, L, 'w', 'spin_lock', I.lock);
    expect(lockdepReports(tw).map((v) => v.splat.message.split('\n')[0])).toEqual([
      'inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.',
      'possible recursive locking detected',
    ]);
  });

  it('usage() is sorted by class name', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    for (const n of ['zeta', 'alpha', 'mid']) plain(a, new Lock(n, n));
    expect(tw.ld.usage().map((u) => u.class)).toEqual(['alpha', 'mid', 'zeta']);
  });
});

describe('end to end', () => {
  const setup = (w: World): void => void w.observers.push(new Lockdep(w));
  const prog = [{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_unmap_ram', h: 1 }] as const;
  it('the demo variant called from a hardirq: its plain spin_lock is inconsistent usage', () => {
    const irq = { t: 'irq', cpu: 0, kind: 'hardirq', op: { id: 3, op: 'vm_map_ram', pages: 1 } } as const;
    const r = run({ programs: [prog], schedule: [irq] }, { variant: DEMO, layout: TINY, cpus: 1, setup });
    const v = r.world.violations.filter((x) => x.splat.kind === 'lockdep');
    expect(v.map((x) => x.splat.message.split('\n')[0])).toEqual(['inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.']);
    expect(v[0]!.splat.message).toContain('demo_vm_map_ram: spin_lock(&demo_lock) (cpu0 hardirq');
  });
  it('and without the interrupt, nothing', () => {
    const r = run({ programs: [prog], schedule: [] }, { variant: DEMO, layout: TINY, cpus: 1, setup });
    expect(r.ending).toBe('done');
    expect(r.world.violations.filter((x) => x.splat.kind === 'lockdep')).toEqual([]);
  });
});
