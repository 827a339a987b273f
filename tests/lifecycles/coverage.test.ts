/**
 * LifecycleCoverage counts entries and transitions, reports declared
 * transitions never taken in declaration order, and merges across workers;
 * Lifecycle feeds it from the hot path.
 */
import { describe, expect, it } from 'vitest';
import {
  ALL_LIFECYCLES,
  Lifecycle,
  LifecycleCoverage,
  VMAP_BLOCK, VB_EV, VB_ST,
  VMAP_AREA, VA_EV,
  declaredTransitions,
} from '../../model/lifecycles/index.js';

describe('LifecycleCoverage', () => {
  it('records transitions and lists the uncovered ones', () => {
    const cov = new LifecycleCoverage();
    cov.recordInitial(VMAP_BLOCK);
    cov.record(VMAP_BLOCK, VB_ST.new, VB_EV.QUEUE, VB_ST.on_free_list);
    cov.record(VMAP_BLOCK, VB_ST.on_free_list, VB_EV.DIRTY, VB_ST.on_free_list);
    cov.record(VMAP_BLOCK, VB_ST.on_free_list, VB_EV.DIRTY, VB_ST.on_free_list);
    cov.record(VMAP_BLOCK, VB_ST.on_free_list, VB_EV.DIRTY_ALL, -1);
    const j = cov.toJSON().vmap_block!;
    expect(j.states).toEqual({ new: 1, on_free_list: 3, full: 0, fully_dirty: 0, freed: 0, kfreed: 0 });
    expect(j.transitions['new --QUEUE--> on_free_list']).toBe(1);
    expect(j.transitions['on_free_list --DIRTY--> on_free_list']).toBe(2);
    expect(j.rejected).toEqual({ 'on_free_list --DIRTY_ALL--> (rejected)': 1 });
    expect(j.uncovered).toEqual([
      'new --KFREE--> kfreed',
      'on_free_list --FILL--> full',
      'full --DIRTY--> full',
      'full --DIRTY_ALL--> fully_dirty',
      'fully_dirty --FREE--> freed',
      'freed --KFREE--> kfreed',
    ]);
    expect(Object.keys(j.transitions)).toHaveLength(declaredTransitions(VMAP_BLOCK).length);
  });

  it('pre-registers machines, orders them by name and merges counts', () => {
    const a = new LifecycleCoverage(ALL_LIFECYCLES);
    const b = new LifecycleCoverage();
    const lc = new Lifecycle(VMAP_AREA, b);
    expect(lc.send(VA_EV.INSERT)).toBe(true);
    expect(lc.send(VA_EV.PURGE)).toBe(false);
    expect(lc.rejection(VA_EV.PURGE)).toBe('vmap_area: event PURGE is not allowed in state allocated');
    a.merge(b).merge(b);
    const j = a.toJSON();
    expect(Object.keys(j)).toEqual(['mapping_handle', 'tlb_alias', 'vmap_area', 'vmap_block']);
    expect(j.vmap_area!.states.kmalloced).toBe(2);
    expect(j.vmap_area!.transitions['kmalloced --INSERT--> allocated']).toBe(2);
    expect(j.vmap_area!.rejected).toEqual({ 'allocated --PURGE--> (rejected)': 2 });
    expect(j.tlb_alias!.uncovered).toHaveLength(declaredTransitions(ALL_LIFECYCLES[2]!).length);
    expect(JSON.parse(JSON.stringify(a))).toEqual(j);
  });
});

describe('Lifecycle', () => {
  it('runs a vmap_block to kfreed and reports done', () => {
    const lc = new Lifecycle(VMAP_BLOCK);
    for (const ev of [VB_EV.QUEUE, VB_EV.DIRTY, VB_EV.FILL, VB_EV.DIRTY_ALL, VB_EV.FREE, VB_EV.KFREE]) {
      expect(lc.send(ev), lc.stateName).toBe(true);
    }
    expect(lc.stateName).toBe('kfreed');
    expect(lc.done).toBe(true);
    expect(lc.send(VB_EV.KFREE)).toBe(false);
    expect(lc.stateName).toBe('kfreed');
  });
});
