/**
 * F16 fix (vm_unmap_aliases frees per-CPU blocks with no live allocation): the KVA of a
 * block that was partly used and then wholly freed, held before, is released after
 * vm_unmap_aliases() on every rewrite base (measured through the layer view, not through
 * no_kva_leak, which on this branch still exempts such blocks); a reduced survey of every
 * campaign on base+F16 breaks no property the base survey does not.
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../../explore/campaigns';
import { run } from '../../model/engine/runner';
import { TINY } from '../../model/config/layout';
import { variantByName } from '../../model/variants/registry';
import { newlyBroken, newlyBrokenExcept, type Unmasked } from '../support/fix_check';

const RUNS = 30;

/** Bytes of address space the layer holds (areas in the tree, whatever their state) and the blocks it keeps. */
function held(v: string, ops: { id: number; op: 'vm_map_ram' | 'vm_unmap_ram' | 'vm_unmap_aliases'; pages?: number; h?: number }[]) {
  const variant = variantByName(v);
  const r = run({ programs: [ops as never], schedule: [], faults: [] }, { variant, layout: TINY, cpus: 1, teardown: false });
  const view = variant.view(r.world);
  return { bytes: view.areas().reduce((n, a) => n + (a.va_end - a.va_start), 0n), blocks: view.blocks().length, violations: r.world.violations.map((x) => x.property) };
}

const SCENARIO = [
  { id: 1, op: 'vm_map_ram' as const, pages: 1 },
  { id: 2, op: 'vm_map_ram' as const, pages: 2 },
  { id: 3, op: 'vm_unmap_ram' as const, h: 1 },
  { id: 4, op: 'vm_unmap_ram' as const, h: 2 },
  { id: 5, op: 'vm_unmap_aliases' as const },
];

/** F12 left irqs off after vm_map_ram; F16's extra purge then flushes with them off (none with F12 on both sides). */
const UNMASKED: Unmasked[] = [{ property: 'no_warn', message: 'WARN_ON(irqs_disabled() in smp_call_function_mask)', why: "F12's leak" }];

describe('F16: purge fragmented per-CPU blocks from vm_unmap_aliases', () => {
  it.each(['rewrite-v1', 'rewrite-v2', 'irqsafe'])('%s: a block with nothing live keeps VMAP_BLOCK_SIZE after vm_unmap_aliases; +F16 releases it', (base) => {
    const before = held(base, SCENARIO);
    const after = held(`${base}+F16`, SCENARIO);
    const blockSize = BigInt(variantByName(base).view(run({ programs: [[]], schedule: [], faults: [] }, { variant: variantByName(base), layout: TINY, cpus: 1 }).world).constants().VMAP_BLOCK_SIZE as string);
    expect(before.blocks).toBe(1);
    expect(before.bytes).toBe(blockSize);
    expect(after.blocks).toBe(0);
    expect(after.bytes).toBe(0n);
    if (base !== 'irqsafe') expect(after.violations).toEqual([]);
  });
  it('a block with a live allocation is kept', () => {
    const live = held('rewrite-v2+F16', [SCENARIO[0]!, SCENARIO[1]!, SCENARIO[2]!, SCENARIO[4]!]);
    expect(live.blocks).toBe(1);
  });
  describe.each(['rewrite-v2', 'irqsafe'])('%s+F16 breaks nothing new', (base) => {
    const camps = base === 'irqsafe' ? [...CAMPAIGNS, ...IRQ_CAMPAIGNS] : CAMPAIGNS;
    it.each(camps.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      expect(newlyBrokenExcept(base, `${base}+F16`, c, RUNS, base === 'irqsafe' ? UNMASKED : [])).toEqual([]);
    });
  });
  it.each([...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => [c.name, c] as const))('irqsafe+F12+F16 breaks nothing irqsafe+F12 does not: %s', (_n, c) => {
    expect(newlyBroken('irqsafe+F12', 'irqsafe+F12+F16', c, RUNS)).toEqual([]);
  });
});
