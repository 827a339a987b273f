/**
 * Raw generated material -> a Scenario. Generators (fast-check or seeded random) produce
 * small integers; this module turns them into ops with ids, handle references to earlier
 * map ops, and schedule choices, the same way for both, so shrinking the raw arrays shrinks
 * the scenario.
 */
import type { Choice, Op, Scenario } from '../model/engine/program';
import { MAP_OPS } from '../model/engine/program';
import type { Campaign, OpKind } from './campaigns';

/** One raw op: which CPU, which kind (index into campaign kinds), pages, reference. */
export interface RawOp {
  readonly cpu: number;
  readonly kind: number;
  readonly pages: number;
  readonly ref: number;
}

/** One raw choice: 0 run, 1 irq, 2 spec; `a`,`b` are its arguments. */
export interface RawChoice {
  readonly t: number;
  readonly cpu: number;
  readonly a: number;
  readonly b: number;
}

const UNMAP_OF: Partial<Record<OpKind, OpKind>> = { vfree: 'vmalloc', vunmap: 'vmap', vm_unmap_ram: 'vm_map_ram', vm_unmap_ram_count: 'vm_map_ram' };

/** Build the op for `kind`; references pick among earlier map ops, most recent first. */
function makeOp(kind: OpKind, id: number, pages: number, ref: number, maps: readonly Op[]): Op | null {
  const want = UNMAP_OF[kind];
  // An aligned vmalloc's handle is a vmalloc's: vfree frees it.
  const pool = kind === 'touch' || kind === 'unmap_again' ? maps : maps.filter((m) => (m.op === 'vmalloc_align' ? 'vmalloc' : m.op) === want);
  const target = pool.length > 0 ? pool[pool.length - 1 - (ref % pool.length)]!.id : null;
  switch (kind) {
    case 'vmalloc':
    case 'vmap':
    case 'vm_map_ram':
      return { id, op: kind, pages };
    case 'vmalloc_align':
      // align = 1 << (rnd % 23), as lib/test_vmalloc.c's random_size_align_alloc_test.
      return { id, op: kind, pages, align_shift: ref % 23 };
    case 'vm_unmap_aliases':
      return { id, op: kind };
    case 'touch':
      return target === null ? null : { id, op: kind, h: target, page: ref };
    case 'vm_unmap_ram_count':
      return target === null ? null : { id, op: kind, h: target, count: pages };
    default:
      return target === null ? null : { id, op: kind, h: target };
  }
}

/** The map ops of a scenario's programs, in id order (what handles may refer to). */
export function mapOps(s: Scenario): Op[] {
  return s.programs.flat().filter((o) => MAP_OPS.has(o.op)).sort((a, b) => a.id - b.id);
}

/** An interrupt choice from raw numbers, referring to `maps`; null if it cannot be built. */
export function irqChoice(c: Campaign, cpu: number, a: number, b: number, id: number, maps: readonly Op[]): Choice | null {
  if (c.irqOps.length === 0) return null;
  const kind = c.irqOps[a % c.irqOps.length]!;
  const op = makeOp(kind, id, 1 + (b % c.maxPages), b, maps);
  return op === null ? null : { t: 'irq', cpu: cpu % c.cpus, kind: c.irqKinds[b % c.irqKinds.length]!, op };
}

/** Turn raw material into a scenario for campaign `c`. */
export function buildScenario(c: Campaign, ops: readonly RawOp[], sched: readonly RawChoice[], faults: readonly number[] = []): Scenario {
  const programs: Op[][] = Array.from({ length: c.cpus }, () => []);
  const maps: Op[] = [];
  ops.forEach((r, i) => {
    const kind = c.kinds[r.kind % c.kinds.length]!;
    const made = makeOp(kind, i + 1, 1 + (r.pages % c.maxPages), r.ref, maps);
    if (made === null) return;
    const op: Op = c.irqsOff?.includes(kind) ? { ...made, irqsOff: true } : made;
    if (MAP_OPS.has(op.op)) maps.push(op);
    programs[r.cpu % c.cpus]!.push(op);
  });
  const schedule: Choice[] = [];
  sched.forEach((r, i) => {
    const cpu = r.cpu % c.cpus;
    if (r.t === 1 && c.irqOps.length > 0) {
      const ch = irqChoice(c, cpu, r.a, r.b, 1000 + i, maps);
      if (ch !== null) schedule.push(ch);
    } else if (r.t === 2 && c.spec) schedule.push({ t: 'spec', cpu, pick: r.a });
    else schedule.push({ t: 'run', cpu, n: 1 + (r.a % 12) });
  });
  return { programs, schedule, faults: c.faults ? faults : [] };
}
