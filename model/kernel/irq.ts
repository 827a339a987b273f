/**
 * Local interrupt and preemption state: local_irq_*, preempt_*, might_sleep.
 *
 * These touch only the current CPU, so they are not scheduling points; enabling irqs
 * lets the CPU take TLB-flush IPIs and raised interrupts that were held off.
 */
import type { K } from './k';
import type { Site } from '../exec/site';
import { splat } from './assert';

/** `local_irq_disable()` */
export function local_irq_disable(k: K): void {
  k.cpu.irqsEnabled = false;
}

/** `local_irq_enable()`: also takes pending flush IPIs. */
export function local_irq_enable(k: K): void {
  k.cpu.irqsEnabled = true;
  k.w.irqsEnabled(k.cpu);
}

/** `local_irq_save(flags)`: returns the flags (true = irqs were enabled). */
export function local_irq_save(k: K): boolean {
  const flags = k.cpu.irqsEnabled;
  k.cpu.irqsEnabled = false;
  return flags;
}

/** `local_irq_restore(flags)` */
export function local_irq_restore(k: K, flags: boolean): void {
  if (flags) local_irq_enable(k);
  else k.cpu.irqsEnabled = false;
}

/** `irqs_disabled()` */
export function irqs_disabled(k: K): boolean {
  return !k.cpu.irqsEnabled;
}

/** `in_interrupt()` */
export function in_interrupt(k: K): boolean {
  return k.cpu.inInterrupt();
}

/** `preempt_disable()` (also get_cpu_var). */
export function preempt_disable(k: K): void {
  k.cpu.preempt++;
}

/** `preempt_enable()` (also put_cpu_var). */
export function preempt_enable(k: K): void {
  k.cpu.preempt--;
}

/**
 * `might_sleep()`: "BUG: sleeping function called from invalid context" when in atomic
 * context or with irqs disabled (CONFIG_DEBUG_SPINLOCK_SLEEP). The kernel prints and
 * continues; the model reports it as a violation and continues too.
 */
export function might_sleep(k: K, site: Site, what: string): void {
  if (k.cpu.inAtomic() || !k.cpu.irqsEnabled) {
    const c = k.cpu;
    k.w.report(
      splat(
        k,
        'might_sleep',
        site,
        `BUG: sleeping function called from invalid context (${what}): in_atomic()=${c.inAtomic() ? 1 : 0}, irqs_disabled()=${c.irqsEnabled ? 0 : 1}, hardirq=${c.hardirq} softirq=${c.softirq} preempt=${c.preempt}`,
      ),
    );
  }
}
