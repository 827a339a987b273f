/**
 * A run's trace as structured rows for the HTML report: per event the step, the CPU and
 * context, the C statement (or the call / lock / irq / TLB / RCU / violation text), and
 * every CPU's state after it (locks held with the irq state they were taken under, irqs
 * on or off, TLB contents). Plus the address-space map: areas and vmap blocks placed on
 * the vmalloc range, page by page, so the report can draw them to scale.
 */
import { allSites } from '../model/exec/site';
import type { TraceEvent } from '../model/engine/trace';
import type { World } from '../model/engine/world';
import type { LayerView } from '../model/engine/variant';

/** A lock held on a CPU. */
export interface HeldLock {
  readonly name: string;
  /** The C primitive: spin_lock, spin_lock_irqsave, write_lock, ... */
  readonly how: string;
  /** irqs were enabled when it was taken. */
  readonly irqsOn: boolean;
  readonly ctx: string;
}

/** One CPU's state after a row. Unchanged states are shared between rows. */
export interface CpuState {
  readonly irqs: boolean;
  readonly locks: readonly HeldLock[];
  /** Virtual addresses cached in this CPU's TLB, ascending. */
  readonly tlb: readonly string[];
}

/** One trace event as a row. */
export interface Row {
  readonly step: number;
  /** The CPU it happened on; -1 for global events (RCU callbacks, violations). */
  readonly cpu: number;
  /** process / softirq / hardirq ('' when the event does not say). */
  readonly ctx: string;
  readonly kind: TraceEvent['t'];
  /** The C function and statement of a step. */
  readonly fn?: string;
  readonly stmt?: string;
  /** What happened, as one line. */
  readonly text: string;
  /** Every CPU's state after this event, indexed by CPU. */
  readonly after: readonly CpuState[];
  /** CPUs whose TLB changed in this event. */
  readonly tlbChanged: readonly number[];
  readonly violation?: { readonly property: string; readonly message: string };
}

/** One vmap area (or vm_struct) placed on the vmalloc range. */
export interface AreaBox {
  readonly id: number;
  readonly start: string;
  readonly end: string;
  /** Pages from VMALLOC_START (negative or beyond the range when out of range). */
  readonly offset: number;
  readonly pages: number;
  readonly flags: readonly string[];
  readonly state: string;
  /** Inside [VMALLOC_START, VMALLOC_END). */
  readonly inRange: boolean;
}

/** One per-CPU vmap block placed on the vmalloc range. */
export interface BlockBox {
  readonly id: number;
  readonly cpu: number;
  readonly start: string;
  readonly offset: number;
  readonly pages: number;
  readonly free: number;
  readonly dirty: number;
  readonly state: string;
  readonly onFreeList: boolean;
  readonly onDirtyList: boolean;
}

/** The address space at one moment. */
export interface AddressMap {
  /** What moment this is, for the heading. */
  readonly label: string;
  readonly areas: readonly AreaBox[];
  readonly blocks: readonly BlockBox[];
}

/** Everything the HTML report draws for one counterexample run. */
export interface Timeline {
  readonly cpus: number;
  readonly rows: Row[];
  /** Final areas (after teardown, when the run got that far). */
  readonly areas: readonly AreaBox[];
  readonly blocks: readonly BlockBox[];
  readonly vmalloc: { readonly start: string; readonly end: string };
  readonly pageShift: number;
  /** Size of the vmalloc range in pages. */
  readonly pages: number;
  /** The map right after the violating step, when the caller captured it. */
  readonly atViolation?: AddressMap;
  /** Events left out beyond `limit`. */
  readonly omitted: number;
  /** The violation as the kernel would print it (reports/splat.ts), when the caller rendered it. */
  readonly splat?: readonly string[];
}

/** A snapshot of the address space to attach to a timeline. */
export interface MapSnapshot {
  readonly w: World;
  readonly view: LayerView;
  readonly label: string;
}

/** The address-space map of `w` as seen through `view`. */
export function addressMap(w: World, view: LayerView, label: string): AddressMap {
  const shift = BigInt(w.layout.PAGE_SHIFT);
  const base = w.layout.VMALLOC_START;
  const pagesOf = (a: bigint, b: bigint): number => Number((b - a) >> shift);
  const areas = view.areas().map((a) => ({
    id: a.id,
    start: w.word.hex(a.va_start),
    end: w.word.hex(a.va_end),
    offset: pagesOf(base, a.va_start),
    pages: Math.max(0, pagesOf(a.va_start, a.va_end)),
    flags: [...a.flags],
    state: a.state,
    inRange: a.va_start >= base && a.va_end <= w.layout.VMALLOC_END && a.va_start <= a.va_end,
  }));
  const c = view.constants();
  const size = typeof c.VMAP_BLOCK_SIZE === 'string' ? pagesOf(0n, BigInt(c.VMAP_BLOCK_SIZE)) : Number(c.VMAP_BBMAP_BITS ?? 0);
  const blocks = view.blocks().map((b) => ({
    id: b.id,
    cpu: b.cpu,
    start: w.word.hex(b.va_start),
    offset: pagesOf(base, b.va_start),
    pages: size,
    free: b.free,
    dirty: b.dirty,
    state: b.state,
    onFreeList: b.onFreeList,
    onDirtyList: b.onDirtyList,
  }));
  return { label, areas, blocks };
}

