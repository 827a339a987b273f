/**
 * Violations: a property name plus the kernel-style splat that shows where it broke.
 */
import { match } from 'ts-pattern';
import type { Splat, SplatKind } from '../kernel/assert';

/** One broken property in one run. */
export interface Violation {
  readonly property: string;
  readonly splat: Splat;
  /** The API call in flight in the reporting context, if any (`#7 vfree(#3)`). */
  readonly call?: string | null;
}

/** The property a splat of each kind breaks unless a more specific one is named (exhaustive). */
export function propertyOf(kind: SplatKind): string {
  return match(kind)
    .with('BUG', () => 'no_bug')
    .with('WARN', () => 'no_warn')
    .with('Oops', () => 'no_oops')
    .with('might_sleep', () => 'no_sleep_in_atomic')
    .with('deadlock', () => 'no_deadlock')
    .with('livelock', () => 'no_livelock')
    .with('lockdep', () => 'lockdep_irq_safe')
    .with('lifecycle', () => 'lifecycle_legal')
    .with('invariant', () => 'invariant')
    .exhaustive();
}

/** One line, kernel style: `[cpu1 hardirq] BUG: ... at vb_alloc: spin_lock(&vb->lock)`. */
export function violationLine(v: Violation): string {
  const s = v.splat;
  return `${v.property}: [cpu${s.cpu} ${s.context}] ${s.message} at ${s.fn}: ${s.stmt}`;
}
