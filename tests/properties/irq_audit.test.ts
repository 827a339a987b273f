/**
 * The irq-safety verdicts a reviewer relies on, read from the finding-centric manifest:
 * which API calls are safe from which context on which variant, and which finding (a
 * contract or a defect of the irq patch) makes the others unsafe. The irq campaigns
 * themselves are audited with every other campaign (manifest.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { IRQ_CALLS, IRQ_CAMPAIGNS, IRQ_CONTEXTS } from '../../explore/campaigns';
import { irqCells } from '../../explore/irq_cells';
import { readManifest } from '../../counterexamples/manifest';
import { VARIANTS } from '../../model/variants/registry';

const manifest = readManifest();
/** What the call in the context adds to the variant's normal campaigns (the verdict table's cell). */
const findings = (variant: string, call: (typeof IRQ_CALLS)[number], ctx: (typeof IRQ_CONTEXTS)[number]): string[] => {
  const cell = irqCells(variant, manifest, new Map(), IRQ_CAMPAIGNS).find((c) => c.call === call && c.context === ctx);
  return Object.keys(cell?.problems ?? {}).sort();
};

describe('verdicts a reviewer relies on', () => {
  it('vfree from hardirq is outside the contract on every variant (BUG_ON(in_interrupt()) survives the irq patch)', () => {
    for (const v of VARIANTS) expect(findings(v.name, 'vfree', 'hardirq')).toContain(v.name === 'irqsafe' ? 'F13' : 'F11');
  });
  it('vm_unmap_ram from hardirq is F11 on rewrite-v2 and has no finding on irqsafe', () => {
    expect(findings('rewrite-v2', 'vm_unmap_ram', 'hardirq')).toContain('F11');
    expect(findings('irqsafe', 'vm_unmap_ram', 'hardirq')).toEqual([]);
  });
  it("irqsafe's vm_map_ram returns with irqs disabled (F12) and its spin_unlock_irq enables them for irqs-off callers (F15)", () => {
    const all = new Set(Object.values(manifest.variants['irqsafe'] ?? {}).flatMap((e) => Object.keys(e.findings)));
    expect([...all]).toEqual(expect.arrayContaining(['F12', 'F15']));
  });
  it('the irqs-safe fixed variant keeps vm_unmap_ram safe in every context it is audited in', () => {
    for (const ctx of IRQ_CONTEXTS) expect(findings('irqsafe-fixed', 'vm_unmap_ram', ctx)).toEqual([]);
  });
});
