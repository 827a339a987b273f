/**
 * A choice point of the depth-first search: what was enabled there, what ran, what is left
 * to try (backtrack minus done), what is asleep, and the preemption accounting.
 */
import type { Choice } from '../../model/engine/program';
import type { Footprint } from './footprint';

/** One choice point of the current execution. */
export interface ChoicePoint {
  readonly enabled: readonly string[];
  readonly events: ReadonlyMap<string, Choice>;
  chosen: string;
  fp: Footprint | null;
  readonly backtrack: Set<string>;
  readonly done: Set<string>;
  readonly sleep: ReadonlyMap<string, Footprint>;
  /** Threads already explored from here, with the footprint of their transition (null until the first backtrack: most points never get one). */
  explored: Map<string, Footprint> | null;
  /** The CPU that ran last before this point (-1 at the start) and whether it could run here. */
  readonly last: number;
  readonly lastEnabled: boolean;
  readonly preemptions: number;
}
