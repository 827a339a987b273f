/**
 * Coverage of the lifecycle machines: how often each state was entered and
 * each declared transition taken, plus which declared transitions a campaign
 * never exercised (the report's coverage section lists those).
 *
 * Counters are plain typed arrays indexed like the table, so recording on the
 * hot path is an index computation and an increment; names appear only in
 * {@link LifecycleCoverage.toJSON}.
 */
import { declaredTransitions, type LifecycleTable } from './table.js';

/** Raw counters of one table; {@link Lifecycle} holds this directly to avoid a map lookup per step. */
export class TableCounters {
  /** Times each state (by index) was entered, including creation in the initial state. */
  readonly entered: Float64Array;
  /** Times each (state, event) pair was accepted, indexed like `table.next`. */
  readonly taken: Float64Array;
  /** Times each (state, event) pair was rejected, indexed like `table.next`. */
  readonly rejected: Float64Array;

  /** Zeroed counters shaped like `table`. */
  constructor(readonly table: LifecycleTable) {
    this.entered = new Float64Array(table.states.length);
    this.taken = new Float64Array(table.next.length);
    this.rejected = new Float64Array(table.next.length);
  }

  /** Count one step; `to` is -1 for a rejected event. */
  record(from: number, ev: number, to: number): void {
    const k = from * this.table.events.length + ev;
    if (to < 0) {
      this.rejected[k]++;
    } else {
      this.taken[k]++;
      this.entered[to]++;
    }
  }
}

/** JSON shape of one machine's coverage. */
export interface MachineCoverageJSON {
  /** Entries per state, in declaration order (zeros included). */
  states: Record<string, number>;
  /** Counts per declared transition `"from --EVENT--> to"`, in declaration order (zeros included). */
  transitions: Record<string, number>;
  /** Declared transitions never taken, same key format and order. */
  uncovered: string[];
  /** Rejected attempts `"from --EVENT--> (rejected)"`, only those that happened. */
  rejected: Record<string, number>;
}

/** Format a transition key as used in coverage output. */
export function transitionKey(table: LifecycleTable, from: number, ev: number, to: number): string {
  const target = to < 0 ? '(rejected)' : table.states[to];
  return `${table.states[from]} --${table.events[ev]}--> ${target}`;
}

/** Per-table state and transition counts across a run; mergeable across workers. */
export class LifecycleCoverage {
  private readonly byName = new Map<string, TableCounters>();

  /** Pre-register `tables` so machines never exercised still show up as fully uncovered. */
  constructor(tables: readonly LifecycleTable[] = []) {
    for (const t of tables) this.counters(t);
  }

  /** Counters for `table`, created on first use; keep the result for hot loops. */
  counters(table: LifecycleTable): TableCounters {
    let c = this.byName.get(table.name);
    if (c === undefined) {
      c = new TableCounters(table);
      this.byName.set(table.name, c);
    } else if (c.table !== table && !sameShape(c.table, table)) {
      throw new Error(`coverage: two different tables named ${table.name}`);
    }
    return c;
  }

  /** Count the creation of an object in the table's initial state. */
  recordInitial(table: LifecycleTable): void {
    this.counters(table).entered[table.initial]++;
  }

  /** Count one step of `table`; `to` is -1 for a rejected event. */
  record(table: LifecycleTable, from: number, ev: number, to: number): void {
    this.counters(table).record(from, ev, to);
  }

  /** Add every count of `other` into this coverage (e.g. from another worker). */
  merge(other: LifecycleCoverage): this {
    for (const src of other.byName.values()) {
      const dst = this.counters(src.table);
      addInto(dst.entered, src.entered);
      addInto(dst.taken, src.taken);
      addInto(dst.rejected, src.rejected);
    }
    return this;
  }

  /** Machines sorted by name, each with states, transitions, uncovered and rejected in declaration order. */
  toJSON(): Record<string, MachineCoverageJSON> {
    const out: Record<string, MachineCoverageJSON> = {};
    for (const name of [...this.byName.keys()].sort()) {
      const c = this.byName.get(name)!;
      const t = c.table;
      const n = t.events.length;
      const states: Record<string, number> = {};
      t.states.forEach((s, i) => (states[s] = c.entered[i]!));
      const transitions: Record<string, number> = {};
      const uncovered: string[] = [];
      for (const [from, ev, to] of declaredTransitions(t)) {
        const key = transitionKey(t, from, ev, to);
        const count = c.taken[from * n + ev]!;
        transitions[key] = count;
        if (count === 0) uncovered.push(key);
      }
      const rejected: Record<string, number> = {};
      c.rejected.forEach((count, k) => {
        if (count > 0) rejected[transitionKey(t, Math.floor(k / n), k % n, -1)] = count;
      });
      out[name] = { states, transitions, uncovered, rejected };
    }
    return out;
  }
}

/** Tables with the same name must agree on states, events and transitions to be merged. */
function sameShape(a: LifecycleTable, b: LifecycleTable): boolean {
  return (
    a.states.join() === b.states.join() &&
    a.events.join() === b.events.join() &&
    a.next.length === b.next.length &&
    a.next.every((v, i) => v === b.next[i])
  );
}

/** dst += src, element-wise. */
function addInto(dst: Float64Array, src: Float64Array): void {
  for (let i = 0; i < dst.length; i++) dst[i] += src[i];
}
