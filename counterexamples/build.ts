/**
 * Build a counterexample file from a shrunk scenario: replay it with the trace on, take
 * the violation of the property, and record the statistics a reader wants (ops, context
 * switches, steps).
 */
import type { Scenario } from '../model/engine/program';
import type { Variant } from '../model/engine/variant';
import type { Campaign } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import { contextSwitches } from '../explore/shrink';
import { traceLines } from '../reports/trace_text';
import { CE_FORMAT, type CounterexampleFile, type SearchRecord } from './format';
import { classifyScenario } from './classify';
import { findingById } from './findings';

/** Replay `scn` and package it as a counterexample of `property`, or null if it does not break it. */
export function buildCounterexample(variant: Variant, c: Campaign, property: string, scn: Scenario, search: SearchRecord): CounterexampleFile | null {
  const o = runScenario(variant, c, scn, { trace: true });
  const v = o.violations.find((x) => x.property === property);
  if (v === undefined) return null;
  const s = v.splat;
  const { findings } = classifyScenario(variant.name, c, property, scn);
  return {
    format: CE_FORMAT,
    variant: variant.name,
    campaign: c.name,
    config: { layout: c.layout, cpus: c.cpus },
    property,
    search,
    scenario: { programs: scn.programs, schedule: scn.schedule, faults: scn.faults ?? [] },
    violation: { message: s.message, cpu: s.cpu, context: s.context, fn: s.fn, stmt: s.stmt, frames: s.frames },
    stats: { ops: scn.programs.reduce((n, p) => n + p.length, 0) + scn.schedule.filter((x) => x.t === 'irq').length, contextSwitches: contextSwitches(o.result.executed), steps: o.result.steps },
    findings,
    ...(findings.length > 0 ? { finding: findings[0]!, explanation: findings.map((id) => `${id}: ${findingById(id)?.title ?? ''}`).join('\n') } : {}),
    trace: traceLines(o.result.world),
  };
}

/** The file name of a counterexample in counterexamples/. */
export function counterexamplePath(variant: string, campaign: string, property: string): string {
  return `counterexamples/${variant}.${campaign}.${property}.json`;
}
