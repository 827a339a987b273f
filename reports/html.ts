/**
 * The audit as one self-contained HTML page: verdict and failures first, the variant ×
 * property matrix, sometimes-properties, every counterexample with its per-CPU timeline
 * and address-space map, lifecycle coverage, and campaign figures. No external assets, no
 * network, no timestamps: the same audit gives the same bytes. Failing counterexamples are
 * drawn inline; the others' timelines are lazily drawn (by the one inline script) when opened.
 */
import type { AuditResult } from '../explore/audit';
import { findingById } from '../model/variants/findings';
import { findingMatrixCell, matrixFindings } from './findings_matrix';
import { PROPERTIES, propertyByName } from '../properties/index';
import { counterexampleEntries, matrixCell, matrixProperties, verdict, type CeEntry } from './markdown';
import type { Timeline } from './timeline';
import { addressMapHtml, coverageHtml, timelineTable } from './html_parts';
import { CSP, CSS, esc, SCRIPT, slug } from './html_style';
import { irqHtml } from './irq';
import { DIAGRAM_CSS } from './diagram';
import { savedCounterexamplePath, searchCommand } from './reproduce';

type Anchors = ReadonlyMap<string, string>;

function link(anchors: Anchors, key: string | undefined, text: string): string {
  const a = key === undefined ? undefined : anchors.get(key);
  return a === undefined ? esc(text) : `<a href="#${esc(a)}">${esc(text)}</a>`;
}

function failuresHtml(r: AuditResult, anchors: Anchors, entries: readonly CeEntry[]): string {
  if (r.failures.length === 0) return '';
  const rows = r.failures.map((f) => {
    const key = entries.find((e) => e.ce === f.counterexample)?.key ?? r.cells.find((c) => c.variant === f.variant && c.campaign === f.campaign && c.property === f.property)?.counterexample;
    const ce = key !== undefined && anchors.has(key) ? link(anchors, key, 'counterexample') : '';
    return `<tr><td class="unexpected nw">${esc(f.kind)}</td><td class="nw">${esc(f.variant)}</td><td class="nw">${esc(f.campaign)}</td><td><code>${esc(f.property)}</code></td><td>${esc(f.detail)}</td><td>${ce}</td></tr>`;
  });
  return `<h2 id="failures">Failures</h2><table><tr><th>kind</th><th>variant</th><th>campaign</th><th>property</th><th>detail</th><th></th></tr>${rows.join('')}</table>`;
}

function findingsHtml(r: AuditResult, anchors: Anchors): string {
  const ids = matrixFindings(r);
  if (ids.length === 0 || r.variants.length === 0) return '';
  const head = `<tr><th>finding</th>${r.variants.map((v) => `<th>${esc(v)}</th>`).join('')}</tr>`;
  const rows = ids.map((id) => {
    const f = findingById(id);
    const cells = r.variants.map((v) => {
      const c = findingMatrixCell(r, v, id);
      const mark = { present: '✗', fixed: '✓ fixed', absent: '·', failure: '‼' }[c.status];
      const cls = { present: 'expected', fixed: 'holds', absent: 'holds', failure: 'unexpected' }[c.status];
      const detail = c.status === 'present' || c.status === 'failure' ? `<span class="cps">${link(anchors, c.shortest, `${c.campaigns.length} campaign(s)`)}</span>` : '';
      return `<td class="c ${cls}" title="${esc(c.campaigns.join(', '))}"><span class="mark">${mark}</span>${detail}</td>`;
    });
    return `<tr><th title="${esc(f?.title ?? '')}"><b>${esc(id)}</b> <span class="sub">${esc(f?.kind ?? '')}: ${esc((f?.title ?? '').slice(0, 140))}</span></th>${cells.join('')}</tr>`;
  });
  return [
    `<h2 id="findings">Variant × finding</h2>`,
    `<p class="legend"><span class="expected">✗ present (link: its shortest counterexample's timeline)</span> <span class="holds">✓ fixed in this variant</span> <span class="holds">· not seen</span> <span class="unexpected">‼ failure</span> — a finding is a root cause, identified by the experiment its fix (or contract) makes: docs/findings.md</p>`,
    `<table class="matrix">${head}${rows.join('')}</table>`,
  ].join('\n');
}

