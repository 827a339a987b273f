/**
 * "Table and machine agree": every (state, event) answer of each derived table
 * is recomputed here through a different XState route (a real actor restored
 * from `resolveState`, `can()` for acceptance, `send()` for the target) and
 * states/events/initial/final are re-read from XState's own views.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type AnyStateMachine } from 'xstate';
import { LIFECYCLE_MACHINES, ALL_LIFECYCLES, type LifecycleTable } from '../../model/lifecycles/index.js';

/** XState's answer for (state, event) via a live actor: target name, or null when rejected. */
function actorAnswer(machine: AnyStateMachine, state: string, type: string): string | null {
  const actor = createActor(machine, { snapshot: machine.resolveState({ value: state, context: {} }) });
  actor.start();
  const before = actor.getSnapshot();
  const accepted = before.can({ type });
  // A done actor ignores events (and warns in development builds), so only send to active ones.
  if (before.status === 'active') actor.send({ type });
  const value = String(actor.getSnapshot().value);
  actor.stop();
  if (!accepted) {
    expect(value, `${machine.id}: rejected ${type} must not move ${state}`).toBe(state);
    return null;
  }
  return value;
}

/** Declared target in the raw config, read independently of StateNode objects. */
function configTarget(machine: AnyStateMachine, state: string, type: string): string | null {
  const states = machine.config.states as Record<string, { on?: Record<string, string> }>;
  return states[state]?.on?.[type] ?? null;
}

describe.each(LIFECYCLE_MACHINES.map(({ machine, table }) => [machine.id, machine, table] as const))(
  'lifecycle %s',
  (_id, machine: AnyStateMachine, table: LifecycleTable) => {
    it('enumerates the same states, events, initial and final states as XState', () => {
      expect(table.name).toBe(machine.id);
      expect([...table.states]).toEqual(Object.keys(machine.config.states ?? {}));
      expect(new Set(table.events)).toEqual(new Set(machine.events.map(String)));
      expect(table.states[table.initial]).toBe(String(createActor(machine).getSnapshot().value));
      const done = table.states.map((s) => machine.resolveState({ value: s, context: {} }).status === 'done');
      expect([...table.final]).toEqual(done);
      expect(table.next.length).toBe(table.states.length * table.events.length);
    });

    it('agrees with a live XState actor on every (state, event) pair', () => {
      let accepted = 0;
      for (const [s, state] of table.states.entries()) {
        for (const [e, type] of table.events.entries()) {
          const want = actorAnswer(machine, state, type);
          const got = table.next[s * table.events.length + e]!;
          expect(got < 0 ? null : table.states[got], `${table.name}: ${state} --${type}-->`).toBe(want);
          expect(want, `${table.name}: config for ${state} --${type}-->`).toBe(configTarget(machine, state, type));
          if (want !== null) accepted++;
        }
      }
      // Every declared `on` entry shows up as exactly one accepted pair.
      const declared = Object.values(machine.config.states ?? {}).reduce(
        (n, st) => n + Object.keys((st as { on?: object }).on ?? {}).length,
        0,
      );
      expect(accepted).toBe(declared);
    });
  },
);

describe('lifecycle registry', () => {
  it('lists the four machines, each once, with unique names', () => {
    const names = ALL_LIFECYCLES.map((t) => t.name);
    expect(names).toEqual(['vmap_area', 'vmap_block', 'tlb_alias', 'mapping_handle']);
    expect(LIFECYCLE_MACHINES.map((m) => m.table)).toEqual([...ALL_LIFECYCLES]);
  });
});
