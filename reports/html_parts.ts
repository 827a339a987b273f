/**
 * Pieces of the HTML report that draw one run or one variant: the per-CPU timeline table,
 * the address-space map, and the lifecycle coverage. All text goes through `esc`.
 */
import type { AuditResult } from '../explore/audit';
import type { AddressMap, CpuState, Row, Timeline } from './timeline';
import { esc, slug } from './html_style';
import { stateDiagramSvg } from './diagram';
import { lifecycleTable } from '../model/lifecycles/index';

/** One CPU's TLB contents as a compact list. */
function tlbHtml(s: CpuState): string {
  return `<div class="tlb">TLB: ${s.tlb.length === 0 ? '∅' : s.tlb.map((a) => `<code>${esc(a)}</code>`).join(' ')}</div>`;
}

/** Locks, irq state and (optionally) TLB of one CPU, as compact badges (floated right). */
function stateHtml(s: CpuState, tlb: boolean): string {
  const parts: string[] = [];
  if (!s.irqs) parts.push('<span class="io">irqs off</span>');
  // How each lock was taken is on the row that took it; here just the name (⊘: irqs were off).
  for (const l of s.locks) parts.push(l.irqsOn ? `<span class="lk">${esc(l.name)}</span>` : `<span class="lk irqoff">${esc(l.name)} ⊘</span>`);
  const st = parts.length > 0 ? `<span class="st">${parts.join('')}</span>` : '';
  return st + (tlb ? tlbHtml(s) : '');
}

/** The executing CPU's cell content for a row. */
function rowText(r: Row): string {
  const ctx = r.ctx && r.ctx !== 'process' && r.kind !== 'irq' ? `<span class="ctx">${esc(r.ctx)}</span>` : '';
  if (r.fn !== undefined) return `${ctx}<b>${esc(r.fn)}</b>: <code>${esc(r.stmt ?? '')}</code>`;
  return `${ctx}${esc(r.text)}`;
}

/** The cell of a CPU column in a row where that CPU is not the one acting. */
function idleCell(s: CpuState): string {
  const cls = [s.irqs ? '' : 'off', s.locks.length > 0 ? 'held' : ''].filter(Boolean).join(' ');
  return cls ? `<td class="${cls}"></td>` : '<td></td>';
}

/** Events a statement causes on its own CPU in the same step, shown inside the statement's row. */
const FOLD = new Set<Row['kind']>(['lock', 'unlock', 'pte', 'tlb']);

/** Rows grouped: a step with the lock / unlock / PTE / TLB events it caused on its CPU. */
function groups(rows: readonly Row[]): Row[][] {
  const out: Row[][] = [];
  for (const r of rows) {
    const g = out.at(-1);
    const head = g?.[0];
    if (g && head && head.kind === 'step' && FOLD.has(r.kind) && r.cpu === head.cpu && r.step === head.step) g.push(r);
    else out.push([r]);
  }
  return out;
}

function stateRow(label: string, after: readonly CpuState[]): string {
  return `<tr class="atv"><td class="n">${label}</td>${after.map((s) => `<td>${stateHtml(s, true) || '<span class="sub">no locks, irqs on</span>'}</td>`).join('')}</tr>`;
}

/** The per-CPU timeline: one column per CPU, the violation of `property` highlighted and followed by every CPU's state. */
export function timelineTable(t: Timeline, property: string, anchor: string): string {
  const cols = Array.from({ length: t.cpus }, (_, c) => `<th>cpu${c}</th>`).join('');
  const out: string[] = [
    `<div class="legend"><span><span class="lk">lock</span> held after the row (⊘: taken with irqs off)</span><span><span class="io">irqs off</span> after the row</span><span>hatched: that CPU has irqs off</span><span>blue edge: that CPU holds locks</span></div>`,
    `<table class="tl"><thead><tr><th style="width:4.5em">step</th>${cols}</tr></thead><tbody>`,
  ];
  let mainSeen = false;
  for (const g of groups(t.rows)) {
    const r = g[0]!;
    const last = g.at(-1)!;
    if (r.cpu < 0) {
      const main: boolean = r.violation !== undefined && r.violation.property === property && !mainSeen;
      const id = main ? ` id="${esc(anchor)}-violation"` : '';
      const text = r.violation ? `‼ ${esc(r.violation.property)}: ${esc(r.violation.message)}` : esc(r.text);
      out.push(`<tr class="k-${r.kind}${main ? ' main' : ''}"${id}><td class="n">${r.step}</td><td class="g" colspan="${t.cpus}">${text}</td></tr>`);
      if (main) out.push(stateRow('at ‼', r.after));
      mainSeen ||= main;
      continue;
    }
    const notes = g.slice(1).map((x) => `<div class="note k-${x.kind}">${esc(x.text)}</div>`).join('');
    const tlb = g.some((x) => x.tlbChanged.includes(r.cpu));
    const cells = last.after.map((s, c) => (c === r.cpu ? `<td class="x">${stateHtml(s, false)}${rowText(r)}${notes}${tlb ? tlbHtml(s) : ''}</td>` : idleCell(s)));
    out.push(`<tr class="k-${r.kind}"><td class="n">${r.step}</td>${cells.join('')}</tr>`);
  }
  const end = t.rows.at(-1);
  if (end) out.push(stateRow('end', end.after));
  out.push('</tbody></table>');
  if (t.omitted > 0) out.push(`<p class="sub">${t.omitted} further events not shown.</p>`);
  return out.join('\n');
}

