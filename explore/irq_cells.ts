/**
 * The irq-safety verdicts: for each API call and context (hardirq, softirq, process context
 * with irqs disabled), the findings its campaign records on a variant. A call is safe there
 * when its campaign exercised it and records no finding.
 */
import { expectedFindings, type Manifest } from '../counterexamples/manifest';
import { CAMPAIGNS, IRQ_CALLS, IRQ_CONTEXTS, irqCampaign, type Campaign } from './campaigns';

/** The irq-safety verdict of one API call in one context on one variant. */
export interface IrqCell {
  readonly variant: string;
  readonly call: string;
  readonly context: string;
  /** Runs that exercised the call in that context. */
  readonly exercised: number;
  readonly runs: number;
  /** Findings recorded for the call there and in none of the variant's campaigns without interrupts: finding -> counterexample. */
  readonly problems: Record<string, string>;
}

/** The verdict cells of `variant`, from the irq campaigns that ran (`exercised` per campaign). */
export function irqCells(variant: string, manifest: Manifest, exercised: ReadonlyMap<string, number>, ran: readonly Campaign[]): IrqCell[] {
  const out: IrqCell[] = [];
  const normal = new Set(CAMPAIGNS.filter((c) => c.irqOps.length === 0 && c.irqsOff === undefined).flatMap((c) => Object.keys(expectedFindings(manifest, variant, c.name))));
  for (const call of IRQ_CALLS) {
    for (const ctx of IRQ_CONTEXTS) {
      const c = irqCampaign(call, ctx);
      if (!ran.some((x) => x.name === c.name)) continue;
      // Findings the variant shows without interrupts too (its normal campaigns) are not
      // the context's doing: the verdict lists only what this call in this context adds.
      const all = expectedFindings(manifest, variant, c.name);
      const problems = Object.fromEntries(Object.entries(all).filter(([id]) => !normal.has(id)));
      out.push({ variant, call, context: ctx, exercised: exercised.get(c.name) ?? 0, runs: c.runs, problems });
    }
  }
  return out;
}
