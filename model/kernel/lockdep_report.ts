/**
 * What lockdep knew when it reported, kept on the splat as data so a report can print it in
 * the kernel's own layout (reports/splat.ts): the CPU's irq nesting and state, the acquisition
 * being validated, the locks held, each involved class's usage characters and the records of
 * the problem itself. The one-line message stays the oracle's verdict; this is only evidence.
 */
import type { Edge } from './lockdep_graph';
import { IRQ_STATES, usageBit, type Acq, type UsageBit } from './lockdep_usage';

/** An acquisition with the class of its lock (held-lock lists name both). */
export interface ClassAcq extends Acq {
  readonly cls: string;
}

/** A class with one of its usage bits and the acquisition that set it. */
export interface UseRecord {
  readonly cls: string;
  readonly bit: UsageBit;
  readonly a: Acq;
}

/** The irq state of the reporting CPU (lockdep's HC/SC/HE/SE). */
export interface IrqContext {
  readonly hardirq: number;
  readonly softirq: number;
  readonly irqsOn: boolean;
}

/** The problem-specific part of a report. */
export type LockdepProblem =
  /** print_usage_bug: a class both irq-safe and irq-unsafe. */
  | { readonly kind: 'usage'; readonly cls: string; readonly prev: UseRecord; readonly now: UseRecord }
  /**
   * print_bad_irq_dependency (`edge`: the new dependency that linked them) or
   * print_irq_inversion_bug (`changed`: which end just changed state). `chain` runs safe to unsafe.
   */
  | { readonly kind: 'safe-unsafe'; readonly safe: UseRecord; readonly unsafe: UseRecord; readonly chain: readonly Edge[]; readonly changed: 'safe' | 'unsafe' | null; readonly edge: Edge | null }
  /** print_circular_bug: the new edge and the existing chain back from its target to its source. */
  | { readonly kind: 'cycle'; readonly edge: Edge; readonly back: readonly Edge[] }
  /** print_deadlock_bug: a class taken again while held. */
  | { readonly kind: 'recursive'; readonly next: ClassAcq; readonly held: ClassAcq };

/** Everything a lockdep splat shows. */
export interface LockdepReport {
  readonly problem: LockdepProblem;
  readonly irq: IrqContext;
  /** Locks the CPU holds (every context on it), outermost first. */
  readonly held: readonly ClassAcq[];
  /** get_usage_chars of every class the report names: `{-.+.}` (HARDIRQ W, R, SOFTIRQ W, R). */
  readonly usage: Readonly<Record<string, string>>;
}

/** lockdep's get_usage_char: '?' irq-safe and irq-unsafe, '-' irq-safe, '+' irq-unsafe, '.' neither. */
export function usageChars(has: (bit: UsageBit) => boolean): string {
  let s = '';
  for (const st of IRQ_STATES) {
    for (const read of [false, true]) {
      const inIrq = has(usageBit('USED_IN', st, read));
      const on = has(usageBit('ENABLED', st, read));
      s += inIrq && on ? '?' : inIrq ? '-' : on ? '+' : '.';
    }
  }
  return `{${s}}`;
}
