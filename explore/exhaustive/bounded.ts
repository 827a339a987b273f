/**
 * Iterative context bounding (CHESS): explore every execution with at most P preemptions for
 * P = 0, 1, ... up to the bound, stopping early when a pass is cut by no bound at all. The
 * result says what was covered: `complete` (every execution of the programs), `complete within
 * preemption bound P` (every execution with at most P preemptions), or `incomplete: <the
 * bound that cut executions within it>` (execution budget, step bound per call, early stop).
 */
import type { Layout } from '../../model/config/layout';
import type { Op } from '../../model/engine/program';
import type { Variant } from '../../model/engine/variant';
import { explorePass, type Execution, type IrqLine, type PassStats } from './dfs';
import { Tally } from './verdicts';

/** What to check. */
export interface BoundedConfig {
  readonly variant: Variant;
  readonly layout: Layout;
  readonly cpus: number;
  readonly programs: readonly (readonly Op[])[];
  readonly irq?: IrqLine;
  readonly fills: number;
  /** Highest preemption bound tried. */
  readonly preemptions: number;
  readonly maxCallSteps: number;
  /** Executions over all passes. */
  readonly budget: number;
  readonly reduction?: 'dpor' | 'none';
  /** Stop as soon as this says the verdicts that matter are decided. */
  readonly stop?: () => boolean;
  /** Receives the tally before the first pass (for `stop`). */
  readonly onTally?: (t: Tally) => void;
  /** Sees every execution of every pass. */
  readonly visit?: (e: Execution, pass: number) => void;
}

/** The outcome of a bounded exhaustive check. */
export interface BoundedResult {
  /** 'complete', 'complete within preemption bound P (...)' or 'incomplete: ...'. */
  readonly coverage: string;
  /** Every execution within the preemption bound was explored (no budget, step bound or early stop cut). */
  readonly complete: boolean;
  /** Complete and no alternative lay beyond the preemption bound: every execution of the programs. */
  readonly exhaustive: boolean;
  /** The preemption bound of the last pass. */
  readonly bound: number;
  /** Stats of the last pass, and executions over all passes. */
  readonly last: PassStats;
  readonly totalExecutions: number;
  readonly ms: number;
  readonly tally: Tally;
}

/** Run the passes. */
export function checkBounded(cfg: BoundedConfig): BoundedResult {
  const t0 = performance.now();
  const tally = new Tally();
  cfg.onTally?.(tally);
  let total = 0;
  let last: PassStats | null = null;
  let bound = 0;
  let stoppedBetween = false;
  for (let p = 0; p <= cfg.preemptions; p++) {
    if (p > 0 && cfg.stop?.()) {
      stoppedBetween = true;
      break;
    }
    bound = p;
    tally.newPass();
    last = explorePass(
      {
        variant: cfg.variant,
        layout: cfg.layout,
        cpus: cfg.cpus,
        programs: cfg.programs,
        ...(cfg.irq ? { irq: cfg.irq } : {}),
        fills: cfg.fills,
        preemptions: p,
        maxCallSteps: cfg.maxCallSteps,
        maxSteps: 1_000_000,
        budget: Math.max(1, cfg.budget - total),
        reduction: cfg.reduction ?? 'dpor',
        ...(cfg.stop ? { stop: cfg.stop } : {}),
      },
      (e) => {
        tally.add(e);
        cfg.visit?.(e, p);
      },
    );
    total += last.executions + last.sleepBlocked;
    if (last.budgetHit || last.stopped || last.boundPruned === 0) break;
  }
  const s = last!;
  // The preemption bound is a declared bound: everything within it explored is `complete`
  // within it. Budget, early stop and the per-call step bound cut executions inside it.
  const why: string[] = [];
  if (s.stopped || stoppedBetween) why.push('stopped early (expectations decided, or a time limit)');
  if (s.budgetHit) why.push(`execution budget (${cfg.budget})`);
  if (s.stepBoundHit > 0) why.push(`step bound per call ${cfg.maxCallSteps} (${s.stepBoundHit} executions cut)`);
  const complete = why.length === 0;
  const exhaustive = complete && s.boundPruned === 0;
  const coverage = !complete ? `incomplete: ${why.join('; ')}` : exhaustive ? 'complete' : `complete within preemption bound ${bound} (${s.boundPruned} alternatives beyond it)`;
  return { coverage, complete, exhaustive, bound, last: s, totalExecutions: total, ms: performance.now() - t0, tally };
}
