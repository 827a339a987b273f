/**
 * A deterministic greedy shrinker over scenarios, for failures fast-check did not generate
 * (PCT, long campaigns) and as a final pass after fast-check's own shrinking: drop ops,
 * drop schedule choices, shorten runs, shrink page counts, drop faults — keep each change
 * that still breaks the same property.
 */
import type { Choice, Op, Scenario } from '../model/engine/program';

/** Does this scenario still break the property? */
export type StillFails = (s: Scenario) => boolean;

function withoutOp(s: Scenario, cpu: number, i: number): Scenario {
  return { ...s, programs: s.programs.map((p, c) => (c === cpu ? p.filter((_, j) => j !== i) : p)) };
}

function withOp(s: Scenario, cpu: number, i: number, op: Op): Scenario {
  return { ...s, programs: s.programs.map((p, c) => (c === cpu ? p.map((o, j) => (j === i ? op : o)) : p)) };
}

function withSchedule(s: Scenario, schedule: Choice[]): Scenario {
  return { ...s, schedule };
}

/** Smaller variants of one op (fewer pages, smaller alignment, lower page index). */
function smallerOps(op: Op): Op[] {
  if ('pages' in op && op.pages > 1) return [{ ...op, pages: 1 }, { ...op, pages: op.pages - 1 }];
  if (op.op === 'vmalloc_align' && op.align_shift > 0) return [{ ...op, align_shift: 0 }, { ...op, align_shift: op.align_shift - 1 }];
  if (op.op === 'touch' && op.page > 0) return [{ ...op, page: 0 }];
  if (op.op === 'vm_unmap_ram_count' && op.count > 1) return [{ ...op, count: op.count - 1 }];
  return [];
}

/** Shrink greedily within `budget` runs of `fails`. */
export function shrinkScenario(s: Scenario, fails: StillFails, budget = 2000): { scenario: Scenario; tries: number } {
  let tries = 0;
  const attempt = (c: Scenario): boolean => tries++ < budget && fails(c);
  let changed = true;
  while (changed && tries < budget) {
    changed = false;
    for (let cpu = 0; cpu < s.programs.length; cpu++) {
      for (let i = s.programs[cpu]!.length - 1; i >= 0; i--) {
        const c = withoutOp(s, cpu, i);
        if (attempt(c)) ((s = c), (changed = true));
      }
    }
    for (let i = s.schedule.length - 1; i >= 0; i--) {
      const c = withSchedule(s, s.schedule.filter((_, j) => j !== i));
      if (attempt(c)) ((s = c), (changed = true));
    }
    for (let i = 0; i < s.schedule.length; i++) {
      const ch = s.schedule[i]!;
      if (ch.t !== 'run' || ch.n <= 1) continue;
      for (const n of [1, Math.floor(ch.n / 2), ch.n - 1]) {
        if (n >= ch.n) continue;
        const c = withSchedule(s, s.schedule.map((x, j) => (j === i ? { ...ch, n } : x)));
        if (attempt(c)) {
          s = c;
          changed = true;
          break;
        }
      }
    }
    for (let cpu = 0; cpu < s.programs.length; cpu++) {
      for (let i = 0; i < s.programs[cpu]!.length; i++) {
        for (const op of smallerOps(s.programs[cpu]![i]!)) {
          const c = withOp(s, cpu, i, op);
          if (attempt(c)) {
            s = c;
            changed = true;
            break;
          }
        }
      }
    }
    for (const f of s.faults ?? []) {
      const c = { ...s, faults: (s.faults ?? []).filter((x) => x !== f) };
      if (attempt(c)) ((s = c), (changed = true));
    }
  }
  return { scenario: s, tries };
}

/** Number of context switches a schedule of run segments makes. */
export function contextSwitches(executed: readonly Choice[]): number {
  let n = 0;
  let last = -1;
  for (const ch of executed) {
    if (ch.t !== 'run') continue;
    if (last !== -1 && ch.cpu !== last) n++;
    last = ch.cpu;
  }
  return n;
}
