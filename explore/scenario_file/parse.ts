/**
 * The `.vmc` scenario file: a hand-written parser (the format is line-oriented and tiny, so
 * a parser library would add a dependency for ~100 lines of grammar). Produces the model's
 * Op lists, the interrupt line and the run config; every error names line, column and what
 * was expected. Grammar: README "Scenario files (.vmc)".
 */
import type { Layout } from '../../model/config/layout';
import { LAYOUTS } from '../../model/config/layout';
import { ConfigError, validateLayout, validateRun } from '../../model/config/validate';
import type { Op } from '../../model/engine/program';
import { Cursor, lexLine, ScenarioSyntaxError } from './lexer';

/** One `expect` line. `on`: the variants it applies to (all when absent). */
export interface Expectation {
  readonly mode: 'never' | 'sometimes';
  readonly property: string;
  readonly on: readonly string[] | null;
  readonly line: number;
}

/** A parsed scenario file. */
export interface ScenarioFile {
  readonly path: string;
  readonly variants: readonly string[];
  readonly layout: Layout;
  /** The named layout (without overrides) and whether KEY=VALUE overrides were given. */
  readonly layoutName: string;
  readonly overridden: boolean;
  readonly cpus: number;
  readonly programs: readonly (readonly Op[])[];
  readonly irq: { readonly cpu: number; readonly kind: 'hardirq' | 'softirq'; readonly op: Op } | null;
  readonly fills: number;
  /** Bounds (defaults: preemptions 2, call_steps 5000, budget 200000). */
  readonly preemptions: number;
  readonly callSteps: number;
  readonly budget: number;
  readonly expectations: readonly Expectation[];
}

const BIG_KEYS = new Set(['VMALLOC_START', 'VMALLOC_END', 'VMALLOC_SPACE', 'LAZY_BYTES_PER_LOG']);
const NUM_KEYS = new Set(['BITS_PER_LONG', 'PAGE_SHIFT', 'NR_CPUS', 'PTRS_PER_PTE', 'VMAP_MAX_ALLOC', 'VMAP_BBMAP_BITS_MAX', 'IOREMAP_MAX_ORDER', 'num_physpages']);
const MAPS = new Set(['vmalloc', 'vmalloc_align', 'vmap', 'vm_map_ram']);
const CALLS = ['vmalloc', 'vmalloc_align', 'vmap', 'vm_map_ram', 'vfree', 'vunmap', 'vm_unmap_ram', 'touch', 'vm_unmap_aliases', 'unmap_again', 'vm_unmap_ram_count'];

/** First id of the interrupt op (above every program op, as handles refer to lower ids). */
const IRQ_ID = 1000;

