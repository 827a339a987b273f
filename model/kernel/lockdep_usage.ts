/**
 * Lockdep's per-class usage bits and the acquisition records that set them.
 *
 * The bits are kernel/lockdep_states.h's: for each irq state (HARDIRQ, SOFTIRQ) a lock class
 * can be USED_IN that state (taken inside it: irq-safe must hold) or ENABLED (taken, or held,
 * with that irq enabled: irq-unsafe), each for write or for read acquisitions. Which pairs
 * conflict follows the 2008 lockdep with STRICT_READ_CHECKS: an USED_IN bit and an ENABLED bit
 * of the same state conflict unless both are READ (readers of an rwlock do not exclude each
 * other, so a reader in the irq cannot spin on a reader it interrupted).
 * Also here: the lock/unlock flavour pairs lockdep records for the audit.
 */
import type { Holding } from './cpu';

/** An irq state lockdep tracks. */
export type IrqState = 'HARDIRQ' | 'SOFTIRQ';

/** One usage bit, named as lockdep's `enum lock_usage_bit` (LOCK_ prefix dropped). */
export type UsageBit =
  | 'USED_IN_HARDIRQ'
  | 'USED_IN_HARDIRQ_READ'
  | 'ENABLED_HARDIRQ'
  | 'ENABLED_HARDIRQ_READ'
  | 'USED_IN_SOFTIRQ'
  | 'USED_IN_SOFTIRQ_READ'
  | 'ENABLED_SOFTIRQ'
  | 'ENABLED_SOFTIRQ_READ';

/** Every bit in lockdep's enum order (the order summaries list them in). */
export const USAGE_BITS: readonly UsageBit[] = [
  'USED_IN_HARDIRQ',
  'USED_IN_HARDIRQ_READ',
  'ENABLED_HARDIRQ',
  'ENABLED_HARDIRQ_READ',
  'USED_IN_SOFTIRQ',
  'USED_IN_SOFTIRQ_READ',
  'ENABLED_SOFTIRQ',
  'ENABLED_SOFTIRQ_READ',
];

/** The irq states, in lockdep's order. */
export const IRQ_STATES: readonly IrqState[] = ['HARDIRQ', 'SOFTIRQ'];

/** Compose a bit from its parts. */
export function usageBit(dir: 'USED_IN' | 'ENABLED', state: IrqState, read: boolean): UsageBit {
  return `${dir}_${state}${read ? '_READ' : ''}` as UsageBit;
}

/** Is `b` a USED_IN (irq-safe) bit? */
export function isUsedIn(b: UsageBit): boolean {
  return b.startsWith('USED_IN');
}

/** Is `b` a READ bit? */
export function isRead(b: UsageBit): boolean {
  return b.endsWith('_READ');
}

/** The irq state of `b`. */
export function stateOf(b: UsageBit): IrqState {
  return b.includes('HARDIRQ') ? 'HARDIRQ' : 'SOFTIRQ';
}

/** The opposite-direction bits of the same state that conflict with `b`, write bit first. */
export function conflicting(b: UsageBit): UsageBit[] {
  const dir = isUsedIn(b) ? 'ENABLED' : 'USED_IN';
  const out = [usageBit(dir, stateOf(b), false)];
  if (!isRead(b)) out.push(usageBit(dir, stateOf(b), true));
  return out;
}

/** lockdep's usage_str: `IN-HARDIRQ-W`, `HARDIRQ-ON-R`, ... */
export function usageStr(b: UsageBit): string {
  const rw = isRead(b) ? 'R' : 'W';
  return isUsedIn(b) ? `IN-${stateOf(b)}-${rw}` : `${stateOf(b)}-ON-${rw}`;
}

/** lockdep's state_name: `HARDIRQ` or `HARDIRQ-READ`, as in "HARDIRQ-safe -> HARDIRQ-unsafe". */
export function stateName(b: UsageBit): string {
  return isRead(b) ? `${stateOf(b)}-READ` : stateOf(b);
}

/** Where a usage bit or a dependency was first seen: one acquisition (or irq enable). */
export interface Acq {
  readonly cpu: number;
  readonly ctx: string;
  /** The primitive (spin_lock_irqsave, ...), or what enabled irqs while the lock was held. */
  readonly how: string;
  /** The lock instance. */
  readonly lock: string;
  readonly fn: string;
  readonly stmt: string;
  /** Model function stack, outermost first. */
  readonly frames: readonly string[];
  readonly step: number;
}

/** The record of a holding's own acquisition. */
export function acqOf(h: Holding): Acq {
  return { cpu: h.cpu.id, ctx: h.ctx.kind, how: h.how, lock: h.lock.name, fn: h.site.fn, stmt: h.site.stmt, frames: h.frames, step: h.step };
}

/** `fn: stmt (cpu0 process, spin_lock(&l) as spin_lock, step 3) stack: a -> b`, for messages. */
export function acqText(a: Acq): string {
  const stack = a.frames.length > 0 ? a.frames.join(' -> ') : '(none)';
  return `${a.fn}: ${a.stmt} (cpu${a.cpu} ${a.ctx}, ${a.how} on ${a.lock}, step ${a.step}) stack: ${stack}`;
}

/** One class's usage, as `Lockdep.usage()` reports it. */
export interface ClassUsage {
  readonly class: string;
  readonly bits: UsageBit[];
  readonly first: Partial<Record<UsageBit, Acq>>;
}

/** The usage bits of every class seen, with the acquisition that first set each. */
export class UsageTable {
  private readonly byClass = new Map<string, Map<UsageBit, Acq>>();

  /** Set `bit` on `cls`; true when it was not set before (the caller then validates it). */
  mark(cls: string, bit: UsageBit, a: Acq): boolean {
    let m = this.byClass.get(cls);
    if (m === undefined) this.byClass.set(cls, (m = new Map()));
    if (m.has(bit)) return false;
    m.set(bit, a);
    return true;
  }

  /** Note that a class exists (used with no irq bit yet), so summaries list it. */
  touch(cls: string): void {
    if (!this.byClass.has(cls)) this.byClass.set(cls, new Map());
  }

  /** Is `bit` set on `cls`? */
  has(cls: string, bit: UsageBit): boolean {
    return this.byClass.get(cls)?.has(bit) ?? false;
  }

  /** The acquisition that set `bit` on `cls`, if set. */
  first(cls: string, bit: UsageBit): Acq | undefined {
    return this.byClass.get(cls)?.get(bit);
  }

  /** Every class, sorted by name; bits in lockdep's order. */
  summary(): ClassUsage[] {
    return [...this.byClass.keys()].sort().map((cls) => {
      const m = this.byClass.get(cls)!;
      const bits = USAGE_BITS.filter((b) => m.has(b));
      const first: Partial<Record<UsageBit, Acq>> = {};
      for (const b of bits) first[b] = m.get(b)!;
      return { class: cls, bits, first };
    });
  }
}

/** How a class was locked and unlocked, as seen, for the audit report. */
export interface UnlockPair {
  readonly class: string;
  readonly acquire: string;
  readonly release: string;
  count: number;
  /** The release is the acquire's own counterpart (spin_lock_irqsave with spin_unlock_irqrestore, ...). */
  readonly balanced: boolean;
}

/** The unlock that matches each lock primitive. */
export const UNLOCK_OF: Readonly<Record<string, string>> = {
  spin_lock: 'spin_unlock',
  spin_trylock: 'spin_unlock',
  spin_lock_irq: 'spin_unlock_irq',
  spin_lock_irqsave: 'spin_unlock_irqrestore',
  read_lock: 'read_unlock',
  write_lock: 'write_unlock',
};
