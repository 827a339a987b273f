/**
 * The timeline: per-event rows with every CPU's locks, irq state and TLB after the event,
 * checked on hand-made scenarios whose effects are known, and its HTML table (one column
 * per CPU, every row the right width).
 */
import { describe, expect, it } from 'vitest';
import { campaignByName } from '../../explore/campaigns';
import { runScenario } from '../../explore/check';
import type { Scenario } from '../../model/engine/program';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { irqsafe } from '../../model/variants/irqsafe/index';
import { timelineOf, type Timeline } from '../../reports/timeline';
import { addressMapHtml, timelineTable } from '../../reports/html_parts';

/** cpu0 maps two pages and touches both; cpu1 speculatively caches one; cpu0 frees and purges. */
const TLB_SCENARIO: Scenario = {
  programs: [
    [
      { id: 1, op: 'vmalloc', pages: 2 },
      { id: 2, op: 'touch', h: 1, page: 0 },
      { id: 3, op: 'touch', h: 1, page: 1 },
      { id: 4, op: 'vfree', h: 1 },
      { id: 5, op: 'vm_unmap_aliases' },
    ],
    [{ id: 6, op: 'vm_unmap_aliases' }],
  ],
  schedule: [{ t: 'run', cpu: 0, n: 33 }, { t: 'spec', cpu: 1, pick: 1 }, { t: 'run', cpu: 0, n: 500 }],
  faults: [],
};

function tlbTimeline(): Timeline {
  const o = runScenario(rewriteV2, campaignByName('tiny-2cpu'), TLB_SCENARIO, { trace: true });
  return timelineOf(o.result.world, rewriteV2.view(o.result.world));
}

/** Rows of the timeline table: the number of CPU columns each spans. */
function rowWidths(html: string): number[] {
  const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) => {
    const tds = [...m[1]!.matchAll(/<td([^>]*)>/g)].slice(1);
    return tds.reduce((n, t) => n + Number(/colspan="(\d+)"/.exec(t[1]!)?.[1] ?? 1), 0);
  });
}

