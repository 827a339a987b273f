/**
 * F11: not irq safe.
 *
 * Description: vanilla, v1 and v2 are not meant to be called from interrupt context: vfree/vunmap and
 * __get_vm_area_node BUG_ON(in_interrupt()), the per-CPU allocator uses plain spinlocks (lockdep:
 * inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W}) and GFP_KERNEL allocations. With irqs disabled, the
 * TLB flush's smp_call_function WARNs and can deadlock against a CPU spinning with irqs off,
 * and on_each_cpu's closing local_irq_enable() returns the caller with irqs enabled.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.irq-hardirq-vmalloc.no_bug.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F11 still reproduces', () => {
  expectFinding('counterexamples/rewrite-v2.irq-hardirq-vmalloc.no_bug.json', 'F11', false);
});
