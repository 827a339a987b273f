/**
 * Random programs and schedules for the "no harness crash" tests of the variants: ids
 * increase, handles refer to earlier map ops, misuse ops included, interrupts and
 * speculative fills in the schedule. Seeded (`seedrandom`), never Math.random.
 */
import type { Choice, Op, Scenario } from '../../model/engine/program';

/** A random scenario for `cpus` CPUs; `schedule` false leaves the fallback policy to run it. */
export function randomScenario(rng: () => number, cpus: number, schedule = true, opsPerCpu = 6): Scenario {
  const int = (n: number): number => Math.floor(rng() * n);
  let id = 1;
  const maps: number[] = [];
  const programs: Op[][] = Array.from({ length: cpus }, () => []);
  const mkOp = (): Op => {
    const h = maps.length > 0 ? maps[int(maps.length)]! : 0;
    const r = int(12);
    const i = id++;
    if (r < 4 || maps.length === 0) {
      const op = (['vmalloc', 'vmap', 'vm_map_ram', 'vm_map_ram'] as const)[int(4)]!;
      maps.push(i);
      return { id: i, op, pages: 1 + int(6) };
    }
    if (r < 7) return { id: i, op: (['vfree', 'vunmap', 'vm_unmap_ram', 'vm_unmap_ram'] as const)[int(4)]!, h };
    if (r < 9) return { id: i, op: 'touch', h, page: int(6) };
    if (r < 10) return { id: i, op: 'vm_unmap_aliases' };
    if (r < 11) return { id: i, op: 'unmap_again', h };
    return { id: i, op: 'vm_unmap_ram_count', h, count: 1 + int(6) };
  };
  const total = int(opsPerCpu * cpus) + 1;
  for (let n = 0; n < total; n++) programs[int(cpus)]!.push(mkOp());
  const choices: Choice[] = [];
  for (let n = schedule ? int(14) : 0; n > 0; n--) {
    const c = int(cpus);
    const r = int(10);
    if (r < 6) choices.push({ t: 'run', cpu: c, n: 1 + int(15) });
    else if (r < 8) choices.push({ t: 'spec', cpu: c, pick: int(100) });
    else choices.push({ t: 'irq', cpu: c, kind: rng() < 0.5 ? 'hardirq' : 'softirq', op: mkOp() });
  }
  return { programs, schedule: choices, faults: rng() < 0.3 ? [int(12)] : [] };
}
