/**
 * Properties over generated scenarios, with @fast-check/vitest: the control variant keeps
 * every safety property outside interrupt context and misuse, and every run is
 * deterministic and replays from its recorded schedule.
 */
import { describe, expect } from 'vitest';
import { test } from '@fast-check/vitest';
import { campaignByName } from '../../explore/campaigns';
import { scenarioArb } from '../../explore/arbitraries';
import { runScenario } from '../../explore/check';
import { vanilla } from '../../model/variants/vanilla/index';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { irqsafe } from '../../model/variants/irqsafe/index';

const TWO = campaignByName('tiny-2cpu');
const IRQ = campaignByName('tiny-irq');

describe('vanilla is the control', () => {
  test.prop([scenarioArb(TWO)], { numRuns: 150, seed: 42 })('on two CPUs with speculative fills it breaks nothing', (scn) => {
    expect([...runScenario(vanilla, TWO, scn).violated]).toEqual([]);
  });
});

describe('runs are deterministic and replay from their recorded schedule', () => {
  test.prop([scenarioArb(IRQ)], { numRuns: 60, seed: 7 })('rewrite-v2 and irqsafe: same scenario, same trace; executed schedule, same run', (scn) => {
    for (const v of [rewriteV2, irqsafe]) {
      const a = runScenario(v, IRQ, scn, { trace: true });
      const b = runScenario(v, IRQ, scn, { trace: true });
      expect(b.result.world.trace.events).toEqual(a.result.world.trace.events);
      const c = runScenario(v, IRQ, { ...scn, schedule: a.result.executed }, { trace: true });
      expect(c.result.world.trace.events).toEqual(a.result.world.trace.events);
      expect([...c.violated]).toEqual([...a.violated]);
    }
  });
});
