/**
 * Root-cause identity by experiment (counterexamples/classify.ts) and fix composition
 * (model/variants/fixes, model/variants/registry.ts), on small hand-written scenarios.
 */
import { describe, expect, it } from 'vitest';
import { campaignByName } from '../../explore/campaigns';
import { breaks, breaksElsewhere, classifyScenario, experimentRemoves } from '../../counterexamples/classify';
import type { Scenario } from '../../model/engine/program';
import { FIXES, applyFixes, FixCompositionError, type Fix } from '../../model/variants/fixes/index';
import { rewriteV2Fns } from '../../model/variants/rewrite-v2/index';
import { fixesFor, parseVariantName, variantByName, VariantNameError } from '../../model/variants/registry';

const one = campaignByName('tiny-1cpu');
const irq = campaignByName('irq-hardirq-vfree');
const vmalloc1: Scenario = { programs: [[{ id: 1, op: 'vmalloc', pages: 1 }]], schedule: [], faults: [] };
/** vfree of a vmalloc'ed area from a hardirq on cpu1 while cpu0 waits. */
const vfreeFromIrq: Scenario = {
  programs: [[{ id: 1, op: 'vmalloc', pages: 1 }], []],
  schedule: [{ t: 'run', cpu: 0, n: 400 }, { t: 'irq', cpu: 1, kind: 'hardirq', op: { id: 2, op: 'vfree', h: 1 } }, { t: 'run', cpu: 1, n: 50 }],
  faults: [],
};

describe('classification by experiment', () => {
  it('a defect: the F2 fix alone removes the empty cache flush, no other experiment does', () => {
    expect(breaks('rewrite-v2', one, 'flush_cache_vmap_covers_mapping', vmalloc1)).toBe(true);
    const c = classifyScenario('rewrite-v2', one, 'flush_cache_vmap_covers_mapping', vmalloc1);
    expect(c.findings).toEqual(['F2']);
    expect(c.experiments.length).toBeGreaterThan(1);
    expect(experimentRemoves('F2', 'rewrite-v2', one, 'flush_cache_vmap_covers_mapping', vmalloc1)).toBe(true);
    expect(experimentRemoves('F4', 'rewrite-v2', one, 'flush_cache_vmap_covers_mapping', vmalloc1)).toBe(false);
  });
  it('a contract: vfree from a hardirq BUGs on rewrite-v2 and keeping calls within the contract removes it (F11)', () => {
    expect(breaks('rewrite-v2', irq, 'no_bug', vfreeFromIrq)).toBe(true);
    expect(classifyScenario('rewrite-v2', irq, 'no_bug', vfreeFromIrq).findings).toContain('F11');
    expect(classifyScenario('irqsafe', irq, 'no_bug', vfreeFromIrq).findings).toContain('F13');
  });
  it('a fix that only moves a race is not its cause: F19/F21 stop the replayed softirq page_table_lock inversion, F13 removes it', () => {
    // cpu1 vmalloc(1) is interrupted by a softirq vm_map_ram(1) that allocates a page table
    // under init_mm.page_table_lock; cpu0's vmalloc(4) then takes it with softirqs on. The
    // hole-walk fixes move the areas so the replay no longer allocates that page table, but
    // other interleavings of the same calls still invert the lock: only F13's contract
    // (no vm_map_ram from a softirq) removes it.
    const softirq = campaignByName('irq-softirq-vm_map_ram');
    const scn: Scenario = {
      programs: [[{ id: 2, op: 'vmalloc', pages: 4 }], [{ id: 1, op: 'vmalloc', pages: 1 }]],
      schedule: [{ t: 'run', cpu: 1, n: 3 }, { t: 'irq', cpu: 1, kind: 'softirq', op: { id: 1001, op: 'vm_map_ram', pages: 1 } }],
      faults: [],
    };
    expect(breaks('irqsafe', softirq, 'lockdep_irq_safe', scn)).toBe(true);
    const c = classifyScenario('irqsafe', softirq, 'lockdep_irq_safe', scn);
    expect(c.experiments.filter((e) => e.removes).map((e) => e.finding)).toEqual(['F19', 'F21', 'F13']);
    expect(c.experiments.find((e) => e.finding === 'F19')?.robust).toBe(false);
    expect(breaksElsewhere('irqsafe+F19', softirq, 'lockdep_irq_safe', scn)).toBe(true);
    expect(c.findings).toEqual(['F13']);
  });
  it('a failure one experiment alone removes needs no other interleaving', () => {
    const c = classifyScenario('rewrite-v2', one, 'flush_cache_vmap_covers_mapping', vmalloc1);
    expect(c.experiments.every((e) => e.robust === undefined)).toBe(true);
  });
  it('an already applied fix is not tried again, and a variant with it no longer breaks', () => {
    const c = classifyScenario('rewrite-v2+F2', one, 'flush_cache_vmap_covers_mapping', vmalloc1);
    expect(c.experiments.map((e) => e.finding)).not.toContain('F2');
    expect(breaks('rewrite-v2+F2', one, 'flush_cache_vmap_covers_mapping', vmalloc1)).toBe(false);
  });
});

describe('variant names and composition', () => {
  it('parses bases, +fixes, -fixed and -fixed-without-', () => {
    expect(parseVariantName('rewrite-v2').fixes).toEqual([]);
    expect(parseVariantName('rewrite-v2+F9+F2').fixes.map((f) => f.id)).toEqual(['F2', 'F9']);
    expect(parseVariantName('irqsafe-fixed').fixes.map((f) => f.id)).toEqual(fixesFor('irqsafe').map((f) => f.id));
    expect(parseVariantName('rewrite-v1-fixed-without-F2').fixes.map((f) => f.id)).not.toContain('F2');
    expect(variantByName('rewrite-v2-fixed').name).toBe('rewrite-v2-fixed');
    // A dig variant with its fix added back (what the fix experiment builds) has every fix.
    expect(parseVariantName('irqsafe-fixed-without-F10+F10').fixes.map((f) => f.id)).toEqual(fixesFor('irqsafe').map((f) => f.id));
    expect(parseVariantName('rewrite-v2-fixed-without-F3,F9').fixes.map((f) => f.id)).not.toEqual(expect.arrayContaining(['F3']));
  });
  it('rejects unknown bases and fixes, fixes of another base, and -fixed on vanilla', () => {
    for (const bad of ['rewrite-v9', 'rewrite-v2+F99', 'vanilla+F2', 'vanilla-fixed', 'rewrite-v2-fixed-without-F99']) expect(() => parseVariantName(bad), bad).toThrow(VariantNameError);
  });
  it('every fix composes with every other on every base it applies to', () => {
    for (const base of ['rewrite-v1', 'rewrite-v2', 'irqsafe'] as const) expect(() => variantByName(`${base}-fixed`)).not.toThrow();
  });
  it('two fixes replacing the same table entry are refused', () => {
    const clash: Fix = { ...FIXES[0]!, id: 'FX', patch: (b, f) => FIXES[0]!.patch(b, f) };
    expect(() => applyFixes('rewrite-v2', rewriteV2Fns, [FIXES[0]!, clash])).toThrow(FixCompositionError);
  });
  it('every fix file carries its C hunk and an upstream citation', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync('model/variants/fixes').filter((f) => /^F\d+_/.test(f));
    expect(files.length).toBe(FIXES.length);
    for (const f of files) {
      const text = readFileSync(`model/variants/fixes/${f}`, 'utf8');
      expect(text, f).toMatch(/^ \*\s+[-+]\s+\S/m);
      expect(text, f).toMatch(/upstream:/);
    }
  });
});
