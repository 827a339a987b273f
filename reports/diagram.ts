/**
 * Lifecycle machines drawn as state diagrams (inline SVG), generated from the transition
 * tables derived from the XState configs in model/lifecycles (never a hand-drawn copy):
 * states placed in columns by distance from the initial state, one arrow per (from, to)
 * pair labelled with its events, covered transitions solid green, uncovered dashed red,
 * states never entered outlined red. Counts are in each element's <title>.
 */
import type { LifecycleTable } from '../model/lifecycles/table';
import type { MachineCoverageJSON } from '../model/lifecycles/coverage';
import { esc, slug } from './html_style';

const NODE_W = 132;
const NODE_H = 30;
const COL = 200;
const ROW = 64;
const PAD = 28;

/** One drawn edge: every event that goes from `from` to `to`. */
interface Edge {
  readonly from: number;
  readonly to: number;
  readonly events: { name: string; count: number }[];
}

/** Columns: BFS distance from the initial state (unreachable states in a last column). */
function columns(t: LifecycleTable): number[] {
  const n = t.states.length;
  const e = t.events.length;
  const depth = new Array<number>(n).fill(-1);
  depth[t.initial] = 0;
  const queue = [t.initial];
  while (queue.length > 0) {
    const s = queue.shift()!;
    for (let k = 0; k < e; k++) {
      const to = t.next[s * e + k]!;
      if (to >= 0 && depth[to] === -1) {
        depth[to] = depth[s]! + 1;
        queue.push(to);
      }
    }
  }
  const max = Math.max(0, ...depth);
  return depth.map((d) => (d < 0 ? max + 1 : d));
}

function edgesOf(t: LifecycleTable, cov: MachineCoverageJSON | undefined): Edge[] {
  const e = t.events.length;
  const by = new Map<string, Edge>();
  for (let s = 0; s < t.states.length; s++) {
    for (let k = 0; k < e; k++) {
      const to = t.next[s * e + k]!;
      if (to < 0) continue;
      const key = `${s}>${to}`;
      const count = cov?.transitions[`${t.states[s]} --${t.events[k]}--> ${t.states[to]}`] ?? 0;
      const edge = by.get(key) ?? { from: s, to, events: [] };
      edge.events.push({ name: t.events[k]!, count });
      by.set(key, edge);
    }
  }
  return [...by.values()];
}