/** Place boxes in lanes so overlapping ones do not hide each other; returns lane per box and which overlap. */
function lanes(boxes: readonly { offset: number; pages: number }[]): { lane: number[]; overlap: boolean[] } {
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a]!.offset - boxes[b]!.offset || a - b);
  const ends: number[] = [];
  const lane: number[] = new Array(boxes.length).fill(0);
  const overlap: boolean[] = new Array(boxes.length).fill(false);
  for (const i of order) {
    const b = boxes[i]!;
    let l = ends.findIndex((e) => e <= b.offset);
    if (l < 0) l = ends.push(0) - 1;
    ends[l] = b.offset + Math.max(b.pages, 1);
    lane[i] = l;
  }
  boxes.forEach((a, i) =>
    boxes.forEach((b, j) => {
      if (i !== j && a.offset < b.offset + b.pages && b.offset < a.offset + a.pages) overlap[i] = true;
    }),
  );
  return { lane, overlap };
}

/** A box's position on the bar, in percent (clamped to the bar). */
function place(offset: number, pages: number, total: number): string {
  const l = Math.min(Math.max(offset, 0), total);
  const r = Math.min(Math.max(offset + pages, 0), total);
  return `left:${((100 * l) / total).toFixed(3)}%;width:calc(${((100 * Math.max(r - l, 0)) / total).toFixed(3)}% - 1px)`;
}

/** What the boxes of an address-space map mean. */
const MAP_LEGEND =
  '<div class="legend maplegend">' +
  '<span><span class="sw box-live"></span>vmap area in use</span>' +
  '<span><span class="sw box-lazy"></span>lazily freed / being purged (TLB may still map it)</span>' +
  '<span><span class="sw box-freed"></span>freed</span>' +
  '<span><span class="sw box-km"></span>kmalloced, not yet in the tree</span>' +
  '<span><span class="sw box-ovl"></span>overlaps another area</span>' +
  '<span><span class="sw box-blk"></span>vmap block (darker: full / fully dirty)</span>' +
  '<span>x axis: VMALLOC_START … VMALLOC_END to scale; overlapping areas go to extra lanes</span>' +
  '</div>';

