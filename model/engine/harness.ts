/**
 * The API user: runs each CPU's program of API calls, keeps the handles the calls return,
 * drives the mapping_handle lifecycle, and checks what a user can observe (a touch must
 * reach the page it mapped; irq state must be the same on return as on entry).
 */
import type { Gen } from '../exec/gen';
import type { K } from './exec';
import { sites } from '../exec/site';
import type { World } from './world';
import type { Op } from './program';
import { opText } from './program';
import type { Variant } from './variant';
import { GFP_ATOMIC, GFP_KERNEL } from '../kernel/slab';
import { touch } from '../kernel/mm';
import { local_irq_restore, local_irq_save } from '../kernel/irq';
import { Lifecycle } from '../lifecycles/instance';
import { MAPPING_HANDLE, MH_EV } from '../lifecycles/mapping_handle';
import type { FailedMap, Handle } from './world_types';

/** The user's mappings, declared in world_types.ts (the World names them too); re-exported for the harness's users. */
export type { FailedMap, Handle } from './world_types';

const S = sites('user', {
  wait: 'wait for the handle another CPU is creating',
  touch: '*(volatile char *)(addr + i * PAGE_SIZE)',
});

/**
 * A program asks for something outside the API (e.g. vm_map_ram of 0 pages): an error in
 * the harness input, never a kernel result. Thrown before the call reaches the layer.
 */
export class HarnessInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessInputError';
  }
}

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 0x7fffffff;

/**
 * Reject an op outside the API. vm_map_ram/vm_unmap_ram take an `unsigned int count` of at
 * least one page (count 0 would make get_order(0) a huge order: no caller may pass it);
 * vmalloc/vmap sizes and touch offsets must be non-negative integers. An aligned vmalloc's
 * align is `1 << align_shift`, a power of two an `unsigned long` holds: 0 <= align_shift <
 * BITS_PER_LONG (`1ul << 64` is undefined in C; no caller can ask for it). `bitsPerLong` is
 * the run's layout's (without it only the lower bound is checked).
 */
export function validateOp(op: Op, bitsPerLong?: number): void {
  const bad = (why: string): never => {
    throw new HarnessInputError(`harness input: ${opText(op)}: ${why}`);
  };
  switch (op.op) {
    case 'vm_map_ram':
      if (!isCount(op.pages)) bad(`vm_map_ram needs a count of 1..2^31-1 pages, got ${op.pages}`);
      break;
    case 'vmalloc':
    case 'vmap':
      if (!Number.isInteger(op.pages) || op.pages < 0) bad(`${op.op} needs a non-negative whole number of pages, got ${op.pages}`);
      break;
    case 'vmalloc_align':
      if (!Number.isInteger(op.pages) || op.pages < 0) bad(`vmalloc_align needs a non-negative whole number of pages, got ${op.pages}`);
      if (!Number.isInteger(op.align_shift) || op.align_shift < 0 || (bitsPerLong !== undefined && op.align_shift >= bitsPerLong)) {
        bad(`vmalloc_align needs an align of 1 << s with s in 0..${bitsPerLong === undefined ? 'BITS_PER_LONG' : bitsPerLong}-1 (a power of two an unsigned long holds), got s = ${op.align_shift}`);
      }
      break;
    case 'vm_unmap_ram_count':
      if (!isCount(op.count)) bad(`vm_unmap_ram needs a count of 1..2^31-1 pages, got ${op.count}`);
      break;
    case 'touch':
      if (!Number.isInteger(op.page) || op.page < 0) bad(`touch needs a non-negative page index, got ${op.page}`);
      break;
    default:
      break;
  }
}

/** Called after an API call returns, for trace postconditions (vm_unmap_aliases). */
export type CallCheck = (w: World, op: Op, startStep: number, k: K) => void;

