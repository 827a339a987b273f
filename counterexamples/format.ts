/**
 * The counterexample file: everything needed to replay one shrunk failure exactly, plus
 * what a reader needs to understand it (the violation, a per-CPU trace, the explanation).
 *
 * Parsing validates the shape with a zod schema (its issues become the error messages, each
 * with the JSON path of the bad field) and then what a schema cannot say: the property
 * exists, every schedule choice names an existing CPU, every handle refers to an earlier
 * map op of the scenario, op ids are unique. A file that fails is rejected (exit 2), never
 * replayed into a misleading "not reproduced".
 */
import { z } from 'zod';
import type { Choice, Op, Scenario } from '../model/engine/program';
import { MAP_OPS } from '../model/engine/program';
import { PROPERTIES } from '../properties/index';

/** Format tag; bump when the shape changes. */
export const CE_FORMAT = 'vmapcheck-counterexample/1';

/** How the failure was found. */
export type SearchRecord =
  | { readonly strategy: 'fast-check'; readonly seed: number; readonly path: string }
  | { readonly strategy: 'pct'; readonly seed: number; readonly depth: number; readonly run: number }
  | { readonly strategy: 'swarm'; readonly seed: number; readonly run: number }
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

/** Largest page count of one op: beyond any layout's vmalloc space in pages (2^20 = 4 GB of 4 KB pages). */
export const MAX_PAGES = 1 << 20;

const id = z.int().min(0, 'op ids are non-negative');
const ref = z.int().min(0, 'a handle refers to an op id (>= 0)');
const pages = z.int().min(1, 'at least 1 page').max(MAX_PAGES, `at most ${MAX_PAGES} pages`);
const irqsOff = z.boolean().optional();
const op = z.discriminatedUnion('op', [
  z.strictObject({ id, op: z.literal(['vmalloc', 'vmap', 'vm_map_ram']), pages, irqsOff }),
  // align = 1 << align_shift; the upper bound is the widest layout's (the run rejects s >= its BITS_PER_LONG).
  z.strictObject({ id, op: z.literal('vmalloc_align'), pages, align_shift: z.int().min(0, 'align_shift >= 0').max(63, 'align_shift < 64 (1 << s must fit an unsigned long)'), irqsOff }),
  z.strictObject({ id, op: z.literal(['vfree', 'vunmap', 'vm_unmap_ram', 'unmap_again']), h: ref, irqsOff }),
  z.strictObject({ id, op: z.literal('touch'), h: ref, page: z.int().min(0).max(MAX_PAGES), irqsOff }),
  z.strictObject({ id, op: z.literal('vm_unmap_aliases'), irqsOff }),
  z.strictObject({ id, op: z.literal('vm_unmap_ram_count'), h: ref, count: z.int().min(0).max(MAX_PAGES), irqsOff }),
]);
const cpu = z.int().min(0, 'a CPU number is >= 0');
const choice = z.discriminatedUnion('t', [
  z.strictObject({ t: z.literal('run'), cpu, n: z.int().min(1, 'a run choice needs n >= 1') }),
  z.strictObject({ t: z.literal('irq'), cpu, kind: z.enum(['hardirq', 'softirq']), op }),
  z.strictObject({ t: z.literal('spec'), cpu, pick: z.int().min(0) }),
]);
const search = z.discriminatedUnion('strategy', [
  z.object({ strategy: z.literal('fast-check'), seed: z.int(), path: z.string() }),
  z.object({ strategy: z.literal('pct'), seed: z.int(), depth: z.int().min(1), run: z.int().min(0) }),
  z.object({ strategy: z.literal('swarm'), seed: z.int(), run: z.int().min(0) }),
  z.object({ strategy: z.literal('hand'), note: z.string() }),
]);

/** The schema of a counterexample file (shape only; see parseCounterexample for the cross-field checks). */
export const counterexampleSchema = z.object({
  format: z.literal(CE_FORMAT, { error: `expected '${CE_FORMAT}'` }),
  variant: z.string().min(1),
  campaign: z.string().min(1),
  config: z.object({ layout: z.string().min(1), cpus: z.int().min(1).max(64) }),
  property: z.string().min(1),
  search,
  scenario: z.object({ programs: z.array(z.array(op)), schedule: z.array(choice), faults: z.array(z.int().min(0)).optional() }),
  violation: z.object({ message: z.string(), cpu: z.int(), context: z.string(), fn: z.string(), stmt: z.string(), frames: z.array(z.string()) }),
  stats: z.object({ ops: z.int().min(0), contextSwitches: z.int().min(0), steps: z.int().min(0) }),
  finding: z.string().optional(),
  explanation: z.string().optional(),
  trace: z.array(z.string()),
});

