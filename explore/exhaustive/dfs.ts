/**
 * Stateless model checking by re-execution: depth-first over the schedule's choice points.
 *
 * The kernel functions are generators and cannot be forked, so every new schedule prefix is
 * re-run from the start; the search keeps only the stack of choice points (which thread ran
 * there, what else was enabled, what is left to try). Threads are the CPUs plus the injected
 * events (the `irq` line's interrupt, speculative TLB fills). With `reduction: 'dpor'`,
 * alternatives are added only where the finished execution shows a race (reduction.ts:
 * source sets) and sleep sets skip re-orderings of independent transitions; with 'none'
 * every enabled thread is tried at every point (the naive enumeration the test compares
 * against). Both respect the same preemption bound (CHESS: a preemption is switching away
 * from a CPU that could still run; events do not count).
 */
import type { Choice, Op, Scenario } from '../../model/engine/program';
import type { Explorer } from '../../model/engine/scheduler';
import type { World } from '../../model/engine/world';
import type { Cpu } from '../../model/kernel/cpu';
import type { Layout } from '../../model/config/layout';
import type { Variant } from '../../model/engine/variant';
import type { Campaign } from '../campaigns';
import { runScenario, type Outcome } from '../check';
import { dependent, opaqueFootprint, StepRecorder, type Footprint } from './footprint';
import { addRaceBacktracks } from './reduction';
import type { ChoicePoint as Node } from './choice_point';

/** An interrupt that may be injected once, on `cpu`, wherever its irqs are on. */
export interface IrqLine {
  readonly cpu: number;
  readonly kind: 'hardirq' | 'softirq';
  readonly op: Op;
}

/** What to explore and within which bounds. */
export interface ExploreConfig {
  readonly variant: Variant;
  readonly layout: Layout;
  readonly cpus: number;
  readonly programs: readonly (readonly Op[])[];
  readonly irq?: IrqLine;
  /** At most this many speculative TLB fills per execution. */
  readonly fills: number;
  /** Preemption bound of this pass. */
  readonly preemptions: number;
  /** Steps one API call may take (the per-call step bound; exceeding it is a livelock report). */
  readonly maxCallSteps: number;
  readonly maxSteps: number;
  /** Executions (complete or pruned) this pass may still run. */
  readonly budget: number;
  readonly reduction: 'dpor' | 'none';
  /** Asked before each execution: stop the search now (its verdicts are decided). */
  readonly stop?: () => boolean;
}

/** One explored (complete) execution. */
export interface Execution {
  readonly outcome: Outcome;
  /** The schedule as data: replaying it with the plain runner reproduces the execution. */
  readonly executed: readonly Choice[];
  readonly preemptions: number;
}

/** Counters of one pass. */
export interface PassStats {
  executions: number;
  /** Executions abandoned because every enabled thread was asleep (sleep sets). */
  sleepBlocked: number;
  /** Alternatives at choice points that DPOR found no race for (never run). */
  dporPruned: number;
  /** Alternatives a race asked for but the preemption bound forbade. */
  boundPruned: number;
  /** Executions in which a call exceeded the per-call step bound. */
  stepBoundHit: number;
  /** The execution budget ran out before the search did. */
  budgetHit: boolean;
  /** `stop` ended the search early. */
  stopped: boolean;
}

class Pruned extends Error {}
class Nondeterminism extends Error {}

/** Interned thread names of CPUs (decide runs once per step of every re-execution). */
const cpuNames: string[] = [];
const cpuThread = (id: number): string => (cpuNames[id] ??= `cpu${id}`);
const isCpu = (t: string): boolean => t.startsWith('cpu');
/** The CPU of a CPU thread name, parsed once per name. */
const cpuIds = new Map<string, number>();
const cpuOf = (t: string): number => {
  let id = cpuIds.get(t);
  if (id === undefined) cpuIds.set(t, (id = Number(t.slice(3))));
  return id;
};
/** One decision object per CPU (the scheduler only reads it). */
const cpuDecisions: { readonly t: 'cpu'; readonly cpu: number }[] = [];
const decideCpu = (cpu: number): { readonly t: 'cpu'; readonly cpu: number } => (cpuDecisions[cpu] ??= { t: 'cpu', cpu });
const NO_EVENTS: ReadonlyMap<string, Choice> = new Map();
const NO_SLEEP: ReadonlyMap<string, Footprint> = new Map();

