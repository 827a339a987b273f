/**
 * F12 fix (irqsafe vb_alloc restores irqs on its success path): the committed F12
 * counterexamples stop reproducing with F12 alone, except the reviewed ones below, which
 * show the irq patch's stated incompleteness (F13) and reproduce with or without F12; a
 * reduced survey of every campaign (irq ones included) on irqsafe+F12 breaks no property
 * the irqsafe survey does not, except what irqs left off used to mask.
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../../explore/campaigns';
import { replayFile } from '../../counterexamples/replay';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { variantByName } from '../../model/variants/registry';
import { counterexamplesOf, newlyBrokenExcept, reproducesOn, type Unmasked } from '../support/fix_check';

const RUNS = 30;

/**
 * Filed under F12 by the ghost note, but F12 alone does not remove them: each is a path the
 * 2008-08-20 patch says it leaves undone ("we then still need to make kernel page table
 * allocations take a gfp mask and make the init_mm ptl interrupt safe"), or a caller with
 * irqs off reaching a GFP_KERNEL allocation or the TLB flush IPI: F13.
 */
const NOT_F12: Record<string, RegExp> = {
  'irqsafe.irq-hardirq-vm_map_ram.no_deadlock.json': /init_mm\.page_table_lock/,
  'irqsafe.tiny-irq.no_deadlock.json': /init_mm\.page_table_lock/,
  'irqsafe.irq-irqs-off-vm_map_ram.no_sleep_in_atomic.json': /pte_alloc_one_kernel\(GFP_KERNEL\)/,
  'irqsafe.irq-irqs-off-vmalloc.no_sleep_in_atomic.json': /kmalloc_node/,
  'irqsafe.irq-irqs-off-vmap.no_sleep_in_atomic.json': /kmalloc_node/,
  'irqsafe.irq-irqs-off-vfree.no_warn.json': /smp_call_function/,
  'irqsafe.irq-irqs-off-vm_unmap_ram.no_warn.json': /smp_call_function/,
  'irqsafe.irq-irqs-off-vunmap.no_warn.json': /smp_call_function/,
};

/** With irqs back on after vm_map_ram, an interrupt can now arrive while pte_alloc_kernel holds init_mm.page_table_lock: F13. */
const UNMASKED: Unmasked[] = [
  { property: 'lockdep_lock_order', message: 'init_mm.page_table_lock', why: 'F13: init_mm ptl is not irq-safe (the patch says so)' },
  { property: 'no_deadlock', message: 'init_mm.page_table_lock', why: 'F13: init_mm ptl is not irq-safe (the patch says so)' },
  { property: 'lockdep_irq_safe', message: 'init_mm.page_table_lock', why: 'F13: init_mm ptl is not irq-safe (the patch says so)' },
];

describe('F12: irqsafe vb_alloc success path spin_unlock_irqrestore', () => {
  const ces = counterexamplesOf('F12');
  it('has committed counterexamples', () => expect(ces.length).toBeGreaterThan(0));
  it.each(ces)('%s reproduces on irqsafe; with F12 alone removed, or reviewed as F13', (f, ce) => {
    expect(reproducesOn(ce, ce.variant)).toBe(true);
    const r = replayFile({ ...ce, variant: `${ce.variant}+F12` });
    const why = NOT_F12[f];
    if (why === undefined) expect(r.reproduced, `${f} still breaks ${ce.property} with F12`).toBe(false);
    else {
      expect(r.reproduced).toBe(true);
      expect(ce.violation.message).toMatch(why);
    }
  });
  it('vm_map_ram(1) in process context returns with irqs enabled', () => {
    const scn = { programs: [[{ id: 1, op: 'vm_map_ram' as const, pages: 1 }, { id: 2, op: 'vm_unmap_ram' as const, h: 1 }]], schedule: [], faults: [] };
    const base = run(scn, { variant: variantByName('irqsafe'), layout: TINY, cpus: 1, teardown: false });
    const fixed = run(scn, { variant: variantByName('irqsafe+F12'), layout: TINY, cpus: 1, teardown: false });
    expect(base.world.violations.map((v) => v.property)).toContain('irq_state_balanced');
    expect(fixed.world.violations).toEqual([]);
  });
  it.each([...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => [c.name, c] as const))('irqsafe+F12 breaks nothing new: %s', (_n, c) => {
    expect(newlyBrokenExcept('irqsafe', 'irqsafe+F12', c, RUNS, UNMASKED)).toEqual([]);
  });
});