/** User-level state of a run. */
export class Harness {
  readonly handles = new Map<number, Handle>();
  /** Ids of ops that have finished (successfully or not). */
  readonly completed = new Set<number>();
  /** Ids of ops whose API call began (it may have ended in a BUG). */
  readonly started = new Set<number>();
  /** Ids of ops present in some program. */
  readonly present = new Set<number>();
  /** Misuse ops executed. */
  misuseOps = 0;
  /** Per page: the step at which the latest user unmap covering it returned. */
  readonly unmapDone = new Map<number, number>();
  /**
   * The user's clock: one tick per call begin and per unmap return, so "returned before
   * that call began" is exact even when both happen in the same engine step (back-to-back
   * calls on one CPU: the next call begins in the step the previous one returns).
   */
  clock = 0;
  /** User clock at which each op's call began, by op id. */
  readonly callBeganAt = new Map<number, number>();
  /** Map calls that returned NULL, in the order they returned. */
  readonly failedMaps: FailedMap[] = [];
  private failedEarlier = false;

  constructor(
    readonly w: World,
    readonly variant: Variant,
    readonly afterCall: readonly CallCheck[] = [],
  ) {}

  /** May an op that uses handle `h` proceed (or be skipped)? */
  handleSettled(h: number): boolean {
    return this.completed.has(h) || !this.present.has(h);
  }

  /** The process-context program of one CPU. */
  *runProgram(k: K, ops: readonly Op[]): Gen {
    for (const op of ops) {
      const h = 'h' in op ? op.h : null;
      if (h !== null && !this.handleSettled(h)) {
        k.ctx.wait = { kind: 'handle', op: h };
        yield S.wait;
        k.ctx.wait = null;
      }
      yield* this.runOp(k, op);
    }
  }

  /** Run one op in the current context, with the irq-balance check around it. */
  *runOp(k: K, op: Op): Gen {
    validateOp(op, this.w.layout.BITS_PER_LONG);
    const w = this.w;
    const flags = op.irqsOff ? local_irq_save(k) : true;
    const irqsOnEntry = k.cpu.irqsEnabled;
    const start = w.stepNo;
    this.callBeganAt.set(op.id, ++this.clock);
    k.ctx.call = opText(op);
    k.ctx.callSteps = 0;
    this.started.add(op.id);
    w.trace.push({ t: 'call', i: start, cpu: k.cpu.id, ctx: k.ctx.kind, op: k.ctx.call, phase: 'begin' });
    const result = yield* this.dispatch(k, op);
    w.pteHistory.callEnded(k.ctx, result !== 'NULL');
    w.trace.push({ t: 'call', i: w.stepNo, cpu: k.cpu.id, ctx: k.ctx.kind, op: k.ctx.call, phase: 'end', result });
    if (k.cpu.irqsEnabled !== irqsOnEntry) {
      w.reportGlobal(
        'irq_state_balanced',
        'BUG',
        k.cpu.id,
        `irq state leak: ${opText(op)} entered with irqs ${irqsOnEntry ? 'enabled' : 'disabled'} and returned with irqs ${k.cpu.irqsEnabled ? 'enabled' : 'disabled'}`,
        op.op,
        'return',
      );
    }
    for (const c of this.afterCall) c(w, op, start, k);
    k.ctx.call = null;
    if (op.irqsOff) local_irq_restore(k, flags);
    this.completed.add(op.id);
  }