function matrixHtml(r: AuditResult, anchors: Anchors): string {
  const head = `<tr><th>property <span class="sub">what it forbids</span></th>${r.variants.map((v) => `<th>${esc(v)}</th>`).join('')}</tr>`;
  const rows = matrixProperties(r).map((p) => {
    const forbids = propertyByName(p)?.forbids ?? '';
    const cells = r.variants.map((v) => {
      const c = matrixCell(r, v, p);
      const title = c.status === 'holds' ? `holds in all ${c.campaigns} campaign(s)` : c.status === 'not-run' ? 'not evaluated' : c.parts.map((x) => `${x.campaign}: ${x.label}`).join('; ');
      const labels = [...new Set(c.parts.map((x) => x.label))].join('; ');
      const links = c.parts.map((x) => link(anchors, x.key, x.campaign)).join(' ');
      const detail = labels ? `<span class="lbl">${esc(labels)}</span><span class="cps">${links}</span>` : '';
      return `<td class="c ${c.status}" title="${esc(title)}"><span class="mark">${c.mark}</span>${detail}</td>`;
    });
    return `<tr><th title="${esc(forbids)}"><code>${esc(p)}</code><span class="sub">${esc(forbids)}</span></th>${cells.join('')}</tr>`;
  });
  return [
    `<h2 id="matrix">Variant × property</h2>`,
    `<p class="legend"><span class="holds">✓ holds in every campaign</span> <span class="expected">✗ violated as expected (counterexample reproduced)</span> <span class="unexpected">‼ failure: unexpected violation, not reproduced or bad counterexample</span> — campaigns: ${r.campaigns.map(esc).join(', ')}</p>`,
    `<table class="matrix">${head}${rows.join('')}</table>`,
  ].join('\n');
}

