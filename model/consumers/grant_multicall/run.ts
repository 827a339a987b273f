/**
 * One run of the grant consumer: a world (x86-32, Xen PV), the gntdev map, per-CPU caller
 * programs, the schedule and the hypervisor's error choices, driven to the end. Programs
 * must close every lazy section they open (the C callers do), so every CPU's batch is empty
 * when the run ends; an unbalanced program is outside the API and rejected.
 */
import { World } from '../../engine/world';
import { X86_32 } from '../../config/layout';
import { drive, opPrograms, type CChoice, type CChooser, type CEnding } from '../driver';
import { grantExec, type GrantOp } from './gntdev';
import { initGrant, type GrantConfig, type GrantState } from './state';

/** A grant scenario as data (replayable). */
export interface GrantScenario {
  readonly programs: readonly (readonly GrantOp[])[];
  readonly schedule: readonly CChoice[];
  readonly mapErrors: readonly number[];
}

/** Checks the properties module supplies (the model does not know its judges). */
export interface GrantChecks {
  readonly step?: readonly ((w: World) => void)[];
  readonly final?: readonly ((w: World) => void)[];
}

/** The outcome of one grant run. */
export interface GrantRun {
  readonly world: World;
  readonly grant: GrantState;
  readonly ending: CEnding;
  readonly executed: CChoice[];
}

/** Run `scn` on the code of `cfg.version`. */
export function runGrant(scn: GrantScenario, cfg: Omit<GrantConfig, 'mapErrors'>, checks: GrantChecks = {}, chooser?: CChooser, trace = false): GrantRun {
  for (const [c, p] of scn.programs.entries()) {
    let lazy = false;
    for (const o of p) {
      if (o.op === 'lazy_begin' || o.op === 'lazy_end') {
        if (lazy === (o.op === 'lazy_begin')) throw new Error(`grant program of cpu${c}: #${o.id} ${o.op} ${lazy ? 'nests' : 'without'} a lazy section`);
        lazy = !lazy;
      }
    }
    if (lazy) throw new Error(`grant program of cpu${c} ends inside a lazy MMU section`);
  }
  const cpus = Math.max(1, scn.programs.length);
  const w = new World({ layout: X86_32, cpus, trace });
  const g = initGrant(w, { ...cfg, mapErrors: scn.mapErrors });
  const done = new Set<number>();
  const r = drive({
    w,
    programs: opPrograms(scn.programs, grantExec, done),
    schedule: scn.schedule,
    waitOver: (ctx) => (ctx.wait?.kind === 'handle' ? done.has(ctx.wait.op) : true),
    maxCallSteps: 2_000,
    afterStep: (wd) => {
      for (const f of checks.step ?? []) f(wd);
    },
    ...(chooser ? { chooser } : {}),
  });
  if (r.ending === 'done') for (const f of checks.final ?? []) f(w);
  return { world: w, grant: g, ending: r.ending, executed: r.executed };
}
