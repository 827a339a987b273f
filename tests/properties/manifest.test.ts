/**
 * The CI run of the checker: every variant under every campaign must behave exactly as
 * expectations.json records. A `holds` entry that breaks fails with its shrunk
 * counterexample printed; a recorded counterexample that no longer reproduces fails; a
 * sometimes-property no campaign reached fails.
 */
import { describe, expect, it } from 'vitest';
import { audit } from '../../explore/audit';
import { CAMPAIGNS } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { VARIANTS } from '../../model/variants/registry';
import { terminalSummary } from '../../reports/index';

describe.each(VARIANTS.map((v) => [v.name, v] as const))('%s against expectations.json', (_name, v) => {
  it('every campaign breaks exactly the recorded properties, and reaches every sometimes-property', () => {
    const r = audit([v], CAMPAIGNS, readManifest());
    if (!r.ok) console.log(terminalSummary(r));
    expect(r.failures.map((f) => `${f.kind}: ${f.campaign} ${f.property}: ${f.detail.split('\n')[0]}`)).toEqual([]);
    // The survey really ran: every campaign's full budget.
    expect(r.figures.map((f) => f.runs)).toEqual(CAMPAIGNS.map((c) => c.runs));
  });
});

describe('the control', () => {
  it('vanilla breaks nothing outside interrupt context and deliberate misuse', () => {
    const m = readManifest();
    const broken = Object.entries(m.variants['vanilla'] ?? {})
      .filter(([campaign, e]) => Object.keys(e.violated).length > 0 && campaign !== 'tiny-irq' && campaign !== 'tiny-misuse' && !campaign.startsWith('irq-'))
      .map(([campaign]) => campaign);
    expect(broken).toEqual([]);
  });
});
