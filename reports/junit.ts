/**
 * The audit as JUnit XML for CI test tabs: one testsuite per variant, one testcase per
 * campaign × safety property (`campaign/property`) and per sometimes-property
 * (`sometimes/property`), and one <failure> per audit failure, its body the shrunk
 * per-CPU trace of the counterexample when there is one.
 */
import type { AuditResult, Failure } from '../explore/audit';
import type { CounterexampleFile } from '../counterexamples/format';
import { reproduceLines } from './reproduce';

/** Escape text for XML content and attributes; drops characters XML 1.0 forbids. */
export function xmlEsc(s: string): string {
  return s
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

interface Case {
  readonly name: string;
  readonly variant: string;
  readonly failures: Failure[];
  /** Text for <system-out>. */
  readonly out: string[];
}

function failureBody(f: Failure, r: AuditResult, cePath: string | undefined, outDir: string): string {
  const ce: CounterexampleFile | undefined = f.counterexample ?? (cePath ? r.counterexamples[cePath] : undefined);
  if (ce === undefined) return [f.detail, ...reproduceLines(r, f, outDir)].join('\n');
  const head = [
    `${ce.property}: ${ce.violation.message}`,
    `at cpu${ce.violation.cpu} (${ce.violation.context}) ${ce.violation.fn}${ce.violation.stmt ? ': ' + ce.violation.stmt : ''}`,
    ...(ce.finding ? [`finding ${ce.finding}: ${ce.explanation ?? ''}`] : []),
    `${ce.stats.ops} ops, ${ce.stats.contextSwitches} context switches, ${ce.stats.steps} steps`,
    '',
  ];
  return [...head, ...ce.trace.map((l) => l.trimEnd()), '', ...reproduceLines(r, f, outDir)].join('\n');
}

/** The audit as JUnit XML; `outDir` is where unrecorded counterexamples are saved (for the reproduce lines). */
export function renderJUnit(r: AuditResult, outDir = 'out'): string {
  const cases = new Map<string, Case>();
  const get = (variant: string, name: string): Case => {
    const k = `${variant}\u0000${name}`;
    let c = cases.get(k);
    if (c === undefined) cases.set(k, (c = { name, variant, failures: [], out: [] }));
    return c;
  };
  for (const c of r.cells) {
    const tc = get(c.variant, `${c.campaign}/${c.property}`);
    if (c.expected === 'violated') tc.out.push(`expected to be violated; recorded counterexample ${c.counterexample ?? '?'}: ${c.observed}`);
    if (c.count > 0) tc.out.push(`broken by ${c.count} survey run(s)${c.message ? ': ' + c.message : ''}`);
  }
  for (const s of r.sometimes) get(s.variant, `sometimes/${s.property}`).out.push(`reached in ${s.reached} run(s)`);
  for (const f of r.failures) get(f.variant, f.campaign === '*' ? `sometimes/${f.property}` : `${f.campaign}/${f.property}`).failures.push(f);
  const variants = [...r.variants, ...[...cases.values()].map((c) => c.variant).filter((v, i, a) => !r.variants.includes(v) && a.indexOf(v) === i)];
  const total = cases.size;
  const failed = [...cases.values()].reduce((n, c) => n + c.failures.length, 0);
  const secs = (ms: number): string => (ms / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="vmapcheck audit" tests="${total}" failures="${failed}" errors="0" time="${secs(r.figures.reduce((n, f) => n + f.ms, 0))}">`];
  for (const v of variants) {
    const vc = [...cases.values()].filter((c) => c.variant === v);
    const vf = vc.reduce((n, c) => n + c.failures.length, 0);
    const ms = r.figures.filter((f) => f.variant === v).reduce((n, f) => n + f.ms, 0);
    out.push(`  <testsuite name="${xmlEsc(v)}" tests="${vc.length}" failures="${vf}" errors="0" skipped="0" time="${secs(ms)}">`);
    for (const c of vc) {
      const open = `    <testcase classname="vmapcheck.${xmlEsc(v)}" name="${xmlEsc(c.name)}" time="0"`;
      if (c.failures.length === 0 && c.out.length === 0) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      for (const f of c.failures) {
        const cePath = r.cells.find((x) => x.variant === f.variant && x.campaign === f.campaign && x.property === f.property)?.counterexample;
        out.push(`      <failure message="${xmlEsc(f.detail)}" type="${xmlEsc(f.kind)}">${xmlEsc(failureBody(f, r, cePath, outDir))}</failure>`);
      }
      if (c.out.length > 0) out.push(`      <system-out>${xmlEsc(c.out.join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
