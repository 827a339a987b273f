import { describe, expect, it } from 'vitest';
import { CAMPAIGNS, campaignByName } from '../../explore/campaigns';
import { runScenario } from '../../explore/check';
import { runStream } from '../../explore/strategy';
import { firstFailure, ttffTargets } from '../../counterexamples/ttff';
import { readManifest } from '../../counterexamples/manifest';
import { variantByName } from '../../model/variants/registry';

describe('swarm search', () => {
  it('stays inside its campaign: kinds, CPUs, op count and pages the campaign allows', () => {
    for (const c of CAMPAIGNS) {
      const stream = runStream('swarm', c, 7);
      for (let run = 0; run < 40; run++) {
        const s = stream(run).scenario;
        expect(s.programs.length).toBe(c.cpus);
        const ops = s.programs.flat();
        expect(ops.length).toBeLessThanOrEqual(c.maxOps);
        for (const o of ops) {
          expect(c.kinds).toContain(o.op);
          if ('pages' in o) expect(o.pages).toBeLessThanOrEqual(c.maxPages);
        }
        if (!c.faults) expect(s.faults ?? []).toEqual([]);
      }
    }
  });

  it('is deterministic from the seed: the same runs execute the same schedules', () => {
    const c = campaignByName('tiny-2cpu');
    const v = variantByName('rewrite-v2');
    const once = (): string[] => {
      const stream = runStream('swarm', c, 3);
      return Array.from({ length: 20 }, (_, run) => {
        const g = stream(run);
        const o = runScenario(v, c, g.scenario, g.chooser ? { chooser: g.chooser } : {});
        g.done?.();
        return JSON.stringify([g.scenario.programs, o.result.executed, [...o.violated].sort()]);
      });
    };
    expect(once()).toEqual(once());
  });

  it("reaches F7's trylock race on tiny-exhaust within 300 runs of seed 1 on its dig variant", () => {
    const t = ttffTargets(readManifest()).find((x) => x.finding === 'F7')!;
    const r = firstFailure(t, 'swarm', 1, 300, 120);
    expect(r.hit).toBe(true);
    expect(r.property).toBe('alloc_fails_only_when_full');
  }, 60_000);
});