/** The row text of an event that is not a step. */
function eventText(w: World, e: TraceEvent): string {
  const addr = (vpn: number): string => w.word.hex(BigInt(vpn) << BigInt(w.layout.PAGE_SHIFT));
  switch (e.t) {
    case 'step': {
      const s = allSites()[e.site];
      return s ? `${s.fn}: ${s.stmt}` : `site ${e.site}`;
    }
    case 'call':
      return e.phase === 'begin' ? `>> ${e.op}` : `<< ${e.op} = ${e.result ?? ''}`;
    case 'lock':
      return `+ ${e.lock} (${e.how})`;
    case 'unlock':
      return `- ${e.lock} (${e.how})`;
    case 'irq':
      return e.phase === 'enter' ? `${e.kind} enters: ${e.op}` : `${e.kind} exits`;
    case 'tlb':
      return e.what === 'spec' ? `(hw) speculative TLB fill of ${addr(e.vpn)}` : `TLB ${e.what} ${addr(e.vpn)}`;
    case 'pte':
      return e.what === 'set' ? `set_pte_at ${addr(e.vpn)} -> pfn ${e.pfn ?? '?'}` : `pte clear ${addr(e.vpn)}`;
    case 'rcu':
      return `rcu: ${e.label}`;
    case 'violation':
      return `${e.property}: ${e.message}`;
  }
}

/**
 * irqs enabled after each event on its CPU. A step or lock event records the state at
 * that moment and an unlock the state before irqrestore, so the state after an event is
 * the next such observation on its CPU. That misses changes the tracer does not see (a
 * finished program returning to user space re-enables irqs), so a call's return is pinned
 * exactly: the state at its entry, flipped when the harness reported an irq-state leak.
 */
function irqsAfterEvents(w: World): (boolean | undefined)[] {
  const events = w.trace.events;
  const n = w.cpus.length;
  const entry = new Map<number, boolean | undefined>();
  const open = new Map<string, { index: number; irqs?: boolean }>();
  events.forEach((e, i) => {
    if (e.t === 'call') {
      const key = `${e.cpu}/${e.ctx}`;
      if (e.phase === 'begin') open.set(key, { index: i });
      else {
        entry.set(i, open.get(key)?.irqs);
        open.delete(key);
      }
    } else if ((e.t === 'step' || e.t === 'lock') && open.get(`${e.cpu}/${e.ctx}`)?.irqs === undefined) {
      const o = open.get(`${e.cpu}/${e.ctx}`);
      if (o) o.irqs = e.irqs;
    }
  });
  const out: (boolean | undefined)[] = new Array(events.length);
  const next: (boolean | undefined)[] = w.cpus.map((c) => c.irqsEnabled);
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!('cpu' in e) || e.cpu < 0 || e.cpu >= n) continue;
    if (e.t === 'call' && e.phase === 'end' && entry.get(i) !== undefined) {
      const after = events[i + 1];
      const leaked = after?.t === 'violation' && after.property === 'irq_state_balanced' && after.message.includes(e.op);
      next[e.cpu] = leaked ? !entry.get(i) : entry.get(i);
    }
    out[i] = next[e.cpu];
    if (e.t === 'step' || e.t === 'lock') next[e.cpu] = e.irqs;
  }
  return out;
}