describe('timelineOf', () => {
  it('tracks TLB fills, a speculative fill on the other CPU and the flush IPI that empties both', () => {
    const t = tlbTimeline();
    expect(t.cpus).toBe(2);
    expect(t.vmalloc).toEqual({ start: '0xf8800000', end: '0xf8830000' });
    expect(t.pageShift).toBe(12);
    const tlbRows = t.rows.filter((r) => r.kind === 'tlb');
    const fills = tlbRows.filter((r) => r.text.startsWith('TLB fill'));
    expect(fills.map((r) => r.cpu)).toEqual([0, 0]);
    expect(fills[1]!.after[0]!.tlb).toEqual(['0xf8800000', '0xf8801000']);
    const spec = tlbRows.find((r) => r.text.includes('speculative'))!;
    expect(spec.cpu).toBe(1);
    expect(spec.after[1]!.tlb).toEqual(['0xf8801000']);
    // One row per speculative fill (the engine traces it as fill + spec).
    expect(tlbRows.filter((r) => r.cpu === 1 && r.text.includes('fill'))).toHaveLength(1);
    // The IPI flushes cpu1 first; on_each_cpu then flushes the calling CPU itself.
    const remote = tlbRows.find((r) => r.cpu === 1 && r.text.startsWith('TLB flush'))!;
    expect(remote.tlbChanged).toEqual([1]);
    expect(remote.after[1]!.tlb).toEqual([]);
    const last = tlbRows.filter((r) => r.text.startsWith('TLB flush')).at(-1)!;
    expect(last.cpu).toBe(0);
    expect(last.after.map((s) => s.tlb)).toEqual([[], []]);
  });

  it('lists the locks each CPU holds after every event, with how and under which irq state they were taken', () => {
    const t = tlbTimeline();
    const lock = t.rows.find((r) => r.kind === 'lock' && r.text.includes('purge_lock'))!;
    expect(lock.after[0]!.locks.map((l) => l.name)).toContain('purge_lock');
    expect(lock.after[0]!.locks.find((l) => l.name === 'purge_lock')).toMatchObject({ how: 'spin_lock', irqsOn: true, ctx: 'process' });
    const unlock = t.rows.find((r, i) => i > t.rows.indexOf(lock) && r.kind === 'unlock' && r.text.includes('purge_lock'))!;
    expect(unlock.after[0]!.locks.map((l) => l.name)).not.toContain('purge_lock');
    expect(t.rows.at(-1)!.after.every((s) => s.locks.length === 0 && s.irqs)).toBe(true);
    const step = t.rows.find((r) => r.kind === 'step')!;
    expect(step.fn).toBeTruthy();
    expect(step.text).toBe(`${step.fn}: ${step.stmt}`);
  });

  it("shows irqs left disabled by irqsafe's vm_map_ram (F12) through its return, and re-enabled by irqrestore", () => {
    const scn: Scenario = { programs: [[{ id: 1, op: 'vm_map_ram', pages: 1 }]], schedule: [], faults: [] };
    const o = runScenario(irqsafe, campaignByName('tiny-1cpu'), scn, { trace: true });
    expect(o.violated.has('irq_state_balanced')).toBe(true);
    const t = timelineOf(o.result.world, irqsafe.view(o.result.world));
    const ret = t.rows.find((r) => r.kind === 'call' && r.text.startsWith('<< #1 vm_map_ram'))!;
    expect(ret.after[0]!.irqs).toBe(false);
    const v = t.rows.find((r) => r.violation?.property === 'irq_state_balanced')!;
    expect(v.cpu).toBe(-1);
    expect(v.after[0]!.irqs).toBe(false);
    const taken = t.rows.find((r) => r.kind === 'lock' && r.text.includes('spin_lock_irqsave'))!;
    expect(taken.after[0]!.locks.at(-1)!.irqsOn).toBe(false);
    const restore = t.rows.find((r) => r.kind === 'step' && r.stmt?.includes('spin_unlock_irqrestore(&vb->lock'))!;
    expect(restore.after[0]!.irqs).toBe(true);
  });

  it('places areas on the vmalloc range in pages and keeps `limit` rows', () => {
    const o = runScenario(rewriteV2, campaignByName('tiny-1cpu'), { programs: [[{ id: 1, op: 'vmalloc', pages: 2 }]], schedule: [], faults: [] }, { trace: true, teardown: false });
    const t = timelineOf(o.result.world, rewriteV2.view(o.result.world), undefined, 10);
    expect(t.pages).toBe(48);
    expect(t.areas).toHaveLength(1);
    expect(t.areas[0]).toMatchObject({ start: '0xf8800000', offset: 0, pages: 3, inRange: true, state: 'allocated' });
    expect(t.areas[0]!.flags).toContain('VM_VM_AREA');
    expect(t.rows).toHaveLength(10);
    expect(t.omitted).toBe(o.result.world.trace.events.length - 10);
  });
});

describe('timeline HTML', () => {
  it('has one column per CPU and every row spans exactly the CPU columns', () => {
    const t = tlbTimeline();
    const html = timelineTable(t, 'no_such_property', 'ce-x');
    const head = html.slice(html.indexOf('<thead>'), html.indexOf('</thead>'));
    expect(head.match(/<th>cpu\d<\/th>/g)).toEqual(['<th>cpu0</th>', '<th>cpu1</th>']);
    const widths = rowWidths(html);
    expect(widths.length).toBeGreaterThan(20);
    expect(new Set(widths)).toEqual(new Set([2]));
    // The flush IPI is drawn in cpu1's column, with its TLB contents.
    expect(html).toMatch(/<td( class="[^"]*")?><\/td><td class="x">TLB flush 0xf8801000<div class="tlb">TLB: ∅<\/div><\/td>/);
  });

  it('draws the address map to scale', () => {
    const o = runScenario(rewriteV2, campaignByName('tiny-1cpu'), { programs: [[{ id: 1, op: 'vmalloc', pages: 2 }]], schedule: [], faults: [] }, { trace: true, teardown: false });
    const t = timelineOf(o.result.world, rewriteV2.view(o.result.world));
    const html = addressMapHtml(t, { label: 'now', areas: t.areas, blocks: t.blocks });
    // 3 pages (2 + guard) of 48 from the start of the range.
    expect(html).toContain('style="left:0.000%;width:calc(6.250% - 1px)"');
    expect(html).toMatch(/>#\d+ allocated VM_VM_AREA<\/div>/);
  });
});
