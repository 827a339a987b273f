/**
 * Step footprints for partial-order reduction (explore/exhaustive).
 *
 * While an exhaustive exploration runs, a recorder is installed here and the kernel
 * primitives report what the current step touches: the lock it takes or releases, the
 * atomic it reads or writes, the list node it follows, the RCU nesting it changes. A step
 * is described by its footprint only when it *begins* at a tracked primitive's own yield
 * (`primitive()`); every other step is opaque and conflicts with everything, because plain
 * field accesses of the port are not tracked. Outside exploration the recorder is null and
 * each hook costs one null check; object ids cost one increment per constructed object.
 */

/** Receives the footprint of the step being executed. */
export interface FootprintRecorder {
  /** The step reads the object named `key`. */
  read(key: string): void;
  /** The step writes the object named `key`. */
  write(key: string): void;
  /** The step did something the footprint cannot describe: it conflicts with everything. */
  opaque(why: string): void;
  /** The step begins at the yield of a tracked primitive (its statement is that primitive). */
  primitive(): void;
}

/** The installed recorder, or null (no exploration). */
export let recorder: FootprintRecorder | null = null;

/** Install (or remove, with null) the recorder. */
export function setRecorder(r: FootprintRecorder | null): void {
  recorder = r;
}

let nextId = 0;

/**
 * A construction-order id for a shared object. Re-executing the same schedule prefix
 * constructs the same objects in the same order, so ids name the same object across the
 * re-executions of a stateless search (the explorer resets the counter before each run).
 */
export function objId(): number {
  return nextId++;
}

/** Restart object ids (at the start of each explored execution). */
export function resetObjIds(): void {
  nextId = 0;
}
