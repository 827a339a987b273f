/**
 * A lockdep-style validator (Documentation/lockdep-design.txt, kernel/lockdep.c of 2008).
 *
 * It watches every lock acquisition of a run and judges lock *classes*, not instances, so
 * one run that takes a lock in an irq and, elsewhere, with irqs on proves the hazard even
 * when no schedule ever interleaved the two. As in the kernel:
 * - usage bits per class (USED_IN_/ENABLED_ HARDIRQ/SOFTIRQ, READ variants for rwlock
 *   readers), each with the first acquisition that set it; a class both irq-safe and
 *   irq-unsafe is "inconsistent ... usage";
 * - dependencies A -> B when B is taken while A is held in the same irq context (lockdep
 *   starts a new chain at an irq context and leaves the irq/process interplay to the usage
 *   bits); a new edge closing a cycle is a "possible circular locking dependency", and one
 *   linking an irq-safe class to an irq-unsafe one is "safe -> unsafe lock order";
 * - a class already held by this CPU taken again is "possible recursive locking"
 *   (read-after-read excepted: rwlock readers are recursive);
 * - trylocks mark no USED_IN bit and add no dependency, and recursive-read acquisitions
 *   are checked but not stored as edges (a reader alone cannot close a cycle).
 * Each distinct problem is reported once per run.
 */
import type { K, KernelWorld, LockObserver } from './k';
import type { Site } from '../exec/site';
import { splat } from './assert';
import type { Context, Cpu } from './cpu';
import type { Holding, Lock } from './spinlock';
import { DepGraph, type Edge } from './lockdep_graph';
import { usageChars, type ClassAcq, type LockdepProblem, type LockdepReport } from './lockdep_report';
import { IRQ_STATES, UsageTable, acqOf, acqText, conflicting, isUsedIn, stateName, stateOf, usageBit, usageStr, type Acq, type ClassUsage, type UnlockPair, type UsageBit, UNLOCK_OF } from './lockdep_usage';

/** The (acquire, release) record `pairs()` returns. */
export type { UnlockPair } from './lockdep_usage';

/** The property of irq-usage reports (inconsistent usage, safe -> unsafe order). */
export const LOCKDEP_IRQ_SAFE = 'lockdep_irq_safe';
/** The property of lock-order reports (cycles, recursion). */
export const LOCKDEP_LOCK_ORDER = 'lockdep_lock_order';

/** Switches. */
export interface LockdepOptions {
  /** Also add dependencies from locks an interrupted context holds to locks its irq takes (lockdep does not). */
  readonly crossContextEdges?: boolean;
}

/** A class with one of its usage bits and where it was set. */
interface Use {
  readonly cls: string;
  readonly bit: UsageBit;
  readonly a: Acq;
}

function isTrylock(h: Holding): boolean {
  return h.how.includes('trylock');
}

/** lockdep's curr->softirqs_enabled: no local_bh_disable in the model, so outside irq context. */
function softirqsOn(c: Cpu): boolean {
  return c.softirq === 0 && c.hardirq === 0;
}

function edgeText(e: Edge): string {
  return `  ${e.from} -> ${e.to}: ${e.from} held at ${acqText(e.prev)}\n    ${e.to} taken at ${acqText(e.next)}`;
}

/** The validator of one run; attach with `w.observers.push(new Lockdep(w))`. */
export class Lockdep implements LockObserver {
  private readonly table = new UsageTable();
  private readonly graph = new DepGraph();
  private readonly reported = new Set<string>();
  private readonly pairMap = new Map<string, UnlockPair>();
  /** Recursive-read dependencies already checked (they are never stored). */
  private readonly readChecked = new Set<string>();
  /** Acquisitions validated by `acquiring` whose `acquired` must not validate again. */
  private readonly early = new Map<Context, Lock>();

  constructor(
    private readonly w: KernelWorld,
    private readonly opts: LockdepOptions = {},
  ) {}

