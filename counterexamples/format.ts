/**
 * The counterexample file: everything needed to replay one shrunk failure exactly, plus
 * what a reader needs to understand it (the violation, a per-CPU trace, the explanation).
 * Parsing validates every field and says what is wrong and how to fix it.
 */
import type { Choice, Op, Scenario } from '../model/engine/program';

/** Format tag; bump when the shape changes. */
export const CE_FORMAT = 'vmapcheck-counterexample/1';

/** How the failure was found. */
export type SearchRecord =
  | { readonly strategy: 'fast-check'; readonly seed: number; readonly path: string }
  | { readonly strategy: 'pct'; readonly seed: number; readonly depth: number; readonly run: number }
  | { readonly strategy: 'hand'; readonly note: string };

/** One counterexample file. */
export interface CounterexampleFile {
  readonly format: typeof CE_FORMAT;
  readonly variant: string;
  readonly campaign: string;
  /** The campaign's layout and CPUs when recorded (a mismatch refuses replay). */
  readonly config: { readonly layout: string; readonly cpus: number };
  readonly property: string;
  readonly search: SearchRecord;
  readonly scenario: Scenario;
  readonly violation: { readonly message: string; readonly cpu: number; readonly context: string; readonly fn: string; readonly stmt: string; readonly frames: readonly string[] };
  readonly stats: { readonly ops: number; readonly contextSwitches: number; readonly steps: number };
  /** Finding id in docs/findings.md, when classified (the first of `findings`). */
  readonly finding?: string;
  /** Every finding whose experiment alone removes it (counterexamples/classify.ts); [] = unclassified. */
  readonly findings?: readonly string[];
  readonly explanation?: string;
  readonly trace: readonly string[];
}

/** A bad counterexample file: what is wrong and how to fix it. */
export class CounterexampleError extends Error {}

const OPS = new Set(['vmalloc', 'vfree', 'vmap', 'vunmap', 'vm_map_ram', 'vm_unmap_ram', 'touch', 'vm_unmap_aliases', 'unmap_again', 'vm_unmap_ram_count']);

function fail(where: string, what: string): never {
  throw new CounterexampleError(`${where}: ${what}`);
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

function checkOp(where: string, o: unknown): Op {
  if (typeof o !== 'object' || o === null) fail(where, 'an op must be an object like {"id": 1, "op": "vmalloc", "pages": 2}');
  const r = o as Record<string, unknown>;
  if (!isInt(r.id)) fail(where, 'op.id must be an integer');
  if (typeof r.op !== 'string' || !OPS.has(r.op)) fail(where, `unknown op '${String(r.op)}'; known: ${[...OPS].join(', ')}`);
  for (const f of ['pages', 'h', 'page', 'count'] as const) if (f in r && !isInt(r[f])) fail(where, `op.${f} must be an integer`);
  return r as unknown as Op;
}

function checkChoice(where: string, c: unknown): Choice {
  if (typeof c !== 'object' || c === null) fail(where, 'a schedule choice must be an object');
  const r = c as Record<string, unknown>;
  if (!isInt(r.cpu)) fail(where, 'choice.cpu must be an integer');
  if (r.t === 'run') {
    if (!isInt(r.n) || (r.n as number) < 1) fail(where, 'a run choice needs n >= 1');
  } else if (r.t === 'irq') {
    if (r.kind !== 'hardirq' && r.kind !== 'softirq') fail(where, "irq kind must be 'hardirq' or 'softirq'");
    checkOp(`${where}.op`, r.op);
  } else if (r.t === 'spec') {
    if (!isInt(r.pick)) fail(where, 'spec.pick must be an integer');
  } else fail(where, `choice.t must be 'run', 'irq' or 'spec', not '${String(r.t)}'`);
  return r as unknown as Choice;
}

/** Parse and validate a counterexample file's text; `name` is used in messages. */
export function parseCounterexample(text: string, name: string): CounterexampleFile {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    fail(name, `not valid JSON (${(e as Error).message}); fix the file or re-create it with 'vmapcheck discover'`);
  }
  if (typeof j !== 'object' || j === null) fail(name, 'the top level must be an object');
  const r = j as Record<string, unknown>;
  if (r.format !== CE_FORMAT) fail(name, `format is '${String(r.format)}', expected '${CE_FORMAT}'`);
  for (const f of ['variant', 'campaign', 'property'] as const) if (typeof r[f] !== 'string') fail(name, `'${f}' must be a string`);
  const cfg = r.config as Record<string, unknown> | undefined;
  if (!cfg || typeof cfg.layout !== 'string' || !isInt(cfg.cpus)) fail(name, "'config' must be {\"layout\": string, \"cpus\": integer}");
  const s = r.scenario as Record<string, unknown> | undefined;
  if (!s || !Array.isArray(s.programs) || !Array.isArray(s.schedule)) fail(name, "'scenario' must have 'programs' (array of op arrays) and 'schedule' (array)");
  (s.programs as unknown[]).forEach((p, i) => {
    if (!Array.isArray(p)) fail(`${name}: scenario.programs[${i}]`, 'must be an array of ops');
    p.forEach((o, j) => checkOp(`${name}: scenario.programs[${i}][${j}]`, o));
  });
  (s.schedule as unknown[]).forEach((c, i) => checkChoice(`${name}: scenario.schedule[${i}]`, c));
  if (s.faults !== undefined && !(Array.isArray(s.faults) && s.faults.every(isInt))) fail(name, "'scenario.faults' must be an array of integers");
  if ((s.programs as unknown[]).length !== cfg.cpus) fail(name, `config.cpus is ${cfg.cpus} but the scenario has ${(s.programs as unknown[]).length} programs`);
  return r as unknown as CounterexampleFile;
}