/** The address-space map: areas (and vmap blocks) drawn to scale on the vmalloc range, with its legend. */
export function addressMapHtml(t: Timeline, m: AddressMap): string {
  const total = Math.max(t.pages, 1);
  const inside = m.areas.filter((a) => a.inRange);
  const { lane, overlap } = lanes(inside);
  const nl = Math.max(1, ...lane.map((l) => l + 1));
  const grid = total <= 256 ? `background-image:linear-gradient(to right,#d0d7de 1px,transparent 1px);background-size:calc(100% / ${total}) 100%;` : '';
  const out: string[] = [`<h4>Address space: ${esc(m.label)}</h4>`, MAP_LEGEND, `<div class="amap" style="${grid}">`];
  for (let l = 0; l < nl; l++) {
    const boxes = inside
      .map((a, i) => ({ a, i }))
      .filter(({ i }) => lane[i] === l)
      .map(({ a, i }) => {
        const label = `#${a.id} ${a.state}${a.flags.length ? ' ' + a.flags.join('|') : ''}`;
        const title = `vmap_area #${a.id} [${a.start}, ${a.end}) ${a.pages} page(s), ${a.state}${a.flags.length ? ', ' + a.flags.join('|') : ''}${overlap[i] ? ', OVERLAPS another area' : ''}`;
        return `<div class="box s-${slug(a.state)}${overlap[i] ? ' overlap' : ''}" style="${place(a.offset, a.pages, total)}" title="${esc(title)}">${esc(label)}</div>`;
      });
    out.push(`<div class="lane">${l === 0 ? '<span class="ln">areas</span>' : ''}${boxes.join('')}</div>`);
  }
  if (m.blocks.length > 0) {
    const boxes = m.blocks.map((b) => {
      const title = `vmap_block #${b.id} of cpu${b.cpu} at ${b.start}: free ${b.free}, dirty ${b.dirty}, ${b.state}${b.onFreeList ? ', on vbq->free' : ''}${b.onDirtyList ? ', on dirty list' : ''}`;
      return `<div class="box blk s-${slug(b.state)}" style="${place(b.offset, b.pages, total)}" title="${esc(title)}">${esc(`blk#${b.id} cpu${b.cpu} free ${b.free} dirty ${b.dirty}`)}</div>`;
    });
    out.push(`<div class="lane"><span class="ln">blocks</span>${boxes.join('')}</div>`);
  }
  out.push('</div>', `<div class="axis"><span>${esc(t.vmalloc.start)} VMALLOC_START</span><span>${total} pages</span><span>VMALLOC_END ${esc(t.vmalloc.end)}</span></div>`);
  const outside = m.areas.filter((a) => !a.inRange);
  if (outside.length > 0) out.push(`<p class="outside">Outside the vmalloc range: ${outside.map((a) => esc(`#${a.id} [${a.start}, ${a.end}) ${a.state}`)).join('; ')}</p>`);
  if (m.areas.length === 0 && m.blocks.length === 0) out.push('<p class="sub">No areas and no blocks.</p>');
  else {
    const rows = m.areas.map((a) => `<tr${a.inRange && !overlap[inside.indexOf(a)] ? '' : ' class="unexpected"'}><td class="num">#${a.id}</td><td><code>${esc(a.start)}</code></td><td><code>${esc(a.end)}</code></td><td class="num">${a.pages}</td><td>${esc(a.state)}</td><td>${esc(a.flags.join(' | '))}</td></tr>`);
    out.push(`<details open><summary>Areas as a table (${m.areas.length})</summary><table><tr><th>area</th><th>va_start</th><th>va_end</th><th>pages</th><th>state</th><th>flags</th></tr>${rows.join('')}</table></details>`);
  }
  return out.join('\n');
}

/** A machine the variant never instantiated (every state entered 0 times): it has no such object. */
function absent(m: { states: Record<string, number> }): boolean {
  return Object.values(m.states).every((n) => n === 0);
}

/**
 * Lifecycle coverage of every variant: each machine as a state diagram (covered / uncovered
 * states and transitions) with its count tables; machines the variant never instantiates
 * (vanilla has no vmap_block) are listed as absent, not as uncovered.
 */
export function coverageHtml(r: AuditResult): string {
  const out: string[] = [];
  for (const v of r.variants) {
    const cov = r.coverage[v];
    if (cov === undefined) continue;
    const machines = Object.entries(cov).filter(([, m]) => !absent(m));
    const missing = Object.entries(cov).filter(([, m]) => absent(m)).map(([name]) => name);
    const unc = machines.reduce((n, [, m]) => n + m.uncovered.length, 0);
    const all = machines.reduce((n, [, m]) => n + Object.keys(m.transitions).length, 0);
    out.push(`<details class="covv"${unc > 0 ? ' open' : ''} data-variant="${esc(v)}"><summary>${esc(v)}: ${all - unc} of ${all} declared transitions taken${unc > 0 ? `, <span class="outside">${unc} uncovered</span>` : ''}</summary>`);
    if (missing.length > 0) out.push(`<p class="sub">Not part of ${esc(v)} (never instantiated, so not counted as uncovered): ${missing.map((m) => `<code>${esc(m)}</code>`).join(', ')}</p>`);
    out.push('<div class="cov">');
    for (const [name, m] of machines) {
      const table = lifecycleTable(name);
      const states = Object.entries(m.states).map(([s, n]) => `<tr${n === 0 ? ' class="zero"' : ''}><td>${esc(s)}</td><td class="num">${n}</td></tr>`);
      const trans = Object.entries(m.transitions).map(([k, n]) => `<tr${n === 0 ? ' class="zero"' : ''}><td><code>${esc(k)}</code>${n === 0 ? ' <b>uncovered</b>' : ''}</td><td class="num">${n}</td></tr>`);
      const rej = Object.entries(m.rejected).map(([k, n]) => `<tr class="zero"><td><code>${esc(k)}</code></td><td class="num">${n}</td></tr>`);
      out.push(
        `<div><h3>${esc(name)} <span class="sub">${m.uncovered.length} of ${trans.length} transitions uncovered</span></h3>`,
        table ? stateDiagramSvg(table, m, `sm-${v}-${name}`) : '',
        `<details><summary>counts</summary><table><tr><th>state</th><th>entered</th></tr>${states.join('')}</table>`,
        `<table><tr><th>transition</th><th>taken</th></tr>${trans.join('')}</table></details>`,
        rej.length > 0 ? `<table><tr><th>rejected event</th><th>times</th></tr>${rej.join('')}</table>` : '',
        '</div>',
      );
    }
    out.push('</div></details>');
  }
  if (out.length > 0) out.unshift('<p class="legend"><span>diagram: <b style="color:#1a7f37">solid green</b> transition taken / state entered</span><span><b style="color:#cf222e">dashed red</b> never taken / never entered</span><span>thick border: final state; dot: initial state; hover for counts</span></p>');
  return out.join('\n');
}
