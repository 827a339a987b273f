/**
 * Other interleavings of one scenario: the same programs, faults and recorded events (its
 * interrupts and speculative fills, in their order), with the CPUs' steps interleaved from a
 * seed instead of by the recorded schedule. Classification uses it to tell a fix that removes
 * a failure from a fix that only moves it: a fix changes a call's step count and addresses,
 * so the recorded schedule, replayed step by step, may no longer line the same race up even
 * though the race is still there (counterexamples/classify.ts).
 */
import seedrandom from 'seedrandom';
import type { Choice, Scenario } from '../model/engine/program';
import type { Chooser } from '../model/engine/scheduler';

/** The chance of staying on the CPU that ran last, per decision (runs of ~8 steps). */
const STAY = 0.875;
/** The chance of raising the next recorded event, per decision. */
const RAISE = 1 / 16;

/** `scn` with its schedule left to the chooser (the run starts with no recorded choice). */
export function unscheduled(scn: Scenario): Scenario {
  return { ...scn, schedule: [] };
}

/** A chooser that interleaves `scn`'s CPUs from `seed` and raises its recorded events in order. */
export function perturbedChooser(scn: Scenario, seed: string): Chooser {
  const rng = seedrandom(`perturb/${seed}`);
  const events: Choice[] = scn.schedule.filter((c) => c.t !== 'run');
  let next = 0;
  return (_w, runnable, last) => {
    const raised = next < events.length && rng() < RAISE ? [events[next++]!] : [];
    const stay = runnable.find((c) => c.id === last);
    const cpu = stay !== undefined && rng() < STAY ? stay.id : runnable[Math.floor(rng() * runnable.length)]!.id;
    return { cpu, events: raised };
  };
}