  private *dispatch(k: K, op: Op): Gen<string> {
    const api = this.variant.api;
    const w = this.w;
    switch (op.op) {
      case 'vmalloc':
      case 'vmap':
      case 'vm_map_ram':
        return yield* this.map(k, op.id, op.op, op.pages, w.stepNo);
      case 'vmalloc_align':
        return yield* this.map(k, op.id, 'vmalloc', op.pages, w.stepNo, 1n << BigInt(op.align_shift));
      case 'vfree':
      case 'vunmap':
      case 'vm_unmap_ram': {
        const h = this.handles.get(op.h);
        if (h === undefined || h.claimed || h.life.stateName !== 'live') return 'skipped';
        yield* this.unmap(k, h, h.count, false);
        return 'ok';
      }
      case 'touch': {
        const h = this.handles.get(op.h);
        if (h === undefined || h.claimed || h.life.stateName !== 'live') return 'skipped';
        const i = op.page % h.count;
        const addr = this.w.word.add(h.addr, BigInt(i) << BigInt(this.w.layout.PAGE_SHIFT));
        yield S.touch;
        // Another CPU may have started unmapping it while we waited: the user checks again.
        if (h.claimed || h.life.stateName !== 'live') return 'skipped';
        const pfn = touch(k, addr, S.touch);
        h.life.send(MH_EV.TOUCH);
        if (pfn !== h.pages[i]) {
          this.w.reportGlobal('live_mappings_translate', 'Oops', k.cpu.id, `touch of #${h.id} page ${i} at ${this.w.word.hex(addr)} reached pfn ${pfn}, mapped pfn ${h.pages[i]}`, 'user', S.touch.stmt);
        }
        return `pfn ${pfn}`;
      }
      case 'vm_unmap_aliases':
        yield* api.vm_unmap_aliases(k);
        return 'ok';
      case 'unmap_again':
      case 'vm_unmap_ram_count':
        return yield* this.misuse(k, op);
    }
  }

  /**
   * Deliberate misuse. `unmap_again`: unmap a handle a second time (the first unmap is done
   * here if it has not happened yet). `vm_unmap_ram_count`: the first unmap, with a count
   * other than the mapped one — no misuse where the count equals the mapped one or the
   * variant's API takes no count (vanilla maps vm_unmap_ram onto vunmap).
   */
  private *misuse(k: K, op: Extract<Op, { op: 'unmap_again' | 'vm_unmap_ram_count' }>): Gen<string> {
    const h = this.handles.get(op.h);
    if (h === undefined) return 'skipped';
    const live = h.life.stateName === 'live' && !h.claimed;
    if (op.op === 'unmap_again') {
      if (live) yield* this.unmap(k, h, h.count, false);
      else if (h.life.stateName !== 'released') return 'skipped';
      // Once another mapping owns the address, a second unmap is the caller's use of someone
      // else's mapping: the kernel sees a valid unmap of a live area and no assertion can tell
      // it apart (the contract "must not be freed twice" is the caller's). Not the misuse the
      // layer is asked to catch, so it is not run.
      if (this.reusedByAnother(h)) return 'skipped';
      return yield* this.misused(k, h, h.count);
    }
    if (!live) return 'skipped';
    if (op.count === h.count || !(this.variant.features ?? []).includes('percpu-blocks')) {
      yield* this.unmap(k, h, h.count, false);
      return 'ok';
    }
    return yield* this.misused(k, h, op.count);
  }

  /** Does another live (or being-unmapped) mapping overlap `h`'s pages? */
  private reusedByAnother(h: Handle): boolean {
    const shift = BigInt(this.w.layout.PAGE_SHIFT);
    const end = h.addr + (BigInt(h.count) << shift);
    for (const o of this.handles.values()) {
      const st = o.life.stateName;
      if (o === h || (st !== 'live' && st !== 'unmapping')) continue;
      if (o.addr < end && h.addr < o.addr + (BigInt(o.count) << shift)) return true;
    }
    return false;
  }

  private *misused(k: K, h: Handle, count: number): Gen<string> {
    this.misuseOps++;
    this.w.reach('misuse');
    this.w.note('F14');
    yield* this.unmap(k, h, count, true);
    return 'misused';
  }

