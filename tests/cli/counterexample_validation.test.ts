/**
 * What replay must reject (each case was accepted before and answered "NOT reproduced"),
 * and where a non-reproducing replay departs from its recorded trace.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CounterexampleError, parseCounterexample } from '../../counterexamples/format';
import { replayFile } from '../../counterexamples/replay';

const GOOD = 'counterexamples/rewrite-v2.tiny-1cpu.F2.json';
const good = JSON.parse(readFileSync(GOOD, 'utf8'));
const withScenario = (s: object): string => JSON.stringify({ ...good, scenario: { ...good.scenario, ...s } });

describe('counterexample validation', () => {
  it('accepts every committed counterexample', () => {
    const files = readdirSync('counterexamples').filter((f) => f.endsWith('.json'));
    for (const f of files) expect(() => parseCounterexample(readFileSync(join('counterexamples', f), 'utf8'), f)).not.toThrow();
  });
  it.each([
    ['an unknown property', JSON.stringify({ ...good, property: 'no_frobs' }), /unknown property 'no_frobs'; known: areas_disjoint/],
    ['a schedule naming a cpu that does not exist', withScenario({ schedule: [{ t: 'run', cpu: 7, n: 1 }] }), /schedule\[0\]: names cpu 7, but the counterexample has 1 CPU/],
    ['a negative page count', withScenario({ programs: [[{ id: 1, op: 'vmalloc', pages: -3 }]] }), /programs\[0\]\[0\]\.pages: at least 1 page/],
    ['a huge page count', withScenario({ programs: [[{ id: 1, op: 'vmap', pages: 2 ** 40 }]] }), /programs\[0\]\[0\]\.pages: at most 1048576 pages/],
    ['a dangling handle', withScenario({ programs: [[{ id: 1, op: 'vmalloc', pages: 1 }, { id: 2, op: 'vfree', h: 9 }]] }), /programs\[0\]\[1\]: handle #9 is dangling/],
    ['a handle to a later op', withScenario({ programs: [[{ id: 2, op: 'vfree', h: 3 }, { id: 3, op: 'vmalloc', pages: 1 }]] }), /handle #3 is dangling.*not earlier/],
    ['a duplicate op id', withScenario({ programs: [[{ id: 1, op: 'vmalloc', pages: 1 }, { id: 1, op: 'vmalloc', pages: 2 }]] }), /op id 1 is used twice/],
    ['an aligned vmalloc with align_shift 64', withScenario({ programs: [[{ id: 1, op: 'vmalloc_align', pages: 1, align_shift: 64 }]] }), /programs\[0\]\[0\]\.align_shift: align_shift < 64/],
    ['an aligned vmalloc without align_shift', withScenario({ programs: [[{ id: 1, op: 'vmalloc_align', pages: 1 }]] }), /programs\[0\]\[0\]\.align_shift/],
    ['a vmalloc with an align_shift', withScenario({ programs: [[{ id: 1, op: 'vmalloc', pages: 1, align_shift: 3 }]] }), /programs\[0\]\[0\]/],
  ])('rejects %s', (_what, text, msg) => {
    expect(() => parseCounterexample(text, 'f.json')).toThrow(CounterexampleError);
    expect(() => parseCounterexample(text, 'f.json')).toThrow(msg);
  });
});

describe('a counterexample with an aligned vmalloc', () => {
  const aligned = withScenario({
    programs: [[{ id: 1, op: 'vmalloc_align', pages: 5, align_shift: 14 }, { id: 2, op: 'touch', h: 1, page: 0 }, { id: 3, op: 'vfree', h: 1 }]],
    schedule: [],
  });
  it('parses, its handle usable by touch and vfree', () => {
    const ce = parseCounterexample(aligned, 'a.json');
    expect(ce.scenario.programs[0]![0]).toEqual({ id: 1, op: 'vmalloc_align', pages: 5, align_shift: 14 });
  });
  it('replays (the rewrite-v2 F2 flush bug is on the aligned path too)', () => {
    const r = replayFile(parseCounterexample(aligned, 'a.json'), 'a.json', {});
    expect(r.reproduced).toBe(true);
  });
});

describe('a counterexample that no longer reproduces', () => {
  it('says at which trace line the new run departs from the recorded one', () => {
    // rewrite-v2's F2 counterexample replayed on vanilla (no vmap_page_range bug): not reproduced.
    const r = replayFile(parseCounterexample(readFileSync(GOOD, 'utf8'), GOOD), GOOD, { on: 'vanilla' });
    expect(r.reproduced).toBe(false);
    expect(r.departure).not.toBeNull();
    expect(r.departure!.line).toBeGreaterThanOrEqual(0);
    expect(r.departure!.recorded).toBe(good.trace[r.departure!.line].trimEnd());
    expect(r.departure!.now).not.toBe(r.departure!.recorded);
  });
});

