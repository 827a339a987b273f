/**
 * F15 fix (irqsave/irqrestore instead of spin_lock_irq/spin_unlock_irq in irqsafe's
 * __purge_vmap_area_lazy and vm_unmap_aliases). The three committed F15 counterexamples are
 * NOT removed by F15 alone: in each, the purge's flush_tlb_kernel_range (on_each_cpu's
 * closing local_irq_enable, after its WARN_ON(irqs_disabled())) re-enables irqs before the
 * spin_unlock_irq does — an irqs-off caller reaching the TLB flush, which the patch does
 * not make irq-safe (F13). F15 shows on vm_unmap_aliases called with irqs off and no flush.
 * A reduced survey on irqsafe+F15 breaks nothing the irqsafe survey does not, except the
 * WARN that F12's leaked irqs-off state used to be masked from (checked against +F12).
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../../explore/campaigns';
import { replayFile } from '../../counterexamples/replay';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { variantByName } from '../../model/variants/registry';
import { counterexamplesOf, newlyBroken, newlyBrokenExcept, reproducesOn, type Unmasked } from '../support/fix_check';

const RUNS = 30;
const CAMPS = [...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => [c.name, c] as const);

/** spin_unlock_irq used to re-enable the irqs F12 left disabled; with F15 the next TLB flush meets them off. */
const UNMASKED: Unmasked[] = [{ property: 'no_warn', message: 'WARN_ON(irqs_disabled() in smp_call_function_mask)', why: "F12's leak (none with F12 applied on both sides)" }];

describe('F15: irqsafe purge and vm_unmap_aliases save/restore irqs', () => {
  const ces = counterexamplesOf('F15');
  it.each(ces)('%s: reproduces with F15 alone because the TLB flush IPI re-enables irqs (F13)', (_f, ce) => {
    expect(reproducesOn(ce, ce.variant)).toBe(true);
    const r = replayFile({ ...ce, variant: `${ce.variant}+F15` });
    expect(r.reproduced).toBe(true);
    expect(r.outcome.violations.map((v) => v.splat.message)).toContain('WARNING: WARN_ON(irqs_disabled() in smp_call_function_mask)');
  });
  it('vm_unmap_aliases with irqs off returns with irqs off (no flush to re-enable them)', () => {
    const scn = { programs: [[{ id: 1, op: 'vm_map_ram' as const, pages: 1 }, { id: 2, op: 'vm_unmap_aliases' as const, irqsOff: true }]], schedule: [], faults: [] };
    const leak = '#2 vm_unmap_aliases() [irqs off] entered with irqs disabled and returned with irqs enabled';
    const msgs = (v: string) => run(scn, { variant: variantByName(v), layout: TINY, cpus: 1, teardown: false }).world.violations.map((x) => x.splat.message);
    expect(msgs('irqsafe')).toContain(`irq state leak: ${leak}`);
    expect(msgs('irqsafe+F15')).not.toContain(`irq state leak: ${leak}`);
    expect(msgs('irqsafe+F12+F15')).toEqual([]);
  });
  it.each(CAMPS)('irqsafe+F15 breaks nothing new: %s', (_n, c) => {
    expect(newlyBrokenExcept('irqsafe', 'irqsafe+F15', c, RUNS, UNMASKED)).toEqual([]);
  });
  it.each(CAMPS)('irqsafe+F12+F15 breaks nothing irqsafe+F12 does not: %s', (_n, c) => {
    expect(newlyBroken('irqsafe+F12', 'irqsafe+F12+F15', c, RUNS)).toEqual([]);
  });
});
