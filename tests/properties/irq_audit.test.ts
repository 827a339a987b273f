/**
 * The irq-safety audit (issue 5) against the manifest: for every variant, API call and
 * context, the problems attributable to the call are exactly the recorded ones, and each
 * recorded counterexample still reproduces.
 */
import { describe, expect, it } from 'vitest';
import { IRQ_CALLS, IRQ_CONTEXTS, irqCampaign } from '../../explore/campaigns';
import { auditCall } from '../../explore/irq_audit';
import { expectedViolations, readManifest } from '../../counterexamples/manifest';
import { replayPath } from '../../counterexamples/replay';
import { VARIANTS } from '../../model/variants/registry';

const manifest = readManifest();

describe.each(VARIANTS.map((v) => [v.name, v] as const))('irq audit of %s', (_name, v) => {
  it('each call in each context shows exactly the recorded problems', () => {
    const mismatches: string[] = [];
    for (const call of IRQ_CALLS) {
      for (const ctx of IRQ_CONTEXTS) {
        const r = auditCall(v, call, ctx, undefined, false);
        const seen = r.problems.map((p) => p.property).sort();
        const want = Object.keys(expectedViolations(manifest, v.name, irqCampaign(call, ctx).name)).sort();
        if (seen.join() !== want.join()) mismatches.push(`${call} in ${ctx}: saw [${seen.join(', ')}], manifest has [${want.join(', ')}]`);
        if (r.exercised === 0) mismatches.push(`${call} in ${ctx}: never exercised`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('every recorded irq counterexample reproduces', () => {
    const paths = Object.entries(manifest.variants[v.name] ?? {})
      .filter(([c]) => c.startsWith('irq-'))
      .flatMap(([, e]) => Object.values(e.violated));
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.filter((p) => !replayPath(p).reproduced)).toEqual([]);
  });
});

describe('verdicts a reviewer relies on', () => {
  const problems = (variant: string, call: (typeof IRQ_CALLS)[number], ctx: (typeof IRQ_CONTEXTS)[number]): string[] =>
    Object.keys(expectedViolations(manifest, variant, irqCampaign(call, ctx).name)).sort();
  it('vfree from hardirq BUGs on every variant (BUG_ON(in_interrupt()) survives the irq patch)', () => {
    for (const v of VARIANTS) expect(problems(v.name, 'vfree', 'hardirq')).toContain('no_bug');
  });
  it('vm_unmap_ram from hardirq breaks lockdep on rewrite-v2 and is clean on irqsafe', () => {
    expect(problems('rewrite-v2', 'vm_unmap_ram', 'hardirq')).toContain('lockdep_irq_safe');
    expect(problems('irqsafe', 'vm_unmap_ram', 'hardirq')).toEqual([]);
  });
});
