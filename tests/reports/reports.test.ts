/**
 * The report writers on a real (small) audit: rewrite-v2 under tiny-1cpu with an empty
 * manifest, so what it breaks comes out as failures with counterexamples. HTML (matrix,
 * timeline, address map, coverage, escaping, self-contained), JUnit (well-formed, one
 * failure per failure), Markdown, result.json, the terminal splats, and determinism.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditResult } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import type { Manifest } from '../../counterexamples/manifest';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { SAFETY } from '../../properties/index';
import { bigintReplacer, renderHtml, renderJUnit, renderMarkdown, terminalSummary, writeReports } from '../../reports/index';

const EMPTY: Manifest = { format: 'vmapcheck-expectations/2', findings: {}, variants: {} };
const EVIL = `<script>alert("x")</script> & ' " \u0001`;

/** Well-formedness problems of an XML document (balanced tags, quoted attributes, entities, characters). */
function xmlProblems(xml: string): string[] {
  const out: string[] = [];
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(xml)) out.push('control character');
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const body = xml.replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n/, '');
  const stack: string[] = [];
  let roots = 0;
  const re = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of body.matchAll(re)) {
    const [, close, name, attrs, self, text, lone] = m;
    if (lone !== undefined) out.push(`stray '<' at ${m.index}`);
    else if (text !== undefined) {
      if (entity.test(text)) out.push(`bad '&' in text at ${m.index}`);
      if (stack.length === 0 && text.trim() !== '') out.push('text outside the root');
    } else {
      const names = [...attrs!.matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => {
        if (entity.test(a[2]!)) out.push(`bad '&' in attribute ${a[1]}`);
        return a[1]!;
      });
      if (new Set(names).size !== names.length) out.push(`duplicate attribute on <${name}>`);
      if (close) {
        if (stack.pop() !== name) out.push(`unbalanced </${name}> at ${m.index}`);
      } else if (!self) {
        if (stack.length === 0) roots++;
        stack.push(name!);
      } else if (stack.length === 0) roots++;
    }
  }
  if (stack.length > 0) out.push(`unclosed ${stack.join(', ')}`);
  if (roots !== 1) out.push(`${roots} root elements`);
  return out;
}

/** A deep copy of `r` with hostile text in a cell message, a failure detail and a counterexample's violation. */
function poisoned(r: AuditResult): AuditResult {
  const c = structuredClone(r);
  c.cells[0] = { ...c.cells[0]!, message: EVIL };
  const f = c.failures.findIndex((x) => x.counterexample);
  const ce = c.failures[f]!.counterexample!;
  c.failures[f] = { ...c.failures[f]!, detail: EVIL, counterexample: { ...ce, violation: { ...ce.violation, message: EVIL }, trace: [...ce.trace, EVIL] } };
  return c;
}

let r: AuditResult;
let dir: string;
let paths: string[];
let html: string;

beforeAll(() => {
  r = audit([rewriteV2], [campaignByName('tiny-1cpu')], EMPTY, { runs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'vmapcheck-reports-'));
  paths = writeReports(r, join(dir, 'out'));
  html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
});

describe('the audit under report', () => {
  it('has failures, at least one with a counterexample', () => {
    expect(r.ok).toBe(false);
    expect(r.failures.some((f) => (f.kind === 'unexpected-finding' || f.kind === 'unclassified') && f.counterexample)).toBe(true);
  });
});

describe('writeReports', () => {
  it('writes the four files and every unrecorded counterexample (to replay each failure), and returns their paths', () => {
    const saved = r.failures.filter((f) => f.counterexample).map((f) => `counterexamples/${f.variant}.${f.campaign}.${f.property}.json`);
    expect(saved.length).toBeGreaterThan(0);
    expect(paths.map((p) => p.slice(join(dir, 'out').length + 1))).toEqual(['report.html', 'junit.xml', 'summary.md', 'result.json', ...saved]);
    expect(JSON.parse(readFileSync(paths[4]!, 'utf8'))).toEqual(JSON.parse(JSON.stringify(r.failures.find((f) => f.counterexample)!.counterexample)));
    const j = JSON.parse(readFileSync(paths[3]!, 'utf8'));
    expect(j.failures).toHaveLength(r.failures.length);
    expect(JSON.stringify({ a: 255n }, bigintReplacer)).toBe('{"a":"0xff"}');
  });

  it('gives byte-identical files for the same audit', () => {
    // The reproduce lines name the report folder; apart from that, the same bytes.
    const again = writeReports(r, join(dir, 'again'));
    const norm = (p: string, d: string): string => readFileSync(p, 'utf8').split(join(dir, d)).join('<out>');
    again.forEach((p, i) => expect(norm(p, 'again')).toBe(norm(paths[i]!, 'out')));
  });
});

