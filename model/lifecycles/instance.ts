/**
 * Hot-path runtime for lifecycle tables: one Int16Array read per event, no
 * XState calls and no allocation. A rejected event is reported to the caller,
 * which turns it into a violation naming machine, state and event.
 */
import type { LifecycleTable } from './table.js';
import type { LifecycleCoverage, TableCounters } from './coverage.js';

/** Next state index for `ev` in `state`, or -1 if the machine rejects it; throws on an out-of-range event. */
export function step(table: LifecycleTable, state: number, ev: number): number {
  const n = table.events.length;
  // Without this an out-of-range event would silently read the next state's row.
  if (ev >>> 0 >= n || ev !== (ev | 0)) throw new RangeError(`${table.name}: no event index ${ev}`);
  return table.next[state * n + ev]!;
}

/** Human-readable description of a rejected event, for violation messages. */
export function rejectionMessage(table: LifecycleTable, state: number, ev: number): string {
  return `${table.name}: event ${table.events[ev]} is not allowed in state ${table.states[state]}`;
}

/** One object's lifecycle: its table, current state index and optional coverage counters. */
export class Lifecycle {
  /** Current state index into `table.states`. */
  state: number;
  private readonly counters: TableCounters | undefined;

  /** Start in the table's initial state (or `state`, e.g. when cloning a model state). */
  constructor(
    readonly table: LifecycleTable,
    coverage?: LifecycleCoverage,
    state: number = table.initial,
  ) {
    this.state = state;
    this.counters = coverage?.counters(table);
    if (this.counters !== undefined && state === table.initial) this.counters.entered[state]++;
  }

  /** Apply `ev`; returns false (state unchanged) if the machine rejects it. */
  send(ev: number): boolean {
    const from = this.state;
    const to = step(this.table, from, ev);
    this.counters?.record(from, ev, to);
    if (to < 0) return false;
    this.state = to;
    return true;
  }

  /** Name of the current state. */
  get stateName(): string {
    return this.table.states[this.state]!;
  }

  /** True once a `type: 'final'` state is reached. */
  get done(): boolean {
    return this.table.final[this.state] === true;
  }

  /** Violation text for sending `ev` in the current state. */
  rejection(ev: number): string {
    return rejectionMessage(this.table, this.state, ev);
  }
}