/** Build the timeline of a traced run: one row per event (up to `limit`), then the final map. */
export function timelineOf(w: World, view: LayerView, snapshot?: MapSnapshot, limit = 1500): Timeline {
  const n = w.cpus.length;
  const shift = BigInt(w.layout.PAGE_SHIFT);
  const events = w.trace.events;
  const irqsAfter = irqsAfterEvents(w);
  const tlbs = w.cpus.map(() => new Set<number>());
  let state: CpuState[] = w.cpus.map(() => ({ irqs: true, locks: [], tlb: [] }));
  const ctxOf = w.cpus.map(() => 'process');
  const rows: Row[] = [];
  let running = 0;
  let omitted = 0;
  /** Irq state saved by local_irq_save, per CPU/context, for its local_irq_restore row. */
  const saved = new Map<string, boolean>();
  const tlbList = (c: number): string[] => [...tlbs[c]!].sort((a, b) => a - b).map((v) => w.word.hex(BigInt(v) << shift));
  events.forEach((e, i) => {
    if (rows.length >= limit) return void omitted++;
    // A speculative fill is traced as a fill followed by 'spec': keep one row.
    if (e.t === 'tlb' && e.what === 'fill' && events[i + 1]?.t === 'tlb') {
      const s = events[i + 1] as Extract<TraceEvent, { t: 'tlb' }>;
      if (s.what === 'spec' && s.cpu === e.cpu && s.vpn === e.vpn) return;
    }
    let cpu = -1;
    let ctx = '';
    const changed: number[] = [];
    const upd = (c: number, f: (s: CpuState) => CpuState): void => {
      state = state.slice();
      state[c] = f(state[c]!);
    };
    if (e.t === 'step' || e.t === 'call' || e.t === 'lock' || e.t === 'unlock') {
      cpu = e.cpu;
      ctx = e.ctx;
      ctxOf[cpu] = e.ctx;
    } else if (e.t === 'irq') {
      cpu = e.cpu;
      ctx = e.kind;
      ctxOf[cpu] = e.phase === 'enter' ? e.kind : 'process';
    } else if (e.t === 'tlb') {
      cpu = e.cpu;
      ctx = ctxOf[cpu] ?? '';
      const t = tlbs[cpu]!;
      if (e.what === 'flush') t.delete(e.vpn);
      else t.add(e.vpn);
      changed.push(cpu);
      upd(cpu, (s) => ({ ...s, tlb: tlbList(cpu) }));
    } else if (e.t === 'pte') {
      cpu = running;
      ctx = ctxOf[cpu] ?? '';
    }
    if (cpu >= 0 && cpu < n) running = cpu;
    if (e.t === 'lock') upd(e.cpu, (s) => ({ ...s, locks: [...s.locks, { name: e.lock, how: e.how, irqsOn: e.irqs, ctx: e.ctx }] }));
    if (e.t === 'unlock')
      upd(e.cpu, (s) => {
        const k = s.locks.map((l) => l.name).lastIndexOf(e.lock);
        return k < 0 ? s : { ...s, locks: [...s.locks.slice(0, k), ...s.locks.slice(k + 1)] };
      });
    const ia = irqsAfter[i];
    if (ia !== undefined && 'cpu' in e && state[e.cpu]!.irqs !== ia) upd(e.cpu, (s) => ({ ...s, irqs: ia }));
    const site = e.t === 'step' ? allSites()[e.site] : undefined;
    // The harness brackets an irqs-off call with local_irq_save/restore outside any yield
    // site; show them as the steps they are in the C caller.
    const irqsOffCall = e.t === 'call' && e.op.endsWith('[irqs off]');
    if (irqsOffCall && e.phase === 'begin') {
      saved.set(`${e.cpu}/${e.ctx}`, state[e.cpu]!.irqs);
      upd(e.cpu, (x) => ({ ...x, irqs: false }));
      rows.push({ step: e.i, cpu, ctx, kind: 'step', fn: 'local_irq_save', stmt: 'local_irq_save(flags);', text: 'local_irq_save(flags)', after: state, tlbChanged: [] });
    }
    rows.push({
      step: e.i,
      cpu,
      ctx,
      kind: e.t,
      ...(site ? { fn: site.fn, stmt: site.stmt } : {}),
      text: eventText(w, e),
      after: state,
      tlbChanged: changed,
      ...(e.t === 'violation' ? { violation: { property: e.property, message: e.message } } : {}),
    });
    if (irqsOffCall && e.phase === 'end') {
      const was = saved.get(`${e.cpu}/${e.ctx}`) ?? true;
      saved.delete(`${e.cpu}/${e.ctx}`);
      upd(e.cpu, (x) => ({ ...x, irqs: was }));
      rows.push({ step: e.i, cpu, ctx, kind: 'step', fn: 'local_irq_restore', stmt: 'local_irq_restore(flags);', text: 'local_irq_restore(flags)', after: state, tlbChanged: [] });
    }
  });
  const final = addressMap(w, view, 'final');
  return {
    cpus: n,
    rows,
    areas: final.areas,
    blocks: final.blocks,
    vmalloc: { start: w.word.hex(w.layout.VMALLOC_START), end: w.word.hex(w.layout.VMALLOC_END) },
    pageShift: w.layout.PAGE_SHIFT,
    pages: Number((w.layout.VMALLOC_END - w.layout.VMALLOC_START) >> shift),
    ...(snapshot ? { atViolation: addressMap(snapshot.w, snapshot.view, snapshot.label) } : {}),
    omitted,
  };
}
