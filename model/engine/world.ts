/**
 * The world of one run: CPUs, kernel primitives' state, the variant's globals, violations,
 * lifecycle coverage, metrics and the trace. Everything a property reads is reachable from
 * here; nothing here is shared between runs.
 */
import type { Layout } from '../config/layout';
import { validateRun } from '../config/validate';
import { wordOps, type WordOps } from '../kernel/word';
import { Cpu } from '../kernel/cpu';
import { Mm } from '../kernel/mm';
import { Rcu } from '../kernel/rcu';
import { FaultPlan, Slab } from '../kernel/slab';
import type { Holding, Lock } from '../kernel/spinlock';
import type { Atomic } from '../kernel/atomic';
import type { Splat } from '../kernel/assert';
import type { K, KernelWorld, LockObserver } from '../kernel/k';
import type { Site } from '../exec/site';
import { AliasTracker } from '../lifecycles/alias';
import { Trace } from './trace';
import { KvaGhost, type AllocFailure } from './kva_ghost';
import { PteHistory } from './pte_history';
import { ChangeLog } from './changes';
import { propertyOf, type Violation } from './violation';
import { LifecycleCoverage } from '../lifecycles/coverage';
import { ALL_LIFECYCLES } from '../lifecycles/index';
import { TLB_ALIAS } from '../lifecycles/tlb_alias';
import type { FailedMap, Handle, LayerView } from './world_types';

/** Counters reported per workload. */
export interface Metrics {
  purges: number;
  blocksCreated: number;
  blocksFreed: number;
  allocFailures: number;
  lazyPeak: number;
}

export type { AllocFailure, SeenArea } from './kva_ghost';

/**
 * What the world and its readers (the KVA ghost, the properties) may ask of the run's API
 * user. The harness (harness.ts) is the one implementation; naming only this keeps the
 * World below the harness, which takes the World as an argument.
 */
export interface WorldUser {
  /** The variant under test: its read-only view of the layer. */
  readonly variant: { view(w: World): LayerView };
  /** The mappings the user holds, by op id. */
  readonly handles: ReadonlyMap<number, Handle>;
  /** User clock at which each call began, by op id. */
  readonly callBeganAt: ReadonlyMap<number, number>;
  /** Map calls that returned NULL. */
  readonly failedMaps: readonly FailedMap[];
  /** Deliberate misuse ops run. */
  readonly misuseOps: number;
}

/** How a run is set up. */
export interface WorldOptions {
  readonly layout: Layout;
  /** CPUs simulated (num_online_cpus); NR_CPUS is the layout's. */
  readonly cpus: number;
  readonly faults?: readonly number[];
  readonly trace?: boolean;
  /** Treat WARN as a violation (the DESIGN's default). */
  readonly warnIsViolation?: boolean;
}

/** The state of one run. */
export class World implements KernelWorld {
  readonly layout: Layout;
  readonly word: WordOps;
  readonly cpus: Cpu[];
  readonly slab: Slab;
  readonly rcu = new Rcu();
  readonly mm: Mm;
  readonly coverage = new LifecycleCoverage(ALL_LIFECYCLES);
  readonly violations: Violation[] = [];
  /** Kernel assertions that met a deliberate misuse (not violations). */
  readonly assertions: Splat[] = [];
  readonly observers: LockObserver[] = [];
  readonly trace: Trace;
  readonly metrics: Metrics = { purges: 0, blocksCreated: 0, blocksFreed: 0, allocFailures: 0, lazyPeak: 0 };
  /** Ghost: address-space occupancy during KVA-allocating calls, for alloc_fails_only_when_full. */
  readonly kva = new KvaGhost(this);
  /** Ghost: change notifications (area link/unlink, PTE/TLB writes, handles) for the oracles' incremental indexes. */
  readonly changes = new ChangeLog(
    (sink) => {
      this.mm.pte.onWrite = sink;
      for (const c of this.cpus) c.tlb.onWrite = sink;
    },
    (sink) => void (this.slab.onFree = sink),
  );
  /** Ghost: PTE/TLB flush history, for the flush oracles. */
  readonly pteHistory = new PteHistory(this);
  /** Named sometimes-properties reached in this run. */
  readonly reached = new Set<string>();
  /**
   * Ghost notes: hazardous C paths the run took (e.g. 'F9' when __get_vm_area_node's static
   * `va` was overwritten under it). They never change behaviour; they classify findings.
   */
  readonly notes = new Map<string, number>();
  /** Global step counter. */
  stepNo = 0;
  /** The CPU whose step is executing (-1 between steps), for attributing hardware events. */
  current = -1;
  private dirtyFlag = true;
  /** Set by a property-relevant change; the runner re-checks snapshot properties. */
  get dirty(): boolean {
    return this.dirtyFlag;
  }
  /**
   * The runner clears it at the end of every step that changed property-relevant state:
   * that is when the KVA ghost samples the areas for the allocation calls in flight (every
   * insertion sets it, so no area lives between two samples unseen).
   */
  set dirty(v: boolean) {
    if (!v && this.dirtyFlag && this.kva.active) this.kva.sample();
    this.dirtyFlag = v;
  }
  /**
   * The variant's view, read once, while the runner evaluates a step's checks and the KVA
   * ghost samples (model/engine/view_memo.ts); null whenever model code may run.
   */
  stepView: LayerView | null = null;
  /** The variant's globals (its own type; the variant casts). */
  layer: unknown = null;
  /** The API user of this run (set by the runner). */
  user: WorldUser | null = null;
  readonly warnIsViolation: boolean;

