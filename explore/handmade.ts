/**
 * Search strategy 3: hand-made scenario templates whose interleaving is found by a small
 * exhaustive search over cut points. Used for races that fast-check and PCT do not reach
 * within their budgets; `discover --write` re-derives them after a model change.
 */
import type { Scenario } from '../model/engine/program';
import type { Variant } from '../model/engine/variant';
import { campaignByName, type Campaign } from './campaigns';
import { runScenario } from './check';

/** A template: a campaign, a property, and a scenario with two cut points to search. */
export interface Template {
  readonly name: string;
  readonly campaign: string;
  readonly property: string;
  readonly note: string;
  readonly scenario: (n1: number, n2: number) => Scenario;
  readonly range: readonly [number, number];
}

/**
 * F7: cpu1 enters vm_unmap_aliases and holds purge_lock; cpu0 lazily frees an area (below
 * the lazy limit) and then allocates into a full space: its purge-and-retry's trylock fails.
 */
export const TEMPLATES: readonly Template[] = [
  {
    name: 'trylock-purge-alloc-failure',
    campaign: 'tiny-2cpu',
    property: 'alloc_fails_only_when_full',
    note: 'cpu1 holds purge_lock in vm_unmap_aliases while cpu0 allocates into a full space; cut points found by explore/handmade.ts',
    range: [140, 40],
    scenario: (n1, n2) => ({
      programs: [
        [{ id: 1, op: 'vmalloc', pages: 3 }, { id: 2, op: 'vmalloc', pages: 38 }, { id: 3, op: 'vfree', h: 1 }, { id: 4, op: 'vmalloc', pages: 3 }],
        [{ id: 5, op: 'vm_unmap_aliases' }],
      ],
      schedule: [{ t: 'run', cpu: 0, n: n1 }, { t: 'run', cpu: 1, n: n2 }, { t: 'run', cpu: 0, n: 400 }],
      faults: [],
    }),
  },
];

/** The first scenario of `t` that breaks its property on `v`, or null. */
export function instantiate(t: Template, v: Variant): { scenario: Scenario; campaign: Campaign } | null {
  const campaign = campaignByName(t.campaign);
  for (let n1 = 1; n1 < t.range[0]; n1++) {
    for (let n2 = 1; n2 < t.range[1]; n2++) {
      const s = t.scenario(n1, n2);
      if (runScenario(v, campaign, s).violated.has(t.property)) return { scenario: s, campaign };
    }
  }
  return null;
}