  /** Optional pre-spin hook: validate before spinning, as lock_acquire precedes the spin in C. */
  acquiring(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void {
    const h: Holding = { lock, cpu: k.cpu, ctx: k.ctx, mode, how, irqsOn: k.cpu.irqsEnabled, site, frames: k.ctx.frames.slice(), step: this.w.stepNo };
    this.validate(k, h, k.cpu.held.slice());
    this.early.set(k.ctx, lock);
  }

  /** A lock was taken (LockObserver). */
  acquired(k: K, h: Holding): void {
    const before = k.cpu.held.filter((x) => x !== h);
    // Without the irq-enable hook, irqs on now means every held lock was held with irqs on.
    if (k.cpu.irqsEnabled) this.markHeld(k, before, h.site, `held with irqs on (seen at ${h.how})`);
    if (this.early.get(k.ctx) === h.lock) {
      this.early.delete(k.ctx);
      return;
    }
    this.validate(k, h, before);
  }

  /** A lock was released (LockObserver); irqs are still as they were while it was held. */
  released(k: K, h: Holding, how: string, site: Site): void {
    const key = `${h.lock.cls}\u0000${h.how}\u0000${how}`;
    const p = this.pairMap.get(key);
    if (p !== undefined) p.count++;
    else this.pairMap.set(key, { class: h.lock.cls, acquire: h.how, release: how, count: 1, balanced: UNLOCK_OF[h.how] === how });
    if (k.cpu.irqsEnabled) this.markHeld(k, [...k.cpu.held, h], site, `held with irqs on (seen at ${how})`);
  }

  /** trace_hardirqs_on: irqs were just enabled on k.cpu; every held lock becomes irq-unsafe. */
  irqsEnabled(k: K, site?: Site): void {
    if (!k.cpu.irqsEnabled) return;
    const at = site ?? { id: -1, fn: k.ctx.frames.at(-1) ?? '(irq)', stmt: 'local_irq_enable()' };
    this.markHeld(k, k.cpu.held.slice(), at, 'held across local_irq_enable');
  }

  /** Usage bits per class, sorted by class name. */
  usage(): ClassUsage[] {
    return this.table.summary();
  }

  /** Stored dependencies in the order they were found. */
  edges(): Edge[] {
    return this.graph.edges().slice();
  }

  /** (acquire, release) flavour pairs per class, sorted by class, then first seen. */
  pairs(): UnlockPair[] {
    return [...this.pairMap.values()].map((p) => ({ ...p })).sort((a, b) => (a.class < b.class ? -1 : a.class > b.class ? 1 : 0));
  }

  /** mark_irqflags + validate_chain for one acquisition; `held` excludes it. */
  private validate(k: K, h: Holding, held: readonly Holding[]): void {
    const c = k.cpu;
    const cls = h.lock.cls;
    const read = h.mode === 'r';
    const a = acqOf(h);
    this.table.touch(cls);
    // A trylock in an irq cannot spin on the lock it interrupted, so it is not irq-safe use.
    if (!isTrylock(h)) {
      if (c.hardirq > 0) this.mark(k, h.site, cls, usageBit('USED_IN', 'HARDIRQ', read), a);
      if (c.softirq > 0) this.mark(k, h.site, cls, usageBit('USED_IN', 'SOFTIRQ', read), a);
    }
    if (h.irqsOn) {
      this.mark(k, h.site, cls, usageBit('ENABLED', 'HARDIRQ', read), a);
      if (softirqsOn(c)) this.mark(k, h.site, cls, usageBit('ENABLED', 'SOFTIRQ', read), a);
    }
    if (isTrylock(h)) return;
    // check_deadlock: any held lock of the class, in any context of this CPU.
    const same = held.find((x) => x.lock.cls === cls);
    if (same !== undefined) {
      if (!(read && same.mode === 'r')) this.reportRecursion(k, h, same);
      return;
    }
    // check_prevs_add: the newest held lock of this context, and past it only trylocks.
    for (let i = held.length - 1; i >= 0; i--) {
      const p = held[i]!;
      if (p.ctx !== h.ctx && !this.opts.crossContextEdges) break;
      if (p.mode === 'r') continue;
      this.addDep(k, p, h);
      if (!isTrylock(p)) break;
    }
  }

  /** mark_held_locks: irqs are on while `held` are held. */
  private markHeld(k: K, held: readonly Holding[], site: Site, why: string): void {
    const soft = softirqsOn(k.cpu);
    for (const h of held) {
      const hard = usageBit('ENABLED', 'HARDIRQ', h.mode === 'r');
      const sb = usageBit('ENABLED', 'SOFTIRQ', h.mode === 'r');
      // The common case on the hot path: nothing new to mark, so build no record.
      if (this.table.has(h.lock.cls, hard) && (!soft || this.table.has(h.lock.cls, sb))) continue;
      const a: Acq = { cpu: k.cpu.id, ctx: k.ctx.kind, how: `${h.how} ${why}`, lock: h.lock.name, fn: site.fn, stmt: site.stmt, frames: k.ctx.frames.slice(), step: this.w.stepNo };
      this.mark(k, site, h.lock.cls, hard, a);
      if (soft) this.mark(k, site, h.lock.cls, sb, a);
    }
  }

  /** mark_lock: set a bit; if new, check it against the class and against the graph. */
  private mark(k: K, site: Site, cls: string, bit: UsageBit, a: Acq): void {
    if (!this.table.mark(cls, bit, a)) return;
    for (const ex of conflicting(bit)) {
      const prev = this.table.first(cls, ex);
      if (prev === undefined) continue;
      this.reportUsage(k, site, cls, { cls, bit: ex, a: prev }, { cls, bit, a });
      break;
    }
    const me: Use = { cls, bit, a };
    // check_usage_forwards / check_usage_backwards
    const dir = isUsedIn(bit) ? 'forwards' : 'backwards';
    for (const r of this.graph.reach(cls, dir)) {
      if (r.cls === cls) continue;
      for (const ob of conflicting(bit)) {
        const oa = this.table.first(r.cls, ob);
        if (oa === undefined) continue;
        const other: Use = { cls: r.cls, bit: ob, a: oa };
        const why = `${cls} just changed state to {${usageStr(bit)}}`;
        if (dir === 'forwards') this.reportSafeUnsafe(k, site, me, other, r.path, why, 'safe', null);
        else this.reportSafeUnsafe(k, site, other, me, r.path, why, 'unsafe', null);
      }
    }
  }

  /** check_prev_add: cycle and irq checks for prev -> next; store it unless next is a read. */
  private addDep(k: K, p: Holding, h: Holding): void {
    const from = p.lock.cls;
    const to = h.lock.cls;
    if (this.graph.has(from, to)) return;
    const stored = h.mode !== 'r';
    if (!stored) {
      if (this.readChecked.has(`${from}->${to}`)) return;
      this.readChecked.add(`${from}->${to}`);
    }
    const e: Edge = { from, to, prev: acqOf(p), next: acqOf(h) };
    const back = this.graph.path(to, from);
    if (back !== null) this.reportCycle(k, h.site, e, back);
    const before = this.graph.reach(from, 'backwards');
    const after = this.graph.reach(to, 'forwards');
    for (const st of IRQ_STATES) {
      for (const s of before) {
        for (const sread of [false, true]) {
          const sb = usageBit('USED_IN', st, sread);
          const sa = this.table.first(s.cls, sb);
          if (sa === undefined) continue;
          for (const u of after) {
            if (u.cls === s.cls) continue;
            for (const ub of conflicting(sb)) {
              const ua = this.table.first(u.cls, ub);
              if (ua !== undefined) this.reportSafeUnsafe(k, h.site, { cls: s.cls, bit: sb, a: sa }, { cls: u.cls, bit: ub, a: ua }, [...s.path, e, ...u.path], null, null, e);
            }
          }
        }
      }
    }
    if (stored) this.graph.add(e);
  }

  private emit(k: K, site: Site, key: string, property: string, message: string, problem: LockdepProblem): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.w.report({ ...splat(k, 'lockdep', site, message), lockdep: this.evidence(k, problem) }, property);
  }