/** Parse the text of a `.vmc` file; `path` is used in messages. */
export function parseScenarioFile(text: string, path: string): ScenarioFile {
  let variants: string[] | null = null;
  let layout: Layout | null = null;
  let layoutName = '';
  let overridden = false;
  let cpus: number | null = null;
  let cpusAt = { line: 0, col: 0 };
  const programs = new Map<number, Op[]>();
  let irq: ScenarioFile['irq'] = null;
  let fills = 0;
  let preemptions = 2;
  let callSteps = 5000;
  let budget = 200_000;
  const expectations: Expectation[] = [];
  const handles = new Map<string, number>();
  let nextId = 1;

  /** One call: `[name =] fn(args) [[irqs off]]`. */
  const call = (c: Cursor, id: number): Op => {
    let name: string | null = null;
    let fnTok = c.ident(`an API call (${CALLS.join(', ')})`);
    if (c.maybe('=')) {
      name = fnTok.text;
      fnTok = c.ident('an API call after =');
    }
    const fn = fnTok.text;
    if (!CALLS.includes(fn)) c.fail(`an API call (${CALLS.join(', ')})`, fnTok);
    c.punct('(');
    const handle = (): number => {
      const t = c.ident('a handle name (assigned earlier, e.g. a = vmalloc(2))');
      const h = handles.get(t.text);
      if (h === undefined) c.fail(`a handle assigned earlier (known: ${[...handles.keys()].join(', ') || 'none'})`, t);
      return h;
    };
    let op: Op;
    if (fn === 'vmalloc_align') {
      const pages = c.int('a page count', 1);
      c.punct(',');
      // align = 1 << SHIFT; the run rejects SHIFT >= the layout's BITS_PER_LONG.
      const at = c.peek();
      const shift = c.int('an alignment shift (align = 1 << SHIFT)');
      if (shift > 63) c.fail('an alignment shift below 64 (align = 1 << SHIFT must fit an unsigned long)', at);
      op = { id, op: 'vmalloc_align', pages, align_shift: shift };
    } else if (MAPS.has(fn)) op = { id, op: fn as 'vmalloc', pages: c.int('a page count', 1) };
    else if (fn === 'vm_unmap_aliases') op = { id, op: 'vm_unmap_aliases' };
    else if (fn === 'touch') {
      const h = handle();
      c.punct(',');
      op = { id, op: 'touch', h, page: c.int('a page index') };
    } else if (fn === 'vm_unmap_ram_count') {
      const h = handle();
      c.punct(',');
      op = { id, op: 'vm_unmap_ram_count', h, count: c.int('a page count', 1) };
    } else {
      const h = handle();
      // vm_unmap_ram(h, n): misuse with a count (other than the mapped one).
      if (fn === 'vm_unmap_ram' && c.maybe(',')) op = { id, op: 'vm_unmap_ram_count', h, count: c.int('a page count', 1) };
      else op = { id, op: fn as 'vfree', h };
    }
    c.punct(')');
    if (c.maybe('[')) {
      const a = c.ident("'irqs'");
      if (a.text !== 'irqs') c.fail("'irqs' (the mark is [irqs off])", a);
      const b = c.ident("'off'");
      if (b.text !== 'off') c.fail("'off' (the mark is [irqs off])", b);
      c.punct(']');
      op = { ...op, irqsOff: true };
    }
    if (name !== null) {
      if (!MAPS.has(fn)) c.fail(`a map call (vmalloc, vmalloc_align, vmap, vm_map_ram) to assign '${name}'`, fnTok);
      if (handles.has(name)) c.fail(`a new handle name ('${name}' is already assigned)`, fnTok);
      handles.set(name, id);
    }
    return op;
  };

  const lines = text.split('\n');
  lines.forEach((raw, idx) => {
    const lineNo = idx + 1;
    const c = new Cursor(lexLine(path, lineNo, raw), path, lineNo);
    if (c.peek().kind === 'end') return;
    const kw = c.ident('a directive (variant, variants, layout, cpus, P<n>:, irq, fills, preemptions, call_steps, budget, expect)');
    const k = kw.text;
    if (k === 'variant' || k === 'variants') {
      if (variants !== null) c.fail('one variant/variants line per file', kw);
      variants = [c.ident('a variant name').text];
      while (k === 'variants' && c.peek().kind === 'ident') variants.push(c.next().text);
    } else if (k === 'layout') {
      const n = c.ident(`a layout name (${Object.keys(LAYOUTS).join(', ')})`);
      const base = LAYOUTS[n.text];
      if (base === undefined) c.fail(`a layout name (${Object.keys(LAYOUTS).join(', ')})`, n);
      layoutName = n.text;
      const l: Record<string, unknown> = { ...base };
      while (c.peek().kind === 'ident') {
        const key = c.next();
        if (!BIG_KEYS.has(key.text) && !NUM_KEYS.has(key.text)) c.fail(`a layout key (${[...BIG_KEYS, ...NUM_KEYS].join(', ')})`, key);
        c.punct('=');
        const v = c.peek();
        if (v.kind !== 'int') c.fail(`a number for ${key.text}`);
        c.next();
        l[key.text] = BIG_KEYS.has(key.text) ? BigInt(v.text.replace(/_/g, '')) : Number(v.text.replace(/_/g, ''));
        overridden = true;
      }
      try {
        layout = validateLayout(l as unknown as Layout);
      } catch (e) {
        if (e instanceof ConfigError) throw new ScenarioSyntaxError(path, lineNo, n.col, 'a valid layout', e.message);
        throw e;
      }
    } else if (k === 'cpus') {
      cpusAt = { line: lineNo, col: c.peek().col };
      cpus = c.int('a CPU count', 1);
    } else if (/^P[0-9]+$/.test(k)) {
      const cpu = Number(k.slice(1));
      if (programs.has(cpu)) c.fail(`one line per CPU (${k} appears twice)`, kw);
      c.punct(':');
      const ops: Op[] = [call(c, nextId++)];
      while (c.maybe(';')) ops.push(call(c, nextId++));
      programs.set(cpu, ops);
    } else if (k === 'irq') {
      if (irq !== null) c.fail('one irq line per file', kw);
      const p = c.ident('a CPU (P0, P1, ...)');
      if (!/^P[0-9]+$/.test(p.text)) c.fail('a CPU (P0, P1, ...)', p);
      const kind = c.ident("'hardirq' or 'softirq'");
      if (kind.text !== 'hardirq' && kind.text !== 'softirq') c.fail("'hardirq' or 'softirq'", kind);
      c.punct(':');
      irq = { cpu: Number(p.text.slice(1)), kind: kind.text as 'hardirq' | 'softirq', op: call(c, IRQ_ID) };
    } else if (k === 'fills') fills = c.int('a fill count');
    else if (k === 'preemptions') preemptions = c.int('a preemption bound');
    else if (k === 'call_steps') callSteps = c.int('a per-call step bound', 1);
    else if (k === 'budget') budget = c.int('an execution budget', 1);
    else if (k === 'expect') {
      const m = c.ident("'never' or 'sometimes'");
      if (m.text !== 'never' && m.text !== 'sometimes') c.fail("'never' or 'sometimes'", m);
      const prop = c.ident('a property name').text;
      let on: string[] | null = null;
      if (c.peek().kind === 'ident') {
        const o = c.next();
        if (o.text !== 'on') c.fail("'on' or end of line", o);
        on = [c.ident('a variant name').text];
        while (c.maybe(',')) on.push(c.ident('a variant name').text);
      }
      expectations.push({ mode: m.text as 'never' | 'sometimes', property: prop, on, line: lineNo });
    } else c.fail('a directive (variant, variants, layout, cpus, P<n>:, irq, fills, preemptions, call_steps, budget, expect)', kw);
    c.end();
  });

  const eof = lines.length;
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new ScenarioSyntaxError(path, eof, 1, what, 'end of file');
  };
  need(variants !== null, "a 'variant NAME' or 'variants NAME...' line");
  need(layout !== null, "a 'layout NAME [KEY=VALUE...]' line");
  need(cpus !== null, "a 'cpus N' line");
  const n = cpus!;
  try {
    validateRun(layout!, n);
  } catch (e) {
    if (e instanceof ConfigError) throw new ScenarioSyntaxError(path, cpusAt.line, cpusAt.col, 'a CPU count the layout allows', e.message);
    throw e;
  }
  for (const cpu of programs.keys()) if (cpu >= n) throw new ScenarioSyntaxError(path, eof, 1, `programs only for P0..P${n - 1} (cpus ${n})`, `a P${cpu} line`);
  if (irq !== null && (irq as { cpu: number }).cpu >= n) throw new ScenarioSyntaxError(path, eof, 1, `an irq on P0..P${n - 1}`, `irq on P${(irq as { cpu: number }).cpu}`);
  return {
    path,
    variants: variants!,
    layout: layout!,
    layoutName,
    overridden,
    cpus: n,
    programs: Array.from({ length: n }, (_, i) => programs.get(i) ?? []),
    irq,
    fills,
    preemptions,
    callSteps,
    budget,
    expectations,
  };
}
