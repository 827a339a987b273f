/**
 * F3 fix (vm_unmap_aliases walks every block): every committed F3 counterexample stops
 * reproducing with F3 alone and still reproduces on its base; a reduced survey of every
 * campaign on base+F3 breaks no property the base survey does not.
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS } from '../../explore/campaigns';
import { variantByName } from '../../model/variants/registry';
import { counterexamplesOf, newlyBroken, reproducesOn } from '../support/fix_check';

const RUNS = 30;

describe('F3: vm_unmap_aliases walks vmap_block_tree', () => {
  const ces = counterexamplesOf('F3');
  it('F3, F10, F12, F14, F15 and F16 compose with each other and with every other fix (<base>-fixed)', () => {
    for (const b of ['rewrite-v1', 'rewrite-v2', 'irqsafe']) expect(variantByName(`${b}-fixed`).name).toBe(`${b}-fixed`);
    expect(variantByName('irqsafe+F3+F10+F12+F14+F15+F16').name).toBe('irqsafe+F3+F10+F12+F14+F15+F16');
  });
  it('has committed counterexamples', () => expect(ces.length).toBeGreaterThan(0));
  it.each(ces)('%s reproduces on its base and not with F3 alone', (_f, ce) => {
    expect(reproducesOn(ce, ce.variant)).toBe(true);
    expect(reproducesOn(ce, `${ce.variant}+F3`)).toBe(false);
  });
  describe.each(['rewrite-v2', 'irqsafe'])('%s+F3 breaks nothing new', (base) => {
    it.each(CAMPAIGNS.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      expect(newlyBroken(base, `${base}+F3`, c, RUNS)).toEqual([]);
    });
  });
});
