import { describe, expect, it } from 'vitest';
import { campaignByName } from '../../explore/campaigns';
import { hunt, huntFailures, huntRuns, recordedAnywhere } from '../../explore/hunt';
import { isPerformance } from '../../explore/audit';
import { MANIFEST_FORMAT, readManifest } from '../../counterexamples/manifest';
import { variantByName } from '../../model/variants/registry';

describe("check's swarm search phase", () => {
  const c = campaignByName('tiny-1cpu');
  const v = variantByName('rewrite-v2');

  it('reports nothing the variant record explains', () => {
    const m = readManifest();
    expect(recordedAnywhere(m, 'rewrite-v2')).toContain('F2');
    const h = hunt(v, c, m, 30, c.seed, isPerformance);
    expect(h.runs).toBe(30);
    expect(h.explained).toBeGreaterThan(0);
    expect([...h.unexplained.keys()]).toEqual([]);
  });

  it('reports, shrinks and classifies what an empty record does not explain', () => {
    const empty = { format: MANIFEST_FORMAT, findings: {}, variants: {} } as const;
    const h = hunt(v, c, empty, 30, c.seed, isPerformance);
    expect(h.unexplained.size).toBeGreaterThan(0);
    const fs = huntFailures(v, c, h, c.seed);
    expect(fs.length).toBe(h.unexplained.size);
    for (const f of fs) {
      expect(f.kind).toBe('unexpected-finding');
      expect(f.counterexample?.search).toMatchObject({ strategy: 'swarm', seed: c.seed });
    }
    expect(fs.some((f) => f.finding === 'F2' || f.finding === 'F16')).toBe(true);
  });

  it("runs as many swarm runs as the survey by default in check, none in audit", () => {
    expect(huntRuns('budget', 600)).toBe(600);
    expect(huntRuns(0, 600)).toBe(0);
    expect(huntRuns(undefined, 600)).toBe(0);
    expect(huntRuns(25, 600)).toBe(25);
  });
});