/** The state diagram of `t` with `cov`'s counts (undefined: structure only). */
export function stateDiagramSvg(t: LifecycleTable, cov: MachineCoverageJSON | undefined, idPrefix: string): string {
  const col = columns(t);
  const rowIn = new Map<number, number>();
  const pos = t.states.map((_, i) => {
    const c = col[i]!;
    const r = rowIn.get(c) ?? 0;
    rowIn.set(c, r + 1);
    return { x: PAD + c * COL, y: PAD + 14 + r * ROW };
  });
  const width = PAD * 2 + Math.max(...col) * COL + NODE_W;
  const height = PAD * 2 + 14 + Math.max(...rowIn.values()) * ROW;
  const id = slug(idPrefix);
  const out: string[] = [
    `<svg class="sm" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`state diagram of ${t.name}`)}" data-machine="${esc(t.name)}">`,
    `<defs><marker id="${id}-a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#1a7f37"/></marker><marker id="${id}-u" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#cf222e"/></marker></defs>`,
  ];
  const edges = edgesOf(t, cov);
  const has = new Set(edges.map((e) => `${e.from}>${e.to}`));
  for (const e of edges) {
    const taken = e.events.reduce((n, x) => n + x.count, 0);
    const covered = cov === undefined || e.events.every((x) => x.count > 0);
    const cls = covered ? 't-cov' : 't-unc';
    const label = e.events.map((x) => x.name).join(', ');
    const title = e.events.map((x) => `${t.states[e.from]} --${x.name}--> ${t.states[e.to]}: ${cov === undefined ? '' : x.count === 0 ? 'never taken' : `taken ${x.count} time(s)`}`).join('\n');
    const a = pos[e.from]!;
    const b = pos[e.to]!;
    let d: string;
    let lx: number;
    let ly: number;
    if (e.from === e.to) {
      const x = a.x + NODE_W / 2;
      d = `M${x - 18} ${a.y} C${x - 30} ${a.y - 34} ${x + 30} ${a.y - 34} ${x + 18} ${a.y}`;
      [lx, ly] = [x, a.y - 30];
    } else {
      // From the right edge to the left edge going forward, bent when a reverse edge exists or they share a column.
      const fwd = b.x >= a.x;
      const x1 = fwd && b.x !== a.x ? a.x + NODE_W : a.x + NODE_W / 2;
      const y1 = fwd && b.x !== a.x ? a.y + NODE_H / 2 : a.y + (b.y > a.y ? NODE_H : 0);
      const x2 = fwd && b.x !== a.x ? b.x : b.x + NODE_W / 2;
      const y2 = fwd && b.x !== a.x ? b.y + NODE_H / 2 : b.y + (b.y > a.y ? 0 : NODE_H);
      const bend = has.has(`${e.to}>${e.from}`) || b.x <= a.x ? 26 * (e.from < e.to ? -1 : 1) : 0;
      const mx = (x1 + x2) / 2 + (b.x === a.x ? bend * 2 : 0);
      const my = (y1 + y2) / 2 + (b.x === a.x ? 0 : bend);
      d = `M${x1} ${y1} Q${mx} ${my} ${x2} ${y2}`;
      [lx, ly] = [(x1 + 2 * mx + x2) / 4, (y1 + 2 * my + y2) / 4 - 4];
    }
    out.push(`<g class="tr ${cls}" data-taken="${taken}"><title>${esc(title)}</title><path d="${d}" fill="none" marker-end="url(#${id}-${covered ? 'a' : 'u'})"/><text x="${lx.toFixed(1)}" y="${ly.toFixed(1)}" text-anchor="middle">${esc(label)}</text></g>`);
  }
  t.states.forEach((s, i) => {
    const p = pos[i]!;
    const n = cov?.states[s] ?? 0;
    const cls = ['st', cov === undefined || n > 0 ? 's-cov' : 's-unc', t.final[i] ? 'final' : '', i === t.initial ? 'initial' : ''].filter(Boolean).join(' ');
    const title = `${s}${i === t.initial ? ' (initial)' : ''}${t.final[i] ? ' (final)' : ''}${cov === undefined ? '' : n === 0 ? ': never entered' : `: entered ${n} time(s)`}`;
    out.push(`<g class="${cls}"><title>${esc(title)}</title><rect x="${p.x}" y="${p.y}" width="${NODE_W}" height="${NODE_H}" rx="${t.final[i] ? 15 : 5}"/><text x="${p.x + NODE_W / 2}" y="${p.y + 19}" text-anchor="middle">${esc(s)}</text></g>`);
  });
  const init = pos[t.initial]!;
  out.push(`<circle cx="${init.x - 14}" cy="${init.y + NODE_H / 2}" r="5" fill="#1f2328"/><path d="M${init.x - 9} ${init.y + NODE_H / 2}H${init.x - 1}" stroke="#1f2328" marker-end="url(#${id}-a)"/>`);
  out.push('</svg>');
  return out.join('');
}

/** CSS of the diagrams (appended to the page's stylesheet). */
export const DIAGRAM_CSS = `
svg.sm{display:block;margin:6px 0;font:11px ui-monospace,monospace;max-width:100%;height:auto}
svg.sm .st rect{fill:#fff;stroke:#1a7f37;stroke-width:1.5}svg.sm .st.s-unc rect{fill:#ffebe9;stroke:#cf222e;stroke-dasharray:4 3}
svg.sm .st.final rect{stroke-width:3}svg.sm .st text{fill:#1f2328}
svg.sm .tr path{stroke-width:1.4}svg.sm .t-cov path{stroke:#1a7f37}svg.sm .t-unc path{stroke:#cf222e;stroke-dasharray:5 4}
svg.sm .tr text{font-size:10px;fill:#57606a}svg.sm .t-unc text{fill:#cf222e;font-weight:600}
`;
