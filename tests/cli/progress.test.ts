/**
 * Progress of long runs (cli/progress.ts): counted in runs, never past its total (the old
 * audit printed "[144/84]": its total left out the irq campaigns), throttled on a terminal,
 * one line per unit in a log, silent with --quiet or in CI.
 */
import { describe, expect, it } from 'vitest';
import { progress, progressEnabled, TTY_INTERVAL_MS } from '../../cli/progress';
import { auditPlan } from '../../explore/audit';
import { CAMPAIGNS } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { variantByName } from '../../model/variants/registry';

/** A stream that records what is written, with a controllable isTTY. */
function sink(isTTY: boolean): NodeJS.WriteStream & { text: string[] } {
  const text: string[] = [];
  return { isTTY, columns: 200, text, write: (s: string) => (text.push(s), true) } as unknown as NodeJS.WriteStream & { text: string[] };
}

describe('progress', () => {
  it('counts runs with rate and ETA, and never passes the total', () => {
    let t = 0;
    const s = sink(false);
    const p = progress(100, true, s, () => t);
    t = 1000;
    p.advance(40);
    p.step('unit A');
    expect(s.text.at(-1)).toMatch(/^\[40\/100 runs\] 40 runs\/s, 1\.0 s, ETA 1\.5 s \| unit A\n$/);
    p.advance(500);
    p.step('unit B');
    expect(s.text.at(-1)).toMatch(/^\[100\/100 runs\]/);
    for (const l of s.text) expect(Number(/^\[(\d+)\//.exec(l)![1])).toBeLessThanOrEqual(100);
  });

  it('rewrites the terminal line at most every TTY_INTERVAL_MS', () => {
    let t = 0;
    const s = sink(true);
    const p = progress(1000, true, s, () => t);
    for (let i = 0; i < 100; i++) {
      t += 1; // 100 runs in 100 ms: at most two rewrites
      p.advance(1);
    }
    expect(s.text.length).toBeLessThanOrEqual(2);
    t += TTY_INTERVAL_MS;
    p.advance(1);
    expect(s.text.at(-1)).toMatch(/^\r\x1b\[K\[101\/1000 runs\]/);
    p.end();
    expect(s.text.at(-1)).toBe('\r\x1b[K');
  });

  it('writes nothing when disabled, and is disabled by --quiet and CI', () => {
    const s = sink(true);
    const p = progress(10, false, s);
    p.advance(5);
    p.step('x');
    p.end();
    expect(s.text).toEqual([]);
    expect(progressEnabled(true, {})).toBe(false);
    expect(progressEnabled(false, { CI: 'true' })).toBe(false);
    expect(progressEnabled(false, {})).toBe(true);
  });

  it("the audit's plan counts the irq campaigns the audit runs (the old total did not)", () => {
    const v = variantByName('rewrite-v2');
    const tiny = CAMPAIGNS.filter((c) => c.name === 'tiny-2cpu');
    const without = auditPlan(v, tiny, readManifest(), { irq: false });
    const withIrq = auditPlan(v, tiny, readManifest(), { irq: true });
    expect(without.map((u) => u.campaign.name)).toEqual(['tiny-2cpu']);
    expect(withIrq.length).toBeGreaterThan(1 + 1); // every irq campaign is a unit of its own, not one "irq audit"
    expect(withIrq.every((u) => u.runs === u.campaign.runs)).toBe(true);
  });
});