  /** The report's evidence: irq state, held locks and the usage characters of every class named. */
  private evidence(k: K, problem: LockdepProblem): LockdepReport {
    const held: ClassAcq[] = k.cpu.held.map((h) => ({ ...acqOf(h), cls: h.lock.cls }));
    const classes = new Set(held.map((h) => h.cls));
    if (problem.kind === 'usage') classes.add(problem.cls);
    else if (problem.kind === 'safe-unsafe') for (const c of [problem.safe.cls, problem.unsafe.cls, ...problem.chain.flatMap((e) => [e.from, e.to])]) classes.add(c);
    else if (problem.kind === 'cycle') for (const e of [problem.edge, ...problem.back]) classes.add(e.from).add(e.to);
    else classes.add(problem.next.cls);
    const usage: Record<string, string> = {};
    for (const c of [...classes].sort()) usage[c] = usageChars((b) => this.table.has(c, b));
    return { problem, irq: { hardirq: k.cpu.hardirq, softirq: k.cpu.softirq, irqsOn: k.cpu.irqsEnabled }, held, usage };
  }

  private reportUsage(k: K, site: Site, cls: string, prev: Use, now: Use): void {
    const msg = [
      `inconsistent {${usageStr(prev.bit)}} -> {${usageStr(now.bit)}} usage.`,
      `lock class (${cls}) marked {${usageStr(now.bit)}} at: ${acqText(now.a)}`,
      `{${usageStr(prev.bit)}} state was registered at: ${acqText(prev.a)}`,
    ];
    this.emit(k, site, `usage:${cls}:${stateOf(now.bit)}`, LOCKDEP_IRQ_SAFE, msg.join('\n'), { kind: 'usage', cls, prev, now });
  }

