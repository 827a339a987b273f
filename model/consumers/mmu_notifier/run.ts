/**
 * One run of the MMU-notifier consumer: a world (x86-32), the user mm with its XIP file,
 * the secondary of `cfg`, per-CPU programs and the schedule, driven to the end.
 */
import { World } from '../../engine/world';
import { X86_32 } from '../../config/layout';
import { drive, opPrograms, type CChooser } from '../driver';
import { mnExec } from './ops';
import { initMn, type MnConfig } from './state';
import type { MnChecks, MnRun, MnScenario } from './types';

/** The run's types, declared in types.ts (below the fixes that name them); re-exported for the run's users. */
export type { MnChecks, MnRun, MnScenario } from './types';

/** Run `scn` with the secondary and filemap_xip versions of `cfg`. */
export function runMn(scn: MnScenario, cfg: MnConfig, checks: MnChecks = {}, chooser?: CChooser, trace = false): MnRun {
  const w = new World({ layout: X86_32, cpus: Math.max(1, scn.programs.length), trace });
  const s = initMn(w, cfg);
  for (const b of scn.blocks) s.blocks.add(b);
  const done = new Set<number>();
  const r = drive({
    w,
    programs: opPrograms(scn.programs, mnExec, done),
    schedule: scn.schedule,
    waitOver: (ctx) => (ctx.wait?.kind === 'handle' ? done.has(ctx.wait.op) : true),
    maxCallSteps: 2_000,
    blocked: (ctx) => {
      const f = s.retry.get(ctx);
      return f !== undefined && !f();
    },
    afterStep: (wd) => {
      for (const f of checks.step ?? []) f(wd);
    },
    ...(chooser ? { chooser } : {}),
  });
  if (r.ending === 'done') for (const f of checks.final ?? []) f(w);
  return { world: w, mn: s, ending: r.ending, executed: r.executed };
}