/** May interrupt `line` be raised now (its CPU runs a context it can interrupt, irqs on)? */
function irqEnabled(w: World, line: IrqLine): boolean {
  const c = w.cpus[line.cpu];
  if (c === undefined || c.done || c.stack.length === 0 || !c.irqsEnabled || c.pendingIrqs.length > 0) return false;
  return line.kind === 'hardirq' ? c.top.kind !== 'hardirq' : c.top.kind === 'process';
}

/** Run one pass (one preemption bound); `visit` sees every complete execution. */
export function explorePass(cfg: ExploreConfig, visit: (e: Execution) => void): PassStats {
  const stats: PassStats = { executions: 0, sleepBlocked: 0, dporPruned: 0, boundPruned: 0, stepBoundHit: 0, budgetHit: false, stopped: false };
  const stack: Node[] = [];
  const campaign: Campaign = {
    name: 'exhaustive',
    description: 'exhaustive exploration',
    layout: cfg.layout.name,
    cpus: cfg.cpus,
    maxOps: 0,
    kinds: [],
    maxPages: 1,
    irqOps: [],
    irqKinds: ['hardirq'],
    spec: cfg.fills > 0,
    faults: false,
    runs: 0,
    maxSteps: cfg.maxSteps,
    maxCallSteps: cfg.maxCallSteps,
    seed: 0,
  };
  const scn: Scenario = { programs: cfg.programs, schedule: [], faults: [] };
  let runs = 0;
  let resumeAt = 0;

  const allowed = (n: Node, t: string): boolean => !isCpu(t) || !n.lastEnabled || t === cpuThread(n.last) || n.preemptions < cfg.preemptions;

  for (;;) {
    if (cfg.stop?.()) {
      stats.stopped = true;
      break;
    }
    if (runs >= cfg.budget) {
      stats.budgetHit = true;
      break;
    }
    runs++;
    const rec = new StepRecorder();
    let depth = 0;
    let irqRaised = false;
    let fillsUsed = 0;
    let stepThread: string | null = null;
    let stepCpu = -1;
    const explorer: Explorer = {
      recorder: rec,
      decide(w: World, runnable: readonly Cpu[], lastCpu: number) {
        let events = NO_EVENTS;
        const irqNow = cfg.irq !== undefined && !irqRaised && irqEnabled(w, cfg.irq);
        if (irqNow || fillsUsed < cfg.fills) {
          const ev = new Map<string, Choice>();
          if (irqNow) ev.set('irq', { t: 'irq', cpu: cfg.irq!.cpu, kind: cfg.irq!.kind, op: cfg.irq!.op });
          if (fillsUsed < cfg.fills) {
            for (let c = 0; c < cfg.cpus; c++) {
              let pick = 0;
              for (const vpn of w.mm.pte.keys()) ev.set(`spec${c}:${vpn}`, { t: 'spec', cpu: c, pick: pick++ });
            }
          }
          events = ev;
        }
        const enabled: string[] = [];
        for (const c of runnable) enabled.push(cpuThread(c.id));
        for (const t of events.keys()) enabled.push(t);
        let node: Node;
        if (depth < stack.length) {
          node = stack[depth]!;
          if (!enabled.includes(node.chosen) || enabled.length !== node.enabled.length) throw new Nondeterminism(`re-execution diverged at choice ${depth}: ${node.chosen} among [${node.enabled.join(' ')}] was [${enabled.join(' ')}]`);
        } else {
          const parent = stack[depth - 1];
          let sleep = NO_SLEEP;
          if (parent !== undefined && cfg.reduction === 'dpor' && (parent.sleep.size > 0 || parent.explored !== null)) {
            const pfp = parent.fp!;
            const s = new Map<string, Footprint>();
            for (const [u, f] of parent.sleep) if (u !== parent.chosen && !dependent(f, pfp)) s.set(u, f);
            if (parent.explored !== null) for (const [u, f] of parent.explored) if (u !== parent.chosen && !dependent(f, pfp)) s.set(u, f);
            if (s.size > 0) sleep = s;
          }
          const last = parent === undefined ? -1 : isCpu(parent.chosen) ? cpuOf(parent.chosen) : parent.last;
          const preemptions = parent === undefined ? 0 : parent.preemptions + (isCpu(parent.chosen) && parent.lastEnabled && parent.chosen !== cpuThread(parent.last) ? 1 : 0);
          const lastEnabled = last >= 0 && enabled.includes(cpuThread(last));
          const draft: Node = { enabled, events, chosen: '', fp: null, backtrack: new Set(), done: new Set(), sleep, explored: null, last, lastEnabled, preemptions };
          const awake = enabled.filter((t) => !sleep.has(t));
          const ok = awake.filter((t) => allowed(draft, t));
          if (ok.length === 0) {
            if (awake.length > 0) stats.boundPruned += awake.length;
            throw new Pruned();
          }
          // Prefer continuing the CPU that ran last, then CPUs in order, events last.
          const first = ok.includes(cpuThread(last)) ? cpuThread(last) : ok.find(isCpu) ?? ok[0]!;
          draft.chosen = first;
          draft.done.add(first);
          draft.backtrack.add(first);
          // Events are value choices that disable one another (one irq, a fill budget): try them all.
          if (cfg.reduction === 'none') for (const t of awake) draft.backtrack.add(t);
          else for (const t of events.keys()) if (!sleep.has(t)) draft.backtrack.add(t);
          stack.push(draft);
          node = draft;
        }
        depth++;
        const ch = node.events.get(node.chosen) ?? events.get(node.chosen);
        if (ch !== undefined) {
          if (ch.t === 'irq') {
            irqRaised = true;
            node.fp = { thread: node.chosen, reads: new Set(), writes: new Set([`pending-irq:cpu${ch.cpu}`]), opaque: null };
          } else if (ch.t === 'spec') {
            fillsUsed++;
            const vpn = node.chosen.slice(node.chosen.indexOf(':') + 1);
            node.fp = { thread: node.chosen, reads: new Set([`pte:${vpn}`]), writes: new Set([`tlb:cpu${ch.cpu}:${vpn}`, 'spec-budget']), opaque: null };
          }
          return { t: 'event', ch: events.get(node.chosen)! };
        }
        stepThread = node.chosen;
        stepCpu = cpuOf(stepThread);
        return decideCpu(stepCpu);
      },
      beginStep() {
        rec.begin();
      },
      endStep() {
        stack[depth - 1]!.fp = rec.end(stepThread!, stepCpu);
        stepThread = null;
      },
    };

    let outcome: Outcome | null = null;
    try {
      outcome = runScenario(cfg.variant, campaign, scn, { layout: cfg.layout, explorer });
    } catch (e) {
      if (!(e instanceof Pruned)) throw e;
      stats.sleepBlocked++;
    }
    // A step cut short (panic, bound) has no recorded footprint: it conflicts with everything.
    for (let d = 0; d < Math.min(depth, stack.length); d++) if (stack[d]!.fp === null) stack[d]!.fp = opaqueFootprint(stack[d]!.chosen, 'step cut short');
    const used = Math.min(depth, stack.length);
    stack.length = used;
    if (outcome !== null) {
      stats.executions++;
      if (outcome.result.ending === 'livelock') stats.stepBoundHit++;
      visit({ outcome, executed: outcome.result.executed, preemptions: used > 0 ? stack[used - 1]!.preemptions : 0 });
    }
    if (cfg.reduction === 'dpor') addRaceBacktracks(stack, cfg.preemptions < Number.POSITIVE_INFINITY, resumeAt);

    // Backtrack: the deepest point with an untried alternative.
    let resumed = false;
    while (stack.length > 0) {
      const n = stack[stack.length - 1]!;
      let next: string | undefined;
      for (const t of n.enabled) {
        if (!n.backtrack.has(t) || n.done.has(t) || n.sleep.has(t)) continue;
        if (!allowed(n, t)) {
          n.done.add(t);
          stats.boundPruned++;
          continue;
        }
        next = t;
        break;
      }
      if (next !== undefined) {
        if (n.fp !== null) (n.explored ??= new Map()).set(n.chosen, n.fp);
        n.chosen = next;
        n.done.add(next);
        n.fp = null;
        resumeAt = stack.length - 1;
        resumed = true;
        break;
      }
      stats.dporPruned += n.enabled.filter((t) => !n.done.has(t) && !n.sleep.has(t)).length;
      stack.pop();
    }
    if (!resumed) break;
  }
  return stats;
}

export { Nondeterminism };
