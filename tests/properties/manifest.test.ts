/**
 * The CI run of the checker: every base and every `-fixed` variant under every campaign
 * (irq campaigns included) must behave exactly as expectations.json records, by finding.
 * A violation no recorded finding explains fails with its shrunk counterexample printed; a
 * recorded counterexample that no longer reproduces, or that its finding's experiment no
 * longer removes, fails; a sometimes-property no campaign reached fails; a `-fixed`
 * variant holds every property in every campaign it runs.
 */
import { describe, expect, it } from 'vitest';
import { audit, contractCampaign } from '../../explore/audit';
import { CAMPAIGNS, IRQ_CAMPAIGNS } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../../model/variants/registry';
import { terminalSummary } from '../../reports/index';

const manifest = readManifest();
const ALL = [...VARIANTS.map((v) => v.name), ...FIXED_VARIANT_NAMES];

describe.each(ALL.map((n) => [n]))('%s against expectations.json', (name) => {
  it('every campaign shows exactly the recorded findings, and reaches every sometimes-property', () => {
    const v = variantByName(name);
    const r = audit([v], CAMPAIGNS, manifest, { irq: true });
    if (!r.ok) console.log(terminalSummary(r));
    expect(r.failures.map((f) => `${f.kind}: ${f.campaign} ${f.finding ?? ''} ${f.property}: ${f.detail.split('\n')[0]}`)).toEqual([]);
    // The survey really ran: every applicable campaign's full budget.
    const ran = [...CAMPAIGNS, ...IRQ_CAMPAIGNS].filter((c) => !name.includes('-fixed') || !contractCampaign(manifest, name, c.name));
    expect(r.figures.map((f) => [f.campaign, f.runs])).toEqual(ran.map((c) => [c.name, c.runs]));
    if (name.includes('-fixed')) expect(r.findings).toEqual([]);
  });
});

describe('the manifest', () => {
  it('records every base and every -fixed variant, and the -fixed ones with no finding', () => {
    for (const n of ALL) expect(Object.keys(manifest.variants), n).toContain(n);
    for (const n of FIXED_VARIANT_NAMES) for (const e of Object.values(manifest.variants[n]!)) expect(e.findings).toEqual({});
  });
  it('the control: vanilla shows only contract findings and misuse', () => {
    const ids = new Set(Object.values(manifest.variants['vanilla'] ?? {}).flatMap((e) => Object.keys(e.findings)));
    for (const id of ids) expect(['F11', 'F14']).toContain(id);
  });
  it('every recorded finding has its kind and the properties it shows through', () => {
    const ids = new Set(Object.values(manifest.variants).flatMap((cs) => Object.values(cs).flatMap((e) => Object.keys(e.findings))));
    for (const id of ids) expect(manifest.findings[id]?.properties.length, id).toBeGreaterThan(0);
  });
});