  constructor(opts: WorldOptions) {
    validateRun(opts.layout, opts.cpus);
    this.layout = opts.layout;
    this.word = wordOps(opts.layout.BITS_PER_LONG);
    this.cpus = Array.from({ length: opts.cpus }, (_, i) => new Cpu(i));
    this.slab = new Slab(new FaultPlan(new Set(opts.faults ?? [])));
    this.trace = new Trace(opts.trace ?? false);
    this.warnIsViolation = opts.warnIsViolation ?? true;
    const alias = new AliasTracker(opts.cpus, this.coverage.counters(TLB_ALIAS), (vpn, cpu, state, event) =>
      this.aliasRejected(vpn, cpu, state, event),
    );
    this.mm = new Mm(opts.layout.PAGE_SHIFT, opts.layout.PTRS_PER_PTE, alias);
    this.mm.observer = this.pteHistory;
    if (this.trace.enabled) this.mm.onTlb = (cpu, vpn, what) => this.trace.push({ t: 'tlb', i: this.stepNo, cpu, vpn, what });
  }

  /** Record a splat as a violation (or as an assertion during deliberate misuse). */
  report(s: Splat, property: string = propertyOf(s.kind)): void {
    const ctx = this.cpus[s.cpu]?.stack.at(-1);
    if ((s.misuse || ctx?.misuse) && (s.kind === 'BUG' || s.kind === 'WARN' || s.kind === 'Oops')) {
      this.assertions.push(s);
      return;
    }
    if (s.kind === 'WARN' && !this.warnIsViolation) return;
    this.violations.push({ property, splat: s, call: ctx?.call ?? null });
    this.trace.push({ t: 'violation', i: this.stepNo, property, message: s.message });
  }

  /** Report a violation not tied to a running statement (hardware, end-of-run checks). */
  reportGlobal(property: string, kind: Splat['kind'], cpu: number, message: string, fn = '(model)', stmt = ''): void {
    this.report({ kind, message, cpu, context: this.cpus[cpu]?.stack.at(-1)?.kind ?? 'none', frames: [], fn, stmt, step: this.stepNo }, property);
  }

  private aliasRejected(vpn: number, cpu: number, state: string, event: string): void {
    const addr = this.word.hex(BigInt(vpn) << BigInt(this.layout.PAGE_SHIFT));
    const property = event === 'SET_PTE' && state.startsWith('alias') ? 'no_reuse_with_lazy_alias' : event === 'CLEAR_PTE' ? 'live_mappings_translate' : 'lifecycle_legal';
    // Attribute to the CPU whose statement caused it (a speculative fill has none).
    const by = this.current >= 0 ? this.current : cpu;
    const ctx = this.cpus[by]?.stack.at(-1);
    this.report(
      { kind: 'lifecycle', message: `tlb_alias: event ${event} rejected in state ${state} for cpu${cpu} page ${addr}`, cpu: by, context: ctx?.kind ?? 'none', frames: ctx?.frames.slice() ?? [], fn: ctx?.frames.at(-1) ?? '(hardware)', stmt: '', step: this.stepNo },
      property,
    );
  }

  /** Hook: irqs were enabled on `cpu`; take pending flush IPIs. */
  irqsEnabled(cpu: Cpu): void {
    if (cpu.stack.length > 0) for (const o of this.observers) o.irqsEnabled?.({ w: this, cpu, ctx: cpu.top });
    if (cpu.pendingFlush.length > 0) this.mm.takeIpis(cpu);
  }

  /** Hook: a context is about to spin for a lock. */
  lockAcquiring(k: K, lock: Lock, mode: 'r' | 'w', how: string, site: Site): void {
    for (const o of this.observers) o.acquiring?.(k, lock, mode, how, site);
  }

  /** Hook: a lock was taken. */
  lockAcquired(k: K, h: Holding): void {
    this.trace.push({ t: 'lock', i: this.stepNo, cpu: k.cpu.id, ctx: k.ctx.kind, lock: h.lock.name, how: h.how, irqs: k.cpu.irqsEnabled });
    for (const o of this.observers) o.acquired(k, h);
  }

  /** Hook: a lock was released. */
  lockReleased(k: K, h: Holding, how: string, site: Site): void {
    this.trace.push({ t: 'unlock', i: this.stepNo, cpu: k.cpu.id, ctx: k.ctx.kind, lock: h.lock.name, how, irqs: k.cpu.irqsEnabled });
    for (const o of this.observers) o.released(k, h, how, site);
  }

  /** Hook: an atomic counter changed. */
  atomicChanged(_a: Atomic): void {
    this.dirty = true;
  }

  /** Failed KVA allocations, for the alloc_fails_only_when_full property. */
  get allocFailures(): readonly AllocFailure[] {
    return this.kva.failures;
  }

  /** Ghost: the allocator in `k.ctx` begins its purge-and-retry. */
  noteLazyAtPurge(k: K): void {
    this.kva.noteLazyAtPurge(k.ctx);
  }

  /** Ghost: the allocator in `k.ctx` fails a request of `size` bytes aligned to `align` in [vstart, vend). */
  recordAllocFailure(k: K, size: bigint, align: bigint, vstart: bigint, vend: bigint): void {
    this.kva.recordFailure(k.ctx, k.cpu.id, size, align, vstart, vend, k.ctx.frames);
  }

  /** Record a ghost note (first occurrence wins). */
  note(id: string): void {
    if (!this.notes.has(id)) this.notes.set(id, this.stepNo);
  }

  /** Mark a sometimes-property as reached. */
  reach(name: string): void {
    this.reached.add(name);
  }
}