function fail(where: string, what: string): never {
  throw new CounterexampleError(`${where}: ${what}`);
}

/** `scenario.programs[0][1].pages` from a zod issue path. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('') || '(top level)';
}

/** The cross-field checks: property, CPUs, op ids, handle references. */
function checkScenario(name: string, ce: CounterexampleFile): void {
  const known = PROPERTIES.map((p) => p.name);
  if (!known.includes(ce.property)) fail(name, `unknown property '${ce.property}'; known: ${known.join(', ')}`);
  const s = ce.scenario;
  if (s.programs.length !== ce.config.cpus) fail(name, `config.cpus is ${ce.config.cpus} but the scenario has ${s.programs.length} programs`);
  s.schedule.forEach((c: Choice, i) => {
    if (c.cpu >= ce.config.cpus) fail(`${name}: scenario.schedule[${i}]`, `names cpu ${c.cpu}, but the counterexample has ${ce.config.cpus} CPU(s) (0..${ce.config.cpus - 1})`);
  });
  const all: [string, Op][] = [
    ...s.programs.flatMap((p, i) => p.map((o, j): [string, Op] => [`scenario.programs[${i}][${j}]`, o])),
    ...s.schedule.flatMap((c, i): [string, Op][] => (c.t === 'irq' ? [[`scenario.schedule[${i}].op`, c.op]] : [])),
  ];
  const byId = new Map<number, Op>();
  for (const [where, o] of all) {
    if (byId.has(o.id)) fail(`${name}: ${where}`, `op id ${o.id} is used twice; every op needs its own id`);
    byId.set(o.id, o);
  }
  for (const [where, o] of all) {
    if (!('h' in o)) continue;
    const target = byId.get(o.h);
    if (target === undefined || !MAP_OPS.has(target.op) || o.h >= o.id) {
      fail(`${name}: ${where}`, `handle #${o.h} is dangling: a handle must be the id of an earlier vmalloc/vmalloc_align/vmap/vm_map_ram op of this scenario${target ? ` (#${o.h} is ${target.op}${o.h >= o.id ? ', not earlier' : ''})` : ''}`);
    }
  }
}

/** Parse and validate a counterexample file's text; `name` is used in messages. */
export function parseCounterexample(text: string, name: string): CounterexampleFile {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    fail(name, `not valid JSON (${(e as Error).message}); fix the file or re-create it with 'vmapcheck discover'`);
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) fail(name, 'the top level must be an object');
  const fmt = (j as { format?: unknown }).format;
  if (fmt !== CE_FORMAT) fail(name, `format is '${String(fmt)}', expected '${CE_FORMAT}'`);
  const r = counterexampleSchema.safeParse(j);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const more = r.error.issues.length > 1 ? ` (+${r.error.issues.length - 1} more problem(s))` : '';
    const last = issue.path.at(-1);
    const tags: Record<string, string> = { op: 'op', t: 'choice.t', strategy: 'search.strategy' };
    if (issue.code === 'invalid_union' && typeof last === 'string' && tags[last] !== undefined) {
      // A discriminator: name the bad value and the known ones, at the object that has it.
      const value = issue.path.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], j);
      const known = [...new Set([...issue.message.matchAll(/'([^']+)'/g)].map((m) => m[1]!))];
      fail(`${name}: ${issuePath(issue.path.slice(0, -1))}`, `unknown ${tags[last]} '${String(value)}'; known: ${known.join(', ')}${more}`);
    }
    fail(`${name}: ${issuePath(issue.path)}`, `${issue.message}${more}`);
  }
  const ce = r.data as unknown as CounterexampleFile;
  checkScenario(name, ce);
  // Keep the caller's object (key order, extra fields) so a file round-trips unchanged.
  return j as CounterexampleFile;
}