  /** A map call; `align` (a power of two) makes a vmalloc the aligned one (VmapApi.vmalloc_align). */
  private *map(k: K, id: number, kind: Handle['kind'], pages: number, beganStep: number, align: bigint | null = null): Gen<string> {
    const beganAt = this.clock;
    const w = this.w;
    const api = this.variant.api;
    const life = new Lifecycle(MAPPING_HANDLE, w.coverage);
    life.send(MH_EV.MAP_BEGIN);
    const user: number[] = kind === 'vmalloc' ? [] : Array.from({ length: pages }, () => w.mm.newPage());
    const size = BigInt(pages) << BigInt(w.layout.PAGE_SHIFT);
    let addr: bigint;
    w.kva.begin(k.ctx, id);
    try {
      if (kind === 'vmalloc') addr = align === null ? yield* api.vmalloc(k, size) : yield* api.vmalloc_align(k, size, align);
      else if (kind === 'vmap') addr = yield* api.vmap(k, user, pages);
      else addr = yield* api.vm_map_ram(k, user, pages, k.cpu.inInterrupt() || !k.cpu.irqsEnabled ? GFP_ATOMIC : GFP_KERNEL);
    } finally {
      w.kva.end(k.ctx);
    }
    if (addr === 0n) {
      life.send(MH_EV.MAP_FAIL);
      for (const p of user) w.mm.livePages.delete(p);
      w.metrics.allocFailures++;
      w.reach('alloc_failed');
      this.failedMaps.push({ op: id, kind, cpu: k.cpu.id, beganStep, endStep: w.stepNo });
      this.failedEarlier = true;
      return 'NULL';
    }
    if (this.failedEarlier) w.reach('alloc_failed_and_recovered');
    const vpn = w.mm.vpn(addr);
    const mapped = kind === 'vmalloc' ? Array.from({ length: pages }, (_, i) => w.mm.pte.get(vpn + i) ?? -1) : user;
    life.send(MH_EV.MAP_DONE);
    const h: Handle = { id, kind, addr, count: pages, pages: mapped, life, claimed: false, mapBeganStep: beganStep, mapBeganAt: beganAt, cpu: k.cpu.id, mapEndStep: w.stepNo };
    this.handles.set(id, h);
    w.changes.handle(h);
    return w.word.hex(addr);
  }

  private *unmap(k: K, h: Handle, count: number, misuse: boolean): Gen {
    const api = this.variant.api;
    const again = h.life.stateName === 'released';
    h.claimed = true;
    // The user gives the pages up when it calls the unmap: tell the alias tracker here, from
    // the user's side (the layer's own release ghosts also cover its internal unmaps).
    if (!again) for (let i = 0, v0 = this.w.mm.vpn(h.addr); i < h.count; i++) this.w.mm.alias.release(v0 + i, this.w.stepNo);
    h.life.send(again ? MH_EV.UNMAP_AGAIN : MH_EV.UNMAP_BEGIN);
    this.w.changes.handle(h);
    k.ctx.misuse = misuse;
    try {
      if (h.kind === 'vmalloc') yield* api.vfree(k, h.addr);
      else if (h.kind === 'vmap') yield* api.vunmap(k, h.addr);
      else yield* api.vm_unmap_ram(k, h.addr, count);
    } finally {
      k.ctx.misuse = false;
    }
    h.life.send(MH_EV.UNMAP_DONE);
    if (!again) {
      h.unmappedAt = this.w.stepNo;
      h.unmapReturnedAt = ++this.clock;
      const v0 = this.w.mm.vpn(h.addr);
      for (let i = 0; i < h.count; i++) this.unmapDone.set(v0 + i, this.w.stepNo);
    }
    if (!again && h.kind !== 'vmalloc') for (const p of h.pages) this.w.mm.livePages.delete(p);
  }

  /** Teardown on CPU 0 after every program: unmap what is still live, then vm_unmap_aliases. */
  teardownOps(): Op[] {
    const ops: Op[] = [];
    let id = -1;
    const live = [...this.handles.values()].filter((h) => h.life.stateName === 'live' && !h.claimed).sort((a, b) => a.id - b.id);
    for (const h of live) {
      const op = h.kind === 'vmalloc' ? 'vfree' : h.kind === 'vmap' ? 'vunmap' : 'vm_unmap_ram';
      ops.push({ id: id--, op, h: h.id });
    }
    ops.push({ id: id--, op: 'vm_unmap_aliases' });
    return ops;
  }
}