describe('HTML', () => {
  it('is one self-contained page: no external assets, one inline script of ours', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/\b(?:src|href)="(?!#)/);
    expect(html).not.toMatch(/<link|@import|url\((?!#)/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain("default-src 'none'");
  });

  it('puts the verdict and failures first, then the variant × property matrix', () => {
    expect(html).toContain(`${r.failures.length} failures`);
    expect(html.indexOf('id="failures"')).toBeLessThan(html.indexOf('id="matrix"'));
    // The variant × finding table comes first; the property matrix is the section id="matrix".
    const at = html.indexOf('<table class="matrix">', html.indexOf('<h2 id="matrix">'));
    const matrix = html.slice(at, html.indexOf('</table>', at));
    expect(html.indexOf('<h2 id="findings">')).toBeLessThan(html.indexOf('<h2 id="matrix">'));
    expect(matrix).toContain('<th>rewrite-v2</th>');
    for (const p of SAFETY) expect(matrix).toContain(`<code>${p.name}</code><span class="sub">`);
    const failing = r.failures.find((f) => f.counterexample)!;
    const row = matrix.slice(matrix.indexOf(`<code>${failing.property}</code>`));
    expect(row).toMatch(/^[^]*?<td class="c unexpected"[^>]*><span class="mark">‼<\/span><span class="lbl">(UNEXPECTED finding|NEW \(unclassified\) finding)<\/span><span class="cps"><a href="#ce-[0-9]+-[^"]+">tiny-1cpu<\/a>/);
    expect(matrix).toContain('<span class="mark">✓</span>');
  });

  it('has a counterexample section with its finding, stats, a one-column-per-CPU timeline and an address map', () => {
    const ce = r.failures.find((f) => f.counterexample)!.counterexample!;
    const sec = html.slice(html.indexOf('<section class="ce'));
    expect(sec).toContain(`${ce.stats.ops} op(s), ${ce.stats.contextSwitches} context switch(es), ${ce.stats.steps} step(s)`);
    if (ce.finding) expect(sec).toContain(`<b>${ce.finding}</b>`);
    const tl = sec.slice(sec.indexOf('<table class="tl">'), sec.indexOf('</table>', sec.indexOf('<table class="tl">')));
    expect(tl.match(/<th>cpu\d+<\/th>/g)).toHaveLength(ce.config.cpus);
    expect(tl).toContain('class="k-violation main"');
    expect(tl).toMatch(/<td class="x"><b>\w+<\/b>: <code>/);
    expect(sec).toContain('<div class="amap"');
    expect(sec).toContain('VMALLOC_START');
  });

  it('has lifecycle coverage with uncovered transitions highlighted, sometimes counts and campaign figures', () => {
    const cov = html.slice(html.indexOf('id="coverage"'));
    for (const m of Object.keys(r.coverage['rewrite-v2']!)) expect(cov).toContain(`<h3>${m} `);
    const un = Object.values(r.coverage['rewrite-v2']!).flatMap((m) => m.uncovered);
    expect(un.length).toBeGreaterThan(0);
    expect(cov).toContain(`<tr class="zero"><td><code>${un[0]!.replace(/>/g, '&gt;')}</code> <b>uncovered</b>`);
    expect(html).toContain('id="sometimes"');
    expect(html).toContain('<td class="c unexpected">‼ never</td>');
    expect(html).toMatch(/<td>tiny-1cpu<\/td><td class="num">5<\/td><td class="num">\d+<\/td>/);
  });

  it('escapes text from the data: no <script> but its own, no attribute breakout, no control characters', () => {
    const p = renderHtml(poisoned(r), {});
    expect(p.match(/<script>/g)).toHaveLength(1);
    expect(p).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39; &quot;');
    expect(p).not.toContain('alert("x")');
    expect(p).not.toContain('\u0001');
  });
});

describe('JUnit', () => {
  it('is well-formed XML with one testsuite per variant and one failure per audit failure', () => {
    const x = renderJUnit(r);
    expect(xmlProblems(x)).toEqual([]);
    expect(x.match(/<testsuite /g)).toHaveLength(r.variants.length);
    expect(x.match(/<failure /g)).toHaveLength(r.failures.length);
    expect(x.match(/<testcase /g)).toHaveLength(r.cells.length + r.sometimes.length);
    expect(x).toContain('name="tiny-1cpu/areas_disjoint"');
    expect(x).toContain('name="sometimes/purge_happened"');
  });

  it("puts the counterexample's trace in the failure body", () => {
    const x = renderJUnit(r);
    const f = r.failures.find((y) => y.counterexample && y.finding)!;
    const body = x.slice(x.indexOf(`name="tiny-1cpu/${f.property}"`));
    expect(body).toMatch(/type="(unexpected-finding|unclassified)"/);
    expect(body).toContain(f.counterexample!.trace[1]!.trim().replace(/>/g, '&gt;'));
  });

  it('stays well-formed with hostile text and control characters', () => {
    const x = renderJUnit(poisoned(r));
    expect(xmlProblems(x)).toEqual([]);
    expect(x).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos; &quot;');
    expect(xmlProblems('<a><b></a></b>')).not.toEqual([]);
    expect(xmlProblems('<a>x & y</a>')).not.toEqual([]);
  });
});

describe('Markdown', () => {
  it('has the verdict, the failures, the matrix with ✓ and ‼, the findings and the campaign figures', () => {
    const full = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
    expect(full).toContain('## Kernel splats');
    expect(full).toMatch(/```text\n------------\[ cut here \]------------\n[\s\S]*?\nreproduce: npx vmapcheck replay [^\n]+\n[\s\S]*?```/);
    expect(html).toContain('<h4>Kernel splat</h4><pre class="splat">');
    const md = renderMarkdown(r);
    expect(md).toContain(`**❌ ${r.failures.length} failures**`);
    expect(md).toContain('| property | rewrite-v2 |');
    for (const p of SAFETY) expect(md).toMatch(new RegExp(`^\\| \`${p.name}\` \\| [✓✗‼]`, 'm'));
    const f = r.failures.find((y) => y.counterexample && y.finding)!;
    expect(md).toContain(`| \`${f.property}\` | ‼ tiny-1cpu |`);
    if (f.counterexample!.finding) expect(md).toContain(`- **${f.counterexample!.finding}** `);
    expect(md).toMatch(/\| rewrite-v2 \| tiny-1cpu \| 5 \| \d+ \| \d+\.\d \|/);
    expect(renderMarkdown(poisoned(r))).not.toContain('<script>');
  });
});

describe('terminal summary', () => {
  it('prints a kernel-style splat per failure with the shrunk trace, then the matrix and the verdict', () => {
    const t = terminalSummary(r);
    expect(t.match(/^WARNING: vmapcheck: /gm)).toHaveLength(r.failures.length);
    expect(t.match(/^---\[ end trace \]---$/gm)).toHaveLength(r.failures.length);
    // Each replayable counterexample also comes as the kernel would print it (reports/splat.ts).
    // (this audit's failures are the model's own checks, which say so instead of faking a stack)
    expect(t).toMatch(/^vmapcheck: no_kva_leak \(a model check, not a kernel splat\): the layer still holds /m);
    const f = r.failures.find((x) => x.counterexample && x.finding)!;
    const ce = f.counterexample!;
    expect(t).toContain(`WARNING: vmapcheck: finding ${f.finding} not recorded here (through ${ce.property}) on rewrite-v2 (campaign tiny-1cpu)`);
    expect(t).toContain(ce.trace[0]!.trimEnd());
    expect(t).toMatch(/^areas_disjoint +✓$/m);
    expect(t.trimEnd().endsWith(`vmapcheck audit: ${r.failures.length} failures`)).toBe(true);
  });
});

describe('an expected violation', () => {
  it('shows as ✗ (expected, reproduced) linked to its replayed counterexample, and is no failure', () => {
    const f = r.failures.find((y) => y.counterexample && y.finding)!;
    const path = join(dir, 'ce.json');
    writeFileSync(path, JSON.stringify(f.counterexample, null, 2));
    const m: Manifest = { format: 'vmapcheck-expectations/2', findings: {}, variants: { 'rewrite-v2': { 'tiny-1cpu': { findings: Object.fromEntries((f.counterexample!.findings ?? []).map((id) => [id, path])) } } } };
    const r2 = audit([rewriteV2], [campaignByName('tiny-1cpu')], m, { runs: 5 });
    expect(r2.failures.some((x) => x.property === f.property)).toBe(false);
    const [h] = writeReports(r2, join(dir, 'expected'));
    const page = readFileSync(h!, 'utf8');
    expect(page).toMatch(/<td class="c expected"[^>]*><span class="mark">✗<\/span><span class="lbl">violated \(expected, reproduced\)<\/span><span class="cps"><a href="#ce-1-[^"]+">tiny-1cpu<\/a>/);
    expect(page).toContain('violated as expected; reproduced');
    expect(page).toContain('<table class="tl">');
    expect(renderMarkdown(r2)).toContain(`| \`${f.property}\` | ✗ tiny-1cpu |`);
    expect(renderJUnit(r2).match(/<failure /g) ?? []).toHaveLength(r2.failures.length);
  });
});
