/**
 * Violations: a property name plus the kernel-style splat that shows where it broke.
 */
import type { Splat, SplatKind } from '../kernel/assert';

/** One broken property in one run. */
export interface Violation {
  readonly property: string;
  readonly splat: Splat;
  /** The API call in flight in the reporting context, if any (`#7 vfree(#3)`). */
  readonly call?: string | null;
}

/** The property a splat of each kind breaks unless a more specific one is named. */
export function propertyOf(kind: SplatKind): string {
  switch (kind) {
    case 'BUG':
      return 'no_bug';
    case 'WARN':
      return 'no_warn';
    case 'Oops':
      return 'no_oops';
    case 'might_sleep':
      return 'no_sleep_in_atomic';
    case 'deadlock':
      return 'no_deadlock';
    case 'livelock':
      return 'no_livelock';
    case 'lockdep':
      return 'lockdep_irq_safe';
    case 'lifecycle':
      return 'lifecycle_legal';
    case 'invariant':
      return 'invariant';
  }
}

/** One line, kernel style: `[cpu1 hardirq] BUG: ... at vb_alloc: spin_lock(&vb->lock)`. */
export function violationLine(v: Violation): string {
  const s = v.splat;
  return `${v.property}: [cpu${s.cpu} ${s.context}] ${s.message} at ${s.fn}: ${s.stmt}`;
}
