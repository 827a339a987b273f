/**
 * Kernel primitives against a minimal world: model/kernel needs only the KernelWorld of
 * model/kernel/k.ts, so these tests build one by hand (no engine, no runner, no variant)
 * and drive the generators themselves. Also checks the layering that makes this possible:
 * no kernel file imports anything above model/exec and model/lifecycles.
 */
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gen } from '../../model/exec/gen';
import { sites, type Site } from '../../model/exec/site';
import type { Splat } from '../../model/kernel/assert';
import { Context, Cpu } from '../../model/kernel/cpu';
import { might_sleep } from '../../model/kernel/irq';
import type { K, KernelWorld, LockObserver } from '../../model/kernel/k';
import { Lockdep } from '../../model/kernel/lockdep';
import { Mm } from '../../model/kernel/mm';
import { Rcu } from '../../model/kernel/rcu';
import { FaultPlan, Slab } from '../../model/kernel/slab';
import { Lock, spin_lock, spin_lock_irq, spin_unlock, spin_unlock_irq, type Holding } from '../../model/kernel/spinlock';
import { wordOps } from '../../model/kernel/word';
import { AliasTracker } from '../../model/lifecycles/alias';
import { LifecycleCoverage } from '../../model/lifecycles/coverage';
import { ALL_LIFECYCLES } from '../../model/lifecycles/index';
import { TLB_ALIAS } from '../../model/lifecycles/tlb_alias';

/** The smallest world kernel code can run in: it records what the kernel asked of it. */
class MiniWorld implements KernelWorld {
  stepNo = 0;
  readonly cpus = [new Cpu(0), new Cpu(1)];
  readonly word = wordOps(64);
  readonly mm = new Mm(12, 512, new AliasTracker(2, new LifecycleCoverage(ALL_LIFECYCLES).counters(TLB_ALIAS), () => {}));
  readonly slab = new Slab(new FaultPlan());
  readonly rcu = new Rcu();
  readonly observers: LockObserver[] = [];
  readonly reports: { splat: Splat; property: string | undefined }[] = [];
  /** Every hook call, in order. */
  readonly log: string[] = [];
  report(splat: Splat, property?: string): void {
    this.reports.push({ splat, property });
  }
  note(id: string): void {
    this.log.push(`note ${id}`);
  }
  irqsEnabled(cpu: Cpu): void {
    this.log.push(`irqs on cpu${cpu.id}`);
  }
  lockAcquiring(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void {
    this.log.push(`acquiring ${lock.name} cpu${k.cpu.id}`);
    for (const o of this.observers) o.acquiring?.(k, lock, mode, how, site);
  }
  lockAcquired(k: K, h: Holding): void {
    this.log.push(`acquired ${h.lock.name} cpu${k.cpu.id} ${h.how} step ${h.step}`);
    for (const o of this.observers) o.acquired(k, h);
  }
  lockReleased(k: K, h: Holding, how: string, site: Site): void {
    this.log.push(`released ${h.lock.name} cpu${k.cpu.id} ${how}`);
    for (const o of this.observers) o.released(k, h, how, site);
  }
  atomicChanged(): void {
    this.log.push('atomic');
  }
}

/** One process-context handle per CPU of `w`. */
function handles(w: MiniWorld): K[] {
  return w.cpus.map((cpu) => {
    const ctx = new Context(cpu, 'process', 0);
    cpu.stack.push(ctx);
    return { w, cpu, ctx };
  });
}

/** Run a generator to its end, counting each scheduling point as one world step. */
function drain<R>(w: MiniWorld, g: Gen<R>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    w.stepNo++;
  }
}

const S = sites('kernel_world_test', { a: 'spin_lock(&a)', b: 'spin_lock(&b)', ua: 'spin_unlock(&a)', ub: 'spin_unlock(&b)', sleep: 'might_sleep()' });

describe('kernel primitives on a hand-built KernelWorld', () => {
  it('spin_lock: a contender waits on the lock, and the world sees every hook in order', () => {
    const w = new MiniWorld();
    const [p, q] = handles(w) as [K, K];
    const a = new Lock('a', 'A');
    drain(w, spin_lock(p, a, S.a));
    const g = spin_lock(q, a, S.a);
    expect(g.next().done).toBe(false);
    expect(q.ctx.wait).toEqual({ kind: 'lock', lock: a, mode: 'w' });
    drain(w, spin_unlock(p, a, S.ua));
    expect(g.next().done).toBe(true);
    expect(a.holder?.cpu).toBe(q.cpu);
    expect(w.log).toEqual(['acquiring a cpu0', 'acquired a cpu0 spin_lock step 1', 'acquiring a cpu1', 'released a cpu0 spin_unlock', 'acquired a cpu1 spin_lock step 2']);
    expect(w.reports).toEqual([]);
  });

  it('lockdep attached to the minimal world reports an AB-BA order through report()', () => {
    const w = new MiniWorld();
    w.observers.push(new Lockdep(w));
    const [p, q] = handles(w) as [K, K];
    const a = new Lock('a', 'A');
    const b = new Lock('b', 'B');
    for (const [k, x, y] of [[p, a, b], [q, b, a]] as const) {
      drain(w, spin_lock(k, x, x === a ? S.a : S.b));
      drain(w, spin_lock(k, y, y === a ? S.a : S.b));
      drain(w, spin_unlock(k, y, y === a ? S.ua : S.ub));
      drain(w, spin_unlock(k, x, x === a ? S.ua : S.ub));
    }
    expect(w.reports.map((r) => [r.property, r.splat.kind, r.splat.cpu])).toEqual([['lockdep_lock_order', 'lockdep', 1]]);
    expect(w.reports[0]!.splat.message).toContain('circular locking dependency');
  });

  it('might_sleep under spin_lock_irq is reported; spin_unlock_irq enables irqs through the world', () => {
    const w = new MiniWorld();
    const [p] = handles(w) as [K];
    const a = new Lock('a', 'A');
    drain(w, spin_lock_irq(p, a, S.a));
    might_sleep(p, S.sleep, 'vmalloc');
    drain(w, spin_unlock_irq(p, a, S.ua));
    expect(w.reports.map((r) => [r.splat.kind, r.splat.fn, r.splat.stmt])).toEqual([['might_sleep', 'kernel_world_test', 'might_sleep()']]);
    expect(w.log.at(-1)).toBe('irqs on cpu0');
    expect(p.cpu.irqsEnabled).toBe(true);
  });
});

describe('layering', () => {
  it('model/kernel imports only model/kernel, model/exec and model/lifecycles', () => {
    const dir = join(__dirname, '../../model/kernel');
    const bad: string[] = [];
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) {
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.') && !/^\.\/[^/]+$/.test(spec) && !/^\.\.\/(exec|lifecycles)\/[^/]+$/.test(spec)) bad.push(`${f}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
