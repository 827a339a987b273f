/**
 * A minimal workqueue for the irqsafe variant: `DECLARE_WORK`, `schedule_work` and the
 * keventd side that runs a pending work in process context.
 *
 * Contract (what the engine may rely on):
 *  - A work's WORK_STRUCT_PENDING bit lives in the variant's globals (`Rw`), named by the
 *    work (purge_work: `Rw.purge_work_pending`).
 *  - `schedule_work(k, work, site)` is one step: if the bit is clear it sets it and
 *    returns 1 (queued), else returns 0 (already pending), as test_and_set_bit does.
 *    It never runs the work: it may be called from any context, irqs on or off.
 *  - `pendingWork(w)` tells the runner whether some declared work is pending.
 *  - `run_workqueue(k)` is what keventd does on the CPU of `k`, in PROCESS context (no
 *    interrupt, no locks held): for each pending work, clear its bit (a step,
 *    work_clear_pending) and then call its function (purge_work_fn ->
 *    purge_vmap_area_lazy). A schedule_work that lands after the clear re-queues it.
 *
 * The runner plays keventd: whenever a work is pending and some CPU is idle (its program
 * finished, irqs on, no locks held) it runs run_workqueue there in process context.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import type { World } from '../../engine/world';
import type { Rw } from '../rewrite-v2/state';

/** The boolean fields of the globals that hold a work's pending bit. */
type PendingBit = { [F in keyof Rw]: Rw[F] extends boolean ? F : never }[keyof Rw];

/** `struct work_struct` as `static DECLARE_WORK(name, func)` makes it. */
export interface WorkStruct {
  readonly name: string;
  readonly func: (k: K) => Gen;
  /** Where this work's WORK_STRUCT_PENDING bit lives in the variant's globals. */
  readonly bit: PendingBit;
}

/** Every declared work (static storage, like sites). */
const works: WorkStruct[] = [];

/** `static DECLARE_WORK(name, func)` */
export function DECLARE_WORK(name: string, func: (k: K) => Gen, bit: PendingBit): WorkStruct {
  const work: WorkStruct = Object.freeze({ name, func, bit });
  works.push(work);
  return work;
}

/** `schedule_work(work)`: one step; 1 if queued now, 0 if it was already pending. */
export function* schedule_work(k: K, work: WorkStruct, site: Site): Gen<number> {
  yield site;
  const g = k.w.layer as Rw;
  if (g[work.bit]) return 0;
  g[work.bit] = true;
  k.w.dirty = true;
  return 1;
}

/** The works pending in this world (for the runner's keventd hook). */
export function pendingWork(w: World): WorkStruct[] {
  const g = w.layer as Rw | null;
  if (g === null || typeof g !== 'object') return [];
  return works.filter((work) => (g as Rw)[work.bit] === true);
}

const R = sites('run_workqueue', {
  clear: 'work_clear_pending(work); f = work->func',
});

/** keventd: run every pending work once, in process context on this CPU. */
export const run_workqueue = kfn('run_workqueue', function* (k: K): Gen {
  if (k.ctx.kind !== 'process' || k.cpu.inInterrupt()) throw new Error(`model: run_workqueue must run in process context (cpu${k.cpu.id} ${k.ctx.kind})`);
  const g = k.w.layer as Rw;
  for (const work of works) {
    if (!g[work.bit]) continue;
    yield R.clear;
    g[work.bit] = false;
    k.w.dirty = true;
    yield* work.func(k);
  }
});