function sometimesHtml(r: AuditResult): string {
  if (r.sometimes.length === 0) return '';
  const names = PROPERTIES.filter((p) => p.when === 'sometimes' && r.sometimes.some((s) => s.property === p.name));
  const rows = names.map((p) => {
    const cells = r.variants.map((v) => {
      const s = r.sometimes.find((x) => x.variant === v && x.property === p.name);
      if (s === undefined) return '<td class="c not-run">– n/a</td>';
      return s.reached === 0 ? '<td class="c unexpected">‼ never</td>' : `<td class="c holds num">${s.reached} run(s)</td>`;
    });
    return `<tr><th title="${esc(p.forbids)}"><code>${esc(p.name)}</code><span class="sub">${esc(p.forbids)}</span></th>${cells.join('')}</tr>`;
  });
  return `<h2 id="sometimes">Sometimes-properties: runs that reached them (all campaigns)</h2><table class="matrix"><tr><th>property</th>${r.variants.map((v) => `<th>${esc(v)}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

function searchText(e: CeEntry): string {
  const s = e.ce.search;
  if (s.strategy === 'fast-check') return `fast-check, seed ${s.seed}, path ${s.path}`;
  if (s.strategy === 'pct') return `PCT, seed ${s.seed}, depth ${s.depth}, run ${s.run}`;
  if (s.strategy === 'swarm') return `swarm, seed ${s.seed}, run ${s.run}`;
  return `by hand: ${s.note}`;
}

function counterexampleHtml(r: AuditResult, e: CeEntry, anchor: string, t: Timeline | undefined, outDir: string): string {
  const ce = e.ce;
  const cell = r.cells.find((c) => c.counterexample === e.key);
  const failing = !e.recorded || cell?.observed === 'not-reproduced';
  const status = !e.recorded ? 'UNEXPECTED: not in the expectations manifest' : cell?.observed === 'reproduced' ? 'violated as expected; reproduced' : `recorded; ${cell?.observed ?? 'not checked'}`;
  const v = ce.violation;
  const kv: [string, string][] = [
    ['status', `<span class="${failing ? 'unexpected' : 'expected'}">${esc(status)}</span>`],
    ['violation', `<b>${esc(ce.property)}</b>: ${esc(v.message)}`],
    ['where', `cpu${v.cpu} (${esc(v.context)}) <span class="fn">${esc(v.fn)}</span>${v.stmt ? `: <code>${esc(v.stmt)}</code>` : ''}${t ? ` — <a href="#${esc(anchor)}-violation">in the timeline</a>` : ''}`],
    ['call chain', v.frames.length ? `<code>${esc(v.frames.join(' → '))}</code>` : '–'],
    ['finding', ce.finding ? `<b>${esc(ce.finding)}</b> ${esc(ce.explanation ?? '')}` : 'unclassified'],
    ['stats', `${ce.stats.ops} op(s), ${ce.stats.contextSwitches} context switch(es), ${ce.stats.steps} step(s)`],
    ['found by', esc(searchText(e))],
    ['replay', e.recorded ? `<code>npx vmapcheck replay ${esc(e.key)}</code>` : `<code>npx vmapcheck replay ${esc(savedCounterexamplePath(outDir, ce))}</code>; <code>npx vmapcheck discover --variant ${esc(ce.variant)} --campaign ${esc(ce.campaign)} --write</code> records it`],
    ...(searchCommand(ce) ? ([['regenerate', `<code>${esc(searchCommand(ce)!)}</code>`]] as [string, string][]) : []),
  ];
  const body: string[] = [`<div class="kv">${kv.map(([k, x]) => `<b>${esc(k)}</b><span>${x}</span>`).join('')}</div>`];
  if (t !== undefined) {
    const parts = [...(t.splat ? [`<h4>Kernel splat</h4><pre class="splat">${esc(t.splat.join('\n'))}</pre>`] : []), `<h4>Timeline (${t.cpus} CPU${t.cpus === 1 ? '' : 's'})</h4>`, timelineTable(t, ce.property, anchor)];
    if (t.atViolation) parts.push(addressMapHtml(t, t.atViolation));
    parts.push(addressMapHtml(t, { label: 'at the end of the run (after teardown)', areas: t.areas, blocks: t.blocks }));
    // Failing sections (open) inline; the others lazily, when opened (see SCRIPT).
    if (failing) body.push(...parts);
    else body.push(`<div class="tl-slot"><p class="sub">Open this section to draw its timeline.</p></div><template class="lazy">${parts.join('\n')}</template>`);
  } else body.push(`<p class="sub">Not replayable any more (see the failures); the recorded trace:</p><pre>${esc(ce.trace.join('\n'))}</pre>`);
  const title = `${ce.variant} / ${ce.campaign} / ${ce.property}`;
  return `<section class="ce${failing ? ' failure' : ''}" id="${esc(anchor)}"><details${failing ? ' open' : ''}><summary>${esc(title)} <span class="sub">${esc(e.key)}${ce.finding ? ' — ' + esc(ce.finding) : ''}</span></summary>\n${body.join('\n')}\n</details></section>`;
}

function figuresHtml(r: AuditResult): string {
  const rows = r.figures.map((f) => `<tr><td>${esc(f.variant)}</td><td>${esc(f.campaign)}</td><td class="num">${f.runs}</td><td class="num">${f.steps}</td><td class="num">${(f.ms / 1000).toFixed(1)}</td></tr>`);
  const sum = (k: 'runs' | 'steps' | 'ms'): number => r.figures.reduce((n, f) => n + f[k], 0);
  rows.push(`<tr><th colspan="2">total</th><td class="num">${sum('runs')}</td><td class="num">${sum('steps')}</td><td class="num">${(sum('ms') / 1000).toFixed(1)}</td></tr>`);
  return `<h2 id="campaigns">Campaigns</h2><table><tr><th>variant</th><th>campaign</th><th>runs</th><th>steps</th><th>seconds</th></tr>${rows.join('')}</table>`;
}

/** The audit as one self-contained HTML page; `timelines` maps counterexample keys to replayed timelines. */
export function renderHtml(r: AuditResult, timelines: Record<string, Timeline>, outDir = 'out'): string {
  const entries = counterexampleEntries(r);
  const anchors = new Map(entries.map((e, i) => [e.key, `ce-${i + 1}-${slug(e.key)}`]));
  const v = verdict(r);
  const ces = entries.map((e) => counterexampleHtml(r, e, anchors.get(e.key)!, timelines[e.key], outDir));
  const sections: [string, string, string][] = [
    ['failures', 'failures', failuresHtml(r, anchors, entries)],
    ['findings', 'findings', findingsHtml(r, anchors)],
    ['matrix', 'properties', matrixHtml(r, anchors)],
    ['irq', 'irq safety', irqHtml(r, (path) => anchors.get(path))],
    ['sometimes', 'sometimes', sometimesHtml(r)],
    ['counterexamples', 'counterexamples', `<h2 id="counterexamples">Counterexamples (${entries.length})</h2>\n<div id="toggles" hidden><button type="button" data-open="1">expand all</button><button type="button" data-open="0">collapse all</button></div>\n${ces.length > 0 ? ces.join('\n') : '<p class="sub">None.</p>'}`],
    ['coverage', 'coverage', `<h2 id="coverage">Lifecycle coverage</h2>\n${coverageHtml(r)}`],
    ['campaigns', 'campaigns', figuresHtml(r)],
  ];
  // The nav links only to sections this page has (a section renders to '' when empty).
  const present = sections.filter(([, , html]) => html !== '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>vmapcheck audit: ${esc(v)}</title>`,
    `<style>${CSS}${DIAGRAM_CSS}</style></head><body>`,
    '<h1>vmapcheck audit</h1>',
    `<nav>${present.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>`,
    `<div class="banner ${r.ok ? 'ok' : 'bad'}">${r.ok ? '✓' : '‼'} ${esc(v)} <span class="sub">${r.variants.length} variant(s): ${r.variants.map(esc).join(', ')} × ${r.campaigns.length} campaign(s): ${r.campaigns.map(esc).join(', ')}</span></div>`,
    ...present.map(([, , html]) => html),
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
