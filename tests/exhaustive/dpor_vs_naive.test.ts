/**
 * The reduction must not lose behaviour: on small programs (every base variant, 2 CPUs,
 * 1-3 ops each, with and without an interrupt), DPOR with sleep sets reaches the same set of
 * final states and the same violated properties as the naive enumeration of every schedule
 * within the same preemption bound.
 */
import { describe, expect, it } from 'vitest';
import { TINY } from '../../model/config/layout';
import type { Op } from '../../model/engine/program';
import { variantByName } from '../../model/variants/registry';
import { explorePass, type ExploreConfig } from '../../explore/exhaustive/dfs';
import { finalDigest } from '../../explore/exhaustive/digest';
import type { IrqLine } from '../../explore/exhaustive/dfs';

interface Case {
  readonly name: string;
  readonly programs: Op[][];
  readonly irq?: IrqLine;
  readonly preemptions: number;
}

const CASES: Case[] = [
  { name: 'vmalloc | vmalloc', programs: [[{ id: 1, op: 'vmalloc', pages: 1 }], [{ id: 2, op: 'vmalloc', pages: 1 }]], preemptions: 2 },
  {
    name: 'vm_map_ram+unmap | vm_unmap_aliases',
    programs: [[{ id: 1, op: 'vm_map_ram', pages: 2 }, { id: 2, op: 'vm_unmap_ram', h: 1 }], [{ id: 3, op: 'vm_unmap_aliases' }]],
    preemptions: 1,
  },
  {
    name: 'vm_map_ram x2 | vm_map_ram (block locks)',
    programs: [[{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_map_ram', pages: 1 }, { id: 3, op: 'touch', h: 1, page: 0 }], [{ id: 4, op: 'vm_map_ram', pages: 1 }]],
    preemptions: 1,
  },
  {
    name: 'vmalloc+vfree | irq vm_unmap_ram',
    programs: [[{ id: 1, op: 'vm_map_ram', pages: 1 }], [{ id: 2, op: 'vmalloc', pages: 1 }]],
    irq: { cpu: 1, kind: 'hardirq', op: { id: 1000, op: 'vm_unmap_ram', h: 1 } },
    preemptions: 1,
  },
];

const VARIANTS = ['vanilla', 'rewrite-v1', 'rewrite-v2', 'irqsafe'];

function explore(v: string, c: Case, reduction: 'dpor' | 'none'): { states: Set<string>; violated: Set<string>; executions: number } {
  const cfg: ExploreConfig = { variant: variantByName(v), layout: TINY, cpus: 2, programs: c.programs, ...(c.irq ? { irq: c.irq } : {}), fills: 0, preemptions: c.preemptions, maxCallSteps: 2000, maxSteps: 100_000, budget: 20_000, reduction };
  const states = new Set<string>();
  const violated = new Set<string>();
  const s = explorePass(cfg, (e) => {
    states.add(finalDigest(e.outcome));
    for (const p of e.outcome.violated) violated.add(p);
  });
  expect(s.budgetHit).toBe(false);
  return { states, violated, executions: s.executions + s.sleepBlocked };
}

describe('DPOR with sleep sets agrees with naive enumeration', () => {
  for (const v of VARIANTS) {
    for (const c of CASES) {
      it(`${v}: ${c.name}`, () => {
        const naive = explore(v, c, 'none');
        const dpor = explore(v, c, 'dpor');
        console.log(`${v} ${c.name}: naive ${naive.executions} runs, DPOR ${dpor.executions} runs, reduction x${(naive.executions / dpor.executions).toFixed(2)}, ${naive.states.size} final states`);
        expect([...dpor.states].sort()).toEqual([...naive.states].sort());
        expect([...dpor.violated].sort()).toEqual([...naive.violated].sort());
        expect(dpor.executions).toBeLessThanOrEqual(naive.executions);
      });
    }
  }
});
