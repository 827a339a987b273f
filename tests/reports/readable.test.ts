/**
 * What a reviewer needs from report.html (issue 10): no dead in-page link, a timeline for
 * every counterexample section (lazily drawn ones included), a legend for the address map,
 * local_irq_save/restore as timeline steps, lifecycle machines drawn from their tables with
 * covered and uncovered transitions, and machines a variant lacks not shown as uncovered.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditResult } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { parseCounterexample } from '../../counterexamples/format';
import { ALL_LIFECYCLES } from '../../model/lifecycles/index';
import { declaredTransitions } from '../../model/lifecycles/table';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { vanilla } from '../../model/variants/vanilla/index';
import { renderHtml, replayTimeline, type Timeline } from '../../reports/index';
import { counterexampleEntries } from '../../reports/markdown';
import { stateDiagramSvg } from '../../reports/diagram';

let r: AuditResult;
let html: string;

beforeAll(() => {
  r = audit([vanilla, rewriteV2], [campaignByName('tiny-1cpu'), campaignByName('tiny-misuse')], readManifest(), { runs: 5 });
  const timelines: Record<string, Timeline> = {};
  for (const e of counterexampleEntries(r)) timelines[e.key] = replayTimeline(e.ce, e.key);
  html = renderHtml(r, timelines);
}, 120_000);

/** Ids present in the page, and those inside lazy templates (rendered on demand). */
function ids(page: string): Set<string> {
  return new Set([...page.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

describe('report.html', () => {
  it('has no dead in-page link: every #fragment is an id of the page', () => {
    const known = ids(html);
    const targets = [...new Set([...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!))];
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((t) => !known.has(t))).toEqual([]);
  });

  it('gives every counterexample section a timeline (inline when failing, else lazily drawn)', () => {
    const sections = html.split('<section class="ce').slice(1).map((s) => s.split('</section>')[0]!);
    expect(sections.length).toBe(counterexampleEntries(r).length);
    for (const s of sections) expect(s).toContain('<table class="tl">');
    expect(sections.some((s) => s.includes('<template class="lazy">'))).toBe(true);
  });

  it('explains the address-space map with a legend', () => {
    const maps = html.split('<div class="amap"').length - 1;
    expect(maps).toBeGreaterThan(0);
    expect(html.split('class="legend maplegend"').length - 1).toBe(maps);
    expect(html).toContain('lazily freed / being purged');
  });

  it("does not count a machine the variant lacks as uncovered (vanilla has no vmap_block)", () => {
    const v = html.slice(html.indexOf('data-variant="vanilla"'));
    const vanillaPart = v.slice(0, v.indexOf('</details>', v.indexOf('<div class="cov">')) + 1);
    expect(vanillaPart).toMatch(/Not part of vanilla[^]*?<code>vmap_block<\/code>/);
    expect(vanillaPart).not.toContain('<h3>vmap_block');
  });

  it('draws every lifecycle machine of rewrite-v2 as a state diagram', () => {
    for (const t of ALL_LIFECYCLES) expect(html).toContain(`data-machine="${t.name}"`);
  });
});

describe('state diagrams', () => {
  it('have one node per state and every declared transition, covered ones solid, uncovered dashed', () => {
    for (const t of ALL_LIFECYCLES) {
      const decl = declaredTransitions(t);
      const key = ([f, e, to]: readonly [number, number, number]): string => `${t.states[f]} --${t.events[e]}--> ${t.states[to]}`;
      // Half the transitions taken: both kinds must show.
      const transitions = Object.fromEntries(decl.map((d, i) => [key(d), i % 2]));
      const svg = stateDiagramSvg(t, { states: Object.fromEntries(t.states.map((s) => [s, 1])), transitions, uncovered: [], rejected: {} }, `t-${t.name}`);
      expect(svg.match(/<g class="st /g)).toHaveLength(t.states.length);
      for (const d of decl) expect(svg).toContain(`${key(d).replace(/>/g, '&gt;')}: `);
      if (decl.length > 1) {
        expect(svg).toContain('class="tr t-cov"');
        expect(svg).toContain('class="tr t-unc"');
      }
    }
  });
});

describe('timeline', () => {
  it('shows local_irq_save and local_irq_restore around an irqs-off call, with the irq state they set', () => {
    const path = 'counterexamples/rewrite-v2.irq-irqs-off-vmalloc.F11.json';
    const t = replayTimeline(parseCounterexample(readFileSync(path, 'utf8'), path), path);
    const save = t.rows.findIndex((x) => x.fn === 'local_irq_save');
    const restore = t.rows.findIndex((x) => x.fn === 'local_irq_restore');
    expect(save).toBeGreaterThanOrEqual(0);
    expect(t.rows[save + 1]!.kind).toBe('call');
    expect(t.rows[save]!.after[t.rows[save]!.cpu]!.irqs).toBe(false);
    if (restore >= 0) {
      expect(restore).toBeGreaterThan(save);
      expect(t.rows[restore - 1]!.kind).toBe('call');
    }
  });
});
