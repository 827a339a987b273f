/**
 * The transitions that carry meaning for the vmap model, checked by name
 * against the derived tables, plus deriveTable's refusal of machines whose
 * answers a table could not capture exactly.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, setup } from 'xstate';
import {
  deriveTable,
  step,
  isLazyAlias,
  TLB_ALIAS, TLB_EV, TLB_ST,
  VMAP_AREA, VA_EV, VA_ST,
  VMAP_BLOCK, VB_EV, VB_ST,
  MAPPING_HANDLE, MH_EV, MH_ST,
  type LifecycleTable,
} from '../../model/lifecycles/index.js';

/** Target name of (state, event) in `table`, or null when rejected. */
function to(table: LifecycleTable, state: number, ev: number): string | null {
  const n = step(table, state, ev);
  return n < 0 ? null : table.states[n]!;
}

describe('tlb_alias', () => {
  it('rejects SET_PTE on a stale alias: the lazy-flush hazard', () => {
    expect(to(TLB_ALIAS, TLB_ST.alias_stale, TLB_EV.SET_PTE)).toBeNull();
  });
  it('rejects losing the PTE of a live mapping and double mapping', () => {
    expect(to(TLB_ALIAS, TLB_ST.mapped, TLB_EV.CLEAR_PTE)).toBeNull();
    expect(to(TLB_ALIAS, TLB_ST.mapped_cached, TLB_EV.CLEAR_PTE)).toBeNull();
    expect(to(TLB_ALIAS, TLB_ST.mapped, TLB_EV.SET_PTE)).toBeNull();
  });
  it('walks map, cache, release, clear, flush back to unmapped', () => {
    const path = [TLB_EV.SET_PTE, TLB_EV.FILL, TLB_EV.RELEASE, TLB_EV.CLEAR_PTE, TLB_EV.FLUSH];
    const seen: string[] = [];
    let s = TLB_ALIAS.initial;
    for (const ev of path) {
      s = step(TLB_ALIAS, s, ev);
      seen.push(TLB_ALIAS.states[s]!);
    }
    expect(seen).toEqual(['mapped', 'mapped_cached', 'alias_cached', 'alias_stale', 'unmapped']);
  });
  it('isLazyAlias holds exactly for the alias_* states, by name and by index', () => {
    const lazy = TLB_ALIAS.states.filter((s) => isLazyAlias(s));
    expect(lazy).toEqual(['alias_pte', 'alias_cached', 'alias_stale']);
    expect(TLB_ALIAS.states.map((_, i) => isLazyAlias(i))).toEqual(TLB_ALIAS.states.map((s) => isLazyAlias(s)));
  });
});

describe('vmap_area', () => {
  it('rejects LAZY_FREE in lazily_freed (an uncaught double free)', () => {
    expect(to(VMAP_AREA, VA_ST.lazily_freed, VA_EV.LAZY_FREE)).toBeNull();
  });
  it('erases a lazily freed area only after it is claimed by a purge', () => {
    expect(to(VMAP_AREA, VA_ST.lazily_freed, VA_EV.ERASE)).toBeNull();
    expect(to(VMAP_AREA, VA_ST.being_purged, VA_EV.ERASE)).toBe('freed');
  });
  it('starts kmalloced and ends in the final kfreed state', () => {
    expect(VMAP_AREA.states[VMAP_AREA.initial]).toBe('kmalloced');
    expect(VMAP_AREA.final[VA_ST.kfreed]).toBe(true);
    expect(VMAP_AREA.final.filter(Boolean)).toHaveLength(1);
  });
});

describe('vmap_block', () => {
  it('rejects DIRTY_ALL from on_free_list', () => {
    expect(to(VMAP_BLOCK, VB_ST.on_free_list, VB_EV.DIRTY_ALL)).toBeNull();
  });
  it('accepts DIRTY as a self-transition in on_free_list and full', () => {
    expect(to(VMAP_BLOCK, VB_ST.on_free_list, VB_EV.DIRTY)).toBe('on_free_list');
    expect(to(VMAP_BLOCK, VB_ST.full, VB_EV.DIRTY)).toBe('full');
  });
  it('rejects FREE of a block that is not fully dirty', () => {
    expect(to(VMAP_BLOCK, VB_ST.full, VB_EV.FREE)).toBeNull();
  });
});

describe('mapping_handle', () => {
  it('allows TOUCH only while live; failed is final', () => {
    for (const [s, name] of MAPPING_HANDLE.states.entries()) {
      expect(to(MAPPING_HANDLE, s, MH_EV.TOUCH) !== null, name).toBe(name === 'live');
    }
    expect(MAPPING_HANDLE.final[MH_ST.failed]).toBe(true);
    expect(to(MAPPING_HANDLE, MH_ST.released, MH_EV.UNMAP_AGAIN)).toBe('unmapping_again');
  });
});

describe('index constants', () => {
  it('match the tables they index', () => {
    const pairs: Array<[LifecycleTable, object, object]> = [
      [VMAP_AREA, VA_EV, VA_ST], [VMAP_BLOCK, VB_EV, VB_ST], [TLB_ALIAS, TLB_EV, TLB_ST], [MAPPING_HANDLE, MH_EV, MH_ST],
    ];
    for (const [t, ev, st] of pairs) {
      expect(Object.entries(ev)).toEqual(t.events.map((e, i) => [e, i]));
      expect(Object.entries(st)).toEqual(t.states.map((s, i) => [s, i]));
    }
  });
  it('step refuses event indices outside the table', () => {
    expect(() => step(VMAP_AREA, 0, VMAP_AREA.events.length)).toThrow(RangeError);
    expect(() => step(VMAP_AREA, 0, -1)).toThrow(RangeError);
  });
});

describe('deriveTable', () => {
  it('refuses machines a table cannot represent exactly', () => {
    const guarded = setup({ guards: { ok: () => true } }).createMachine({
      id: 'g', initial: 'a', states: { a: { on: { GO: { target: 'b', guard: 'ok' } } }, b: {} },
    });
    const withContext = createMachine({ id: 'c', context: { n: 0 }, initial: 'a', states: { a: {} } });
    const nested = createMachine({ id: 'n', initial: 'a', states: { a: { initial: 'x', states: { x: {} } } } });
    const acting = createMachine({ id: 'x', initial: 'a', states: { a: { entry: () => {} } } });
    const lower = createMachine({ id: 'l', initial: 'a', states: { a: { on: { go: 'a' } } } });
    for (const m of [guarded, withContext, nested, acting, lower]) expect(() => deriveTable(m)).toThrow(/lifecycle/);
  });
  it('distinguishes self-transitions from rejections in an ad-hoc machine', () => {
    const t = deriveTable(createMachine({
      id: 'adhoc', initial: 'a', states: { a: { on: { STAY: 'a', GO: 'b' } }, b: { type: 'final' } },
    }));
    expect([...t.next]).toEqual([0, 1, -1, -1]);
    expect(t.final).toEqual([false, true]);
  });
});
