/**
 * F10 fix (list_del_rcu, separate rcu_head): every committed F10 counterexample stops
 * reproducing with F10 alone and still reproduces on its base; a reduced survey of every
 * campaign on base+F10 breaks no property the base survey does not.
 */
import { describe, expect, it } from 'vitest';
import { CAMPAIGNS } from '../../explore/campaigns';
import { counterexamplesOf, newlyBroken, reproducesOn } from '../support/fix_check';

const RUNS = 30;

describe('F10: list_del_rcu and a separate rcu_head', () => {
  const ces = counterexamplesOf('F10');
  it('has committed counterexamples', () => expect(ces.length).toBeGreaterThan(0));
  it.each(ces)('%s reproduces on its base and not with F10 alone', (_f, ce) => {
    expect(reproducesOn(ce, ce.variant)).toBe(true);
    expect(reproducesOn(ce, `${ce.variant}+F10`)).toBe(false);
  });
  describe.each(['rewrite-v2', 'irqsafe'])('%s+F10 breaks nothing new', (base) => {
    it.each(CAMPAIGNS.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      expect(newlyBroken(base, `${base}+F10`, c, RUNS)).toEqual([]);
    });
  });
});
