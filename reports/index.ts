/**
 * Write every report of an audit (HTML, JUnit XML, Markdown summary, raw JSON) and render
 * the terminal summary: a kernel-style splat per failure, then a compact matrix.
 */
import type { AuditResult } from '../explore/audit';
import { campaignByName } from '../explore/campaigns';
import { runScenario } from '../explore/check';
import type { CounterexampleFile } from '../counterexamples/format';
import { replayFile } from '../counterexamples/replay';
import { variantByName } from '../model/variants/registry';
import { PROPERTIES } from '../properties/index';
import { renderHtml } from './html';
import { renderJUnit } from './junit';
import { counterexampleEntries, matrixCell, matrixProperties, renderMarkdown, verdict } from './markdown';
import { timelineOf, type MapSnapshot, type Timeline } from './timeline';
import { reproduceLines, savedCounterexamplePath } from './reproduce';
import { counterexampleSplat } from './splat';
import { writeAllOrNothing, type WriteIo } from './write';
import { relative } from 'node:path';

/** The HTML page (re-exported for the CLI). */
export { renderHtml } from './html';
/** The JUnit XML (re-exported for the CLI). */
export { renderJUnit } from './junit';
/** The Markdown CI summary (re-exported for the CLI). */
export { renderMarkdown } from './markdown';
/** The structured trace of a run (re-exported for the CLI). */
export { timelineOf, type Timeline } from './timeline';

/** JSON.stringify replacer: bigints become hex strings. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? (value < 0n ? '-0x' + (-value).toString(16) : '0x' + value.toString(16)) : value;
}

/** Replay a counterexample with the trace on and build its timeline, with the map right after the violating step. */
export function replayTimeline(ce: CounterexampleFile, name = 'counterexample'): Timeline {
  const rep = replayFile(ce, name);
  const w = rep.outcome.result.world;
  const variant = variantByName(ce.variant);
  const viol = w.trace.events.find((e) => e.t === 'violation' && e.property === ce.property);
  let snap: MapSnapshot | undefined;
  if (viol !== undefined) {
    // Same scenario, stopped after the violating step and without teardown: the map a
    // reader wants (the full replay's final map is usually empty after teardown).
    const o = runScenario(variant, campaignByName(ce.campaign), ce.scenario, { trace: false, teardown: false, maxSteps: viol.i });
    const end = o.result.ending;
    const label =
      end === 'step-limit' ? `right after step ${viol.i}, where ${ce.property} broke` : end === 'done' ? `when the programs finished, before teardown (${ce.property} broke at step ${viol.i})` : `at the ${end} (step ${o.result.steps})`;
    snap = { w: o.result.world, view: variant.view(o.result.world), label };
  }
  const splat = counterexampleSplat(w, rep.outcome.violations, ce, rep.variant);
  return { ...timelineOf(w, variant.view(w), snap), ...(splat !== null ? { splat } : {}) };
}

/** A counterexample's kernel-style splat from a fresh replay, or null when it is not replayable or no longer breaks its property. */
export function replaySplat(ce: CounterexampleFile, name = 'counterexample'): string[] | null {
  try {
    const rep = replayFile(ce, name);
    return counterexampleSplat(rep.outcome.result.world, rep.outcome.violations, ce, rep.variant);
  } catch {
    return null;
  }
}

/**
 * Write report.html, junit.xml, summary.md, result.json and the counterexamples this audit
 * found but the manifest does not record (counterexamples/*.json, so each failure has a
 * file to replay) into `outDir`, all or nothing; returns their paths.
 */
export function writeReports(r: AuditResult, outDir: string, io?: WriteIo): string[] {
  const timelines: Record<string, Timeline> = {};
  // Every counterexample gets a timeline; the page renders each one only when opened.
  for (const e of counterexampleEntries(r)) {
    try {
      timelines[e.key] = replayTimeline(e.ce, e.key);
    } catch {
      // Not replayable (unknown variant, changed campaign): the page shows the recorded trace.
    }
  }
  const files: [string, string][] = [
    ['report.html', renderHtml(r, timelines, outDir)],
    ['junit.xml', renderJUnit(r, outDir)],
    ['summary.md', renderMarkdown(r, outDir, Object.fromEntries(Object.entries(timelines).flatMap(([k, t]) => (t.splat ? [[k, t.splat]] : []))))],
    ['result.json', JSON.stringify(r, bigintReplacer, 2) + '\n'],
  ];
  for (const f of r.failures) if (f.counterexample) files.push([relative(outDir, savedCounterexamplePath(outDir, f)), JSON.stringify(f.counterexample, null, 1) + '\n']);
  return writeAllOrNothing(outDir, files, io);
}

