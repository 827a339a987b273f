/**
 * Derive a dense transition table from an XState v5 lifecycle machine.
 *
 * The machines in this folder are the single source of truth for legal
 * transitions; the model's hot path uses the table instead because an Int16Array
 * lookup is orders of magnitude cheaper than an XState macrostep.
 *
 * How rejection is decided (and why it is robust):
 *  - Acceptance is XState's own `snapshot.can(event)`. In 5.33 that calls
 *    `machine.getTransitionData(snapshot, event)`, the same transition selection
 *    (`transitionNode`) that `macrostep` uses, and requires at least one selected
 *    transition that is not forbidden. It never looks at the resulting value, so a
 *    self-transition such as DIRTY on `on_free_list` is accepted even though the
 *    value does not change; comparing values (or snapshot identity, an
 *    implementation detail) cannot tell those apart.
 *  - The target is whatever XState's pure `transition(machine, snapshot, event)`
 *    returns; for a rejected event we additionally require the value to be
 *    unchanged, and for an accepted one that it equals the declared target, so
 *    any disagreement between the two XState routes throws here at import time.
 *  - `assertPureGraph` first proves the machine is a flat graph with no guards,
 *    actions, context, delays, invocations or eventless transitions, so the
 *    answer cannot depend on context or event payload: the table is exact.
 */
import { transition, initialTransition, type AnyStateMachine, type EventFromLogic } from 'xstate';

/** A lifecycle machine flattened into a dense (state, event) -> state table. */
export interface LifecycleTable {
  /** Machine id, used in coverage output and violation messages. */
  name: string;
  /** State names in declaration order; a state is referred to by its index. */
  states: readonly string[];
  /** Event types in first-declaration order; an event is referred to by its index. */
  events: readonly string[];
  /** Index of the initial state. */
  initial: number;
  /** `next[s * events.length + e]` = target index, or -1 when rejected. */
  next: Int16Array;
  /** `final[s]` is true for `type: 'final'` states. */
  final: readonly boolean[];
}

/** Event names must look like this; it also excludes `*` and XState's internal `xstate.*` events. */
const EVENT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Throw unless `machine` is a flat, guard-free, action-free, context-free state/event graph. */
function assertPureGraph(machine: AnyStateMachine): void {
  const root = machine.root;
  const where = `lifecycle ${machine.id}`;
  const cfg = machine.config as Record<string, unknown>;
  if (cfg.context !== undefined) throw new Error(`${where}: machines must not have context`);
  if (root.type !== 'compound') throw new Error(`${where}: root must be a compound state`);
  const rootInert =
    root.transitions.size === 0 && !root.always && root.after.length === 0 &&
    root.invoke.length === 0 && root.entry.length === 0 && root.exit.length === 0;
  if (!rootInert) throw new Error(`${where}: root must have no transitions, actions or actors`);
  for (const [key, node] of Object.entries(root.states)) {
    if (node.type !== 'atomic' && node.type !== 'final') {
      throw new Error(`${where}: state ${key} is ${node.type}; only flat machines are supported`);
    }
    const inert = !node.always && node.after.length === 0 && node.invoke.length === 0 &&
      node.entry.length === 0 && node.exit.length === 0;
    if (!inert) throw new Error(`${where}: state ${key} has actions, delays or actors`);
    for (const [ev, defs] of node.transitions) {
      if (!EVENT_NAME.test(ev)) throw new Error(`${where}: event ${ev} in ${key} is not UPPER_CASE`);
      if (defs.length !== 1) throw new Error(`${where}: ${key} --${ev}--> has ${defs.length} branches`);
      const t = defs[0]!;
      if (t.guard !== undefined) throw new Error(`${where}: ${key} --${ev}--> is guarded`);
      if (t.actions.length !== 0) throw new Error(`${where}: ${key} --${ev}--> has actions`);
      if (t.target?.length !== 1 || t.target[0]!.parent !== root) {
        throw new Error(`${where}: ${key} --${ev}--> must target exactly one sibling state`);
      }
    }
  }
}

/** Compute the full table of `machine` by asking XState about every (state, event) pair. */
export function deriveTable(machine: AnyStateMachine): LifecycleTable {
  assertPureGraph(machine);
  const root = machine.root;
  const states = Object.keys(root.states);
  // Union of all `on` keys, in the order they are first declared.
  const eventSet = new Set<string>();
  for (const key of states) for (const ev of root.states[key]!.transitions.keys()) eventSet.add(ev);
  const events = [...eventSet];
  if (states.length > 0x7fff) throw new Error(`lifecycle ${machine.id}: too many states`);

  const [init] = initialTransition(machine);
  const initial = states.indexOf(String(init.value));
  if (initial < 0) throw new Error(`lifecycle ${machine.id}: initial value ${String(init.value)} unknown`);

  const next = new Int16Array(states.length * events.length).fill(-1);
  states.forEach((from, s) => {
    const snapshot = machine.resolveState({ value: from, context: {} });
    const declared = root.states[from]!.transitions;
    events.forEach((type, e) => {
      const event = { type } as EventFromLogic<AnyStateMachine>;
      const accepted = snapshot.can(event);
      const [after] = transition(machine, snapshot, event);
      const value = String(after.value);
      const decl = declared.get(type)?.[0]?.target?.[0]?.key;
      if (!accepted) {
        if (value !== from || decl !== undefined) {
          throw new Error(`lifecycle ${machine.id}: XState disagrees with itself on ${from} --${type}-->`);
        }
        return;
      }
      const to = states.indexOf(value);
      if (to < 0 || value !== decl) {
        throw new Error(`lifecycle ${machine.id}: ${from} --${type}--> reached ${value}, declared ${decl}`);
      }
      next[s * events.length + e] = to;
    });
  });

  const final = states.map((key) => root.states[key]!.type === 'final');
  return Object.freeze({
    name: machine.id,
    states: Object.freeze(states),
    events: Object.freeze(events),
    initial,
    next,
    final: Object.freeze(final),
  });
}

/** Name -> index map over `names`, typed with the caller's literal union (checked by tests). */
export function indexOf<K extends string>(names: readonly string[]): { readonly [P in K]: number } {
  return Object.freeze(Object.fromEntries(names.map((n, i) => [n, i]))) as { readonly [P in K]: number };
}

/** Event-type union of a machine, for typing {@link indexOf}. */
export type EventTypeOf<M extends AnyStateMachine> = EventFromLogic<M>['type'];

/** Every declared transition of `table` as [from, event, to] index triples, in declaration order. */
export function declaredTransitions(table: LifecycleTable): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const n = table.events.length;
  for (let s = 0; s < table.states.length; s++) {
    for (let e = 0; e < n; e++) {
      const to = table.next[s * n + e]!;
      if (to >= 0) out.push([s, e, to]);
    }
  }
  return out;
}
