/**
 * What a property is: a name, what it forbids, when it is evaluated, and a pure predicate.
 *
 * Predicates read a Snapshot (the world and the variant's read-only view) and return the
 * problems they see; they never change the world. Properties evaluated by the engine itself
 * (kernel splats, lifecycle rejections, lockdep, deadlock) have no predicate here: `when` is
 * 'event' and the engine reports them under this name.
 */
import type { World } from '../model/engine/world';
import type { LayerView } from '../model/engine/variant';
import type { Op } from '../model/engine/program';

/** The state a predicate may read. */
export interface Snapshot {
  readonly w: World;
  readonly view: LayerView;
}

/** When a property is checked. */
export type When =
  /** after every step that changed property-relevant state */
  | 'step'
  /** when no API call is in flight on any CPU */
  | 'quiescent'
  /** after teardown: everything unmapped, vm_unmap_aliases(), RCU barrier */
  | 'final'
  /** after an API call returns (a trace postcondition) */
  | 'after-call'
  /** reported by the engine where it happens */
  | 'event'
  /** must be reached at least once in a campaign */
  | 'sometimes';

/**
 * What a violation means. 'safety': a defect (fails CI unless recorded as a finding).
 * 'performance': wasted work (e.g. a redundant global TLB flush), reported and recorded like
 * a finding but never failing CI on its own.
 */
export type PropertyClass = 'safety' | 'performance';

/** A named property. */
export interface Property {
  readonly name: string;
  /** Default 'safety'. */
  readonly class?: PropertyClass;
  /** One line: what it forbids (or, for 'sometimes', what must happen). */
  readonly forbids: string;
  readonly when: When;
  /** Snapshot predicate: the problems it sees (empty = holds). */
  readonly check?: (s: Snapshot) => string[];
  /** Variant features (Variant.features) a sometimes-property needs to be reachable at all. */
  readonly needs?: readonly string[];
  /** For a sometimes-property judged from the run's records: was the state reached (after teardown)? */
  readonly reachedBy?: (w: World) => boolean;
  /** Trace postcondition after `op` returned; `start` is the step the call began at. */
  readonly afterCall?: (s: Snapshot, op: Op, start: number) => string[];
}

/** Hex of a bigint address, for messages. */
export function hex(w: World, x: bigint): string {
  return w.word.hex(x);
}

/** The class of a property ('safety' unless it says otherwise). */
export function classOf(p: Property): PropertyClass {
  return p.class ?? 'safety';
}