  private reportSafeUnsafe(k: K, site: Site, safe: Use, unsafe: Use, chain: readonly Edge[], why: string | null, changed: 'safe' | 'unsafe' | null, edge: Edge | null): void {
    const msg = [`${stateName(safe.bit)}-safe -> ${stateName(unsafe.bit)}-unsafe lock order detected`];
    if (why !== null) msg.push(`(possible irq lock inversion dependency detected: ${why})`);
    msg.push(
      `(${safe.cls}) is ${stateName(safe.bit)}-safe: {${usageStr(safe.bit)}} registered at: ${acqText(safe.a)}`,
      `(${unsafe.cls}) is ${stateName(unsafe.bit)}-unsafe: {${usageStr(unsafe.bit)}} registered at: ${acqText(unsafe.a)}`,
      `dependency chain ${[safe.cls, ...chain.map((e) => e.to)].join(' -> ')}:`,
      ...chain.map(edgeText),
    );
    this.emit(k, site, `irq:${stateOf(safe.bit)}:${safe.cls}->${unsafe.cls}`, LOCKDEP_IRQ_SAFE, msg.join('\n'), { kind: 'safe-unsafe', safe, unsafe, chain, changed, edge });
  }

  private reportCycle(k: K, site: Site, e: Edge, back: readonly Edge[]): void {
    const ring = [e, ...back].map((x) => x.from);
    const lo = ring.indexOf([...ring].sort()[0]!);
    const key = `cycle:${[...ring.slice(lo), ...ring.slice(0, lo)].join('->')}`;
    const msg = [
      'possible circular locking dependency detected',
      `cpu${e.next.cpu} ${e.next.ctx} is trying to acquire lock (${e.to}) at: ${acqText(e.next)}`,
      `but already holds lock (${e.from}) at: ${acqText(e.prev)}`,
      `which lock already depends on the new lock; existing dependency chain ${[e.to, ...back.map((x) => x.to)].join(' -> ')}:`,
      ...back.map(edgeText),
      `new dependency ${e.from} -> ${e.to}:`,
      edgeText(e),
    ];
    this.emit(k, site, key, LOCKDEP_LOCK_ORDER, msg.join('\n'), { kind: 'cycle', edge: e, back });
  }

  private reportRecursion(k: K, h: Holding, held: Holding): void {
    const msg = [
      'possible recursive locking detected',
      `cpu${h.cpu.id} ${h.ctx.kind} is trying to acquire lock (${h.lock.cls}) at: ${acqText(acqOf(h))}`,
      `but this CPU is already holding lock (${held.lock.cls}) at: ${acqText(acqOf(held))}`,
    ];
    this.emit(k, h.site, `recursive:${h.lock.cls}`, LOCKDEP_LOCK_ORDER, msg.join('\n'), { kind: 'recursive', next: { ...acqOf(h), cls: h.lock.cls }, held: { ...acqOf(held), cls: held.lock.cls } });
  }
}