const TRACE_LINES = 400;

function splat(r: AuditResult, f: AuditResult['failures'][number], outDir: string): string[] {
  const cell = r.cells.find((c) => c.variant === f.variant && c.campaign === f.campaign && c.property === f.property);
  const recorded = cell?.counterexample;
  const ce = f.counterexample ?? (recorded ? r.counterexamples[recorded] : undefined);
  const where = f.campaign === '*' ? 'any campaign' : `campaign ${f.campaign}`;
  const what = {
    'unexpected-finding': `finding ${f.finding ?? '?'} not recorded here (through ${f.property})`,
    unclassified: `NEW finding: ${f.property} broken and no fix or contract explains it`,
    'not-reproduced': `${f.finding ?? f.property} no longer reproduced`,
    'not-explained': `${f.finding ?? f.property}'s experiment no longer removes its counterexample`,
    unreached: `${f.property} never reached`,
    'bad-counterexample': `bad counterexample for ${f.finding ?? f.property}`,
    'consumer-mismatch': `consumer ${f.campaign} disagrees with expectations.json`,
  }[f.kind];
  const out = ['------------[ cut here ]------------', `WARNING: vmapcheck: ${what} on ${f.variant} (${where})`, f.detail];
  if (ce !== undefined) {
    const v = ce.violation;
    const kernel = replaySplat(ce, f.counterexample ? 'unrecorded counterexample' : (recorded ?? 'counterexample'));
    if (kernel !== null) out.push(...kernel);
    else {
      // Not replayable here: what the file recorded, in the same frame.
      out.push(`CPU: ${v.cpu} Context: ${v.context} ${v.fn}${v.stmt ? ': ' + v.stmt : ''}`, `Violation: ${v.message}`);
      if (v.frames.length > 0) out.push('Call Trace:', ...[...v.frames].reverse().map((fr) => ` ${fr}`));
    }
    if (ce.finding) out.push(`Finding ${ce.finding}: ${ce.explanation ?? ''}`);
    out.push(`Counterexample: ${f.counterexample ? `${savedCounterexamplePath(outDir, f)} (not in the manifest; record it: npx vmapcheck discover --variant ${f.variant} --campaign ${f.campaign} --write)` : recorded}`);
    out.push(`${ce.stats.ops} ops, ${ce.stats.contextSwitches} context switches, ${ce.stats.steps} steps`);
    out.push(...ce.trace.slice(0, TRACE_LINES).map((l) => l.trimEnd()));
    if (ce.trace.length > TRACE_LINES) out.push(`... ${ce.trace.length - TRACE_LINES} more trace lines in report.html`);
  }
  out.push(...reproduceLines(r, f, outDir), '---[ end trace ]---');
  return out;
}

/** The terminal summary: a kernel-style splat per failure, then a compact variant × property matrix and the verdict. */
export function terminalSummary(r: AuditResult, outDir = 'out'): string {
  const out: string[] = [];
  for (const f of r.failures) out.push(...splat(r, f, outDir), '');
  const props = matrixProperties(r);
  const order = PROPERTIES.map((p) => p.name);
  const some = [...new Set(r.sometimes.map((s) => s.property))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const w0 = Math.max(8, ...props.map((p) => p.length), ...some.map((p) => `${p} (sometimes)`.length)) + 2;
  const cols = r.variants.map((v) => Math.max(v.length, 3) + 2);
  const line = (name: string, cells: string[]): string => (name.padEnd(w0) + cells.map((c, i) => c.padEnd(cols[i]!)).join('')).trimEnd();
  out.push(line('property', [...r.variants]), line('-'.repeat(w0 - 2), cols.map((n) => '-'.repeat(n - 2))));
  for (const p of props) out.push(line(p, r.variants.map((v) => matrixCell(r, v, p).mark)));
  const reached = (v: string, p: string): string => {
    const n = r.sometimes.find((s) => s.variant === v && s.property === p)?.reached;
    return n === undefined ? '–' : n === 0 ? '‼ 0' : String(n);
  };
  for (const p of some) out.push(line(`${p} (sometimes)`, r.variants.map((v) => reached(v, p))));
  out.push('✓ holds  ✗ violated as expected  ‼ failure  (sometimes: runs that reached it)', '', `vmapcheck audit: ${verdict(r)}`);
  return out.join('\n') + '\n';
}
