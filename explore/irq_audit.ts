/**
 * The irq-safety audit: for each API call and each context (hardirq, softirq, process with
 * irqs disabled), run its campaign and collect the problems attributable to that call in
 * that context; each problem kind gets a shrunk counterexample.
 *
 * Attribution: a splat raised inside the injected handler (its context is the irq kind),
 * or inside the call when it runs with irqs off; lockdep and deadlock reports count too,
 * since the normal campaigns (no interrupts, no irqs-off calls) never raise them.
 */
import fc from 'fast-check';
import type { Violation } from '../model/engine/violation';
import type { Variant } from '../model/variants/variant';
import type { CounterexampleFile } from '../counterexamples/format';
import { buildCounterexample } from '../counterexamples/build';
import { IRQ_CALLS, IRQ_CONTEXTS, irqCampaign, type Campaign, type IrqContext, type OpKind } from './campaigns';
import { rawScenarioArb, toScenario } from './arbitraries';
import { runScenario } from './check';
import { shrinkScenario } from './shrink';

/** Properties that speak about irq safety (others, e.g. F1's overlap, are not the context's doing). */
const IRQ_PROPERTIES = new Set(['no_bug', 'no_sleep_in_atomic', 'no_deadlock', 'irq_state_balanced', 'lockdep_irq_safe', 'lockdep_lock_order', 'no_livelock']);

/** Is this violation the audited call's doing in the audited context? */
export function attributable(v: Violation, call: OpKind, ctx: IrqContext): boolean {
  const irqWarn = v.property === 'no_warn' && /irqs_disabled/.test(v.splat.message);
  if (!IRQ_PROPERTIES.has(v.property) && !irqWarn) return false;
  if (v.property.startsWith('lockdep_') || v.property === 'no_deadlock') return true;
  const inCall = (v.call ?? '').includes(` ${call}(`);
  if (ctx === 'irqs-off') return inCall && (v.call ?? '').includes('[irqs off]');
  return v.splat.context === ctx && inCall;
}

/** The verdict for one call in one context. */
export interface IrqVerdict {
  readonly call: OpKind;
  readonly context: IrqContext;
  readonly campaign: string;
  readonly runs: number;
  /** Runs in which the call actually ran in that context. */
  readonly exercised: number;
  readonly problems: { property: string; count: number; message: string; counterexample: CounterexampleFile | null }[];
}

/** Audit one call in one context on a variant. */
export function auditCall(v: Variant, call: OpKind, ctx: IrqContext, runs?: number, shrink = true): IrqVerdict {
  const c: Campaign = irqCampaign(call, ctx);
  const n = runs ?? c.runs;
  const found = new Map<string, { count: number; message: string; raw: unknown }>();
  let exercised = 0;
  fc.assert(
    fc.property(rawScenarioArb(c), (raw) => {
      const o = runScenario(v, c, toScenario(c, raw));
      if (hasCall(o.result.harness.started, toScenario(c, raw), call, ctx)) exercised++;
      for (const viol of o.violations) {
        if (!attributable(viol, call, ctx)) continue;
        const e = found.get(viol.property);
        if (e) e.count++;
        else found.set(viol.property, { count: 1, message: viol.splat.message, raw });
      }
      return true;
    }),
    { seed: c.seed, numRuns: n },
  );
  const problems = [...found.entries()].map(([property, e]) => {
    if (!shrink) return { property, count: e.count, message: e.message, counterexample: null };
    const scn = toScenario(c, e.raw as Parameters<typeof toScenario>[1]);
    const breaks = (s: typeof scn): boolean => runScenario(v, c, s).violations.some((x) => x.property === property && attributable(x, call, ctx));
    const { scenario } = shrinkScenario(scn, breaks, 800);
    return { property, count: e.count, message: e.message, counterexample: buildCounterexample(v, c, property, scenario, { strategy: 'fast-check', seed: c.seed, path: '' }) };
  });
  return { call, context: ctx, campaign: c.name, runs: n, exercised, problems };
}

/** Did the audited call start in the audited way in this run? */
function hasCall(started: ReadonlySet<number>, scn: ReturnType<typeof toScenario>, call: OpKind, ctx: IrqContext): boolean {
  if (ctx === 'irqs-off') return scn.programs.some((p) => p.some((o) => o.op === call && o.irqsOff && started.has(o.id)));
  return scn.schedule.some((ch) => ch.t === 'irq' && ch.op.op === call && started.has(ch.op.id));
}

/** Audit every call in every context. */
export function auditIrq(v: Variant, runs?: number, progress?: (line: string) => void): IrqVerdict[] {
  const out: IrqVerdict[] = [];
  for (const call of IRQ_CALLS) {
    for (const ctx of IRQ_CONTEXTS) {
      const r = auditCall(v, call, ctx, runs);
      progress?.(`${v.name}: ${call} in ${ctx}: ${r.problems.length === 0 ? 'no problem seen' : r.problems.map((p) => p.property).join(', ')} (${r.exercised}/${r.runs} runs exercised it)`);
      out.push(r);
    }
  }
  return out;
}
