/**
 * fast-check arbitraries for a campaign: per-CPU programs, the schedule as explicit choices
 * (run CPU c for n steps, raise an interrupt, speculative TLB fill) and the fault plan.
 * fast-check shrinks these arrays; since fast-check does not shrink its own fc.scheduler
 * interleavings, the schedule is plain data here.
 */
import fc from 'fast-check';
import type { Scenario } from '../model/engine/program';
import type { Campaign } from './campaigns';
import { buildScenario, type RawChoice, type RawOp } from './scenario';

/** Raw material of one scenario. */
export interface RawScenario {
  readonly ops: RawOp[];
  readonly sched: RawChoice[];
  readonly faults: number[];
}

/** The arbitrary of raw scenarios for a campaign. */
export function rawScenarioArb(c: Campaign): fc.Arbitrary<RawScenario> {
  const op = fc.record({ cpu: fc.nat(c.cpus - 1), kind: fc.nat(63), pages: fc.nat(31), ref: fc.nat(7) });
  // Mostly runs; interrupts and speculative fills only where the campaign enables them.
  const t = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: c.irqOps.length > 0 ? 2 : 0, arbitrary: fc.constant(1) }, { weight: c.spec ? 1 : 0, arbitrary: fc.constant(2) });
  const choice = fc.record({ t, cpu: fc.nat(c.cpus - 1), a: fc.nat(63), b: fc.nat(63) });
  return fc.record({
    ops: fc.array(op, { minLength: 1, maxLength: c.maxOps }),
    sched: c.cpus > 1 || c.irqOps.length > 0 || c.spec ? fc.array(choice, { maxLength: 24 }) : fc.constant([]),
    faults: c.faults ? fc.uniqueArray(fc.nat(40), { maxLength: 3 }) : fc.constant([]),
  });
}

/** Scenario of raw material. */
export function toScenario(c: Campaign, r: RawScenario): Scenario {
  return buildScenario(c, r.ops, r.sched, r.faults);
}

/** The arbitrary of scenarios for a campaign. */
export function scenarioArb(c: Campaign): fc.Arbitrary<Scenario> {
  return rawScenarioArb(c).map((r) => toScenario(c, r));
}
