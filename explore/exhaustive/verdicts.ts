/**
 * Per-property verdicts over the explored executions, as herd7 prints them: `Never`, or
 * `Sometimes (k of N executions)` with the first witness (found at the smallest preemption
 * bound, so it has the fewest preemptions). A safety property's event is its violation; a
 * sometimes-property's event is reaching it.
 */
import type { Choice } from '../../model/engine/program';
import { PROPERTIES } from '../../properties/index';
import type { Execution } from './dfs';

/** The verdict on one property. */
export interface Verdict {
  readonly property: string;
  readonly kind: 'safety' | 'sometimes';
  /** Executions (of the final pass) in which the event happened. */
  readonly k: number;
  readonly n: number;
  /** The schedule of the first execution showing it (any pass). */
  readonly witness: readonly Choice[] | null;
  readonly witnessPreemptions: number | null;
}

const SOMETIMES = new Set(PROPERTIES.filter((p) => p.when === 'sometimes').map((p) => p.name));

/** Is `name` a sometimes-property (reached, rather than violated)? */
export function isSometimesProperty(name: string): boolean {
  return SOMETIMES.has(name);
}

/** Counts events per property over the executions of a pass, keeping the first witness across passes. */
export class Tally {
  private counts = new Map<string, number>();
  private n = 0;
  private readonly witnesses = new Map<string, { schedule: readonly Choice[]; preemptions: number }>();

  /** Start a new pass (counts restart; witnesses from smaller bounds are kept). */
  newPass(): void {
    this.counts = new Map();
    this.n = 0;
  }

  /** Account one execution. */
  add(e: Execution): void {
    this.n++;
    const events = [...e.outcome.violated, ...e.outcome.reached];
    for (const p of new Set(events)) {
      this.counts.set(p, (this.counts.get(p) ?? 0) + 1);
      if (!this.witnesses.has(p)) this.witnesses.set(p, { schedule: e.executed, preemptions: e.preemptions });
    }
  }

  /** Has `property`'s event happened in any pass so far? */
  seen(property: string): boolean {
    return this.witnesses.has(property);
  }

  /** The verdict on `property`. */
  verdict(property: string): Verdict {
    const w = this.witnesses.get(property);
    const k = this.counts.get(property) ?? 0;
    return { property, kind: isSometimesProperty(property) ? 'sometimes' : 'safety', k, n: this.n, witness: k > 0 && w ? w.schedule : null, witnessPreemptions: k > 0 && w ? w.preemptions : null };
  }

  /** Every property with an event in the final pass, in report order. */
  observed(): string[] {
    const order = PROPERTIES.map((p) => p.name);
    return [...this.counts.keys()].sort((a, b) => (order.indexOf(a) + 1 || 1e9) - (order.indexOf(b) + 1 || 1e9) || a.localeCompare(b));
  }
}

/** `Never` or `Sometimes (k of N executions)`. */
export function verdictText(v: Verdict): string {
  return v.k === 0 ? 'Never' : `Sometimes (${v.k} of ${v.n} executions)`;
}
