/**
 * Interrupt entry and exit around an injected API call.
 *
 * A hardirq enters with irqs disabled (the interrupt gate clears IF; lockdep kernels run
 * handlers that way) and HARDIRQ_OFFSET added to the preempt count; a softirq runs with
 * irqs enabled and SOFTIRQ_OFFSET. The handler runs one API call to completion; on exit the
 * irq state must be what entry left it, then the interrupted context resumes.
 */
import type { Gen } from '../exec/gen';
import type { K } from './exec';
import type { Harness } from './harness';
import type { Op } from './program';
import { opText } from './program';

/** The generator of one interrupt handler context. */
export function* runIrqHandler(k: K, h: Harness, kind: 'hardirq' | 'softirq', op: Op): Gen {
  const c = k.cpu;
  const w = k.w;
  w.trace.push({ t: 'irq', i: w.stepNo, cpu: c.id, kind, op: opText(op), phase: 'enter' });
  if (kind === 'hardirq') {
    c.irqsEnabled = false;
    c.hardirq++;
  } else c.softirq++;
  // A handler cannot wait for a handle another CPU is still creating: it skips instead.
  const ready = !('h' in op) || h.handleSettled(op.h);
  if (ready) yield* h.runOp(k, op);
  if (kind === 'hardirq') {
    c.hardirq--;
    c.irqsEnabled = true;
    w.irqsEnabled(c);
  } else c.softirq--;
  w.trace.push({ t: 'irq', i: w.stepNo, cpu: c.id, kind, op: opText(op), phase: 'exit' });
}
