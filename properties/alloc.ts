/**
 * An allocation fails only when no hole fits: judged by an exact scan of its own, over the
 * ghost record of everything live while the failing call ran (model/engine/kva_ghost.ts).
 *
 * Free for the request: the areas lazily freed before its purge-and-retry began (whether or
 * not a purge then ran or freed them: the allocator's own purge is what must reclaim them),
 * and the space of per-CPU vmap blocks with no live allocation in them and no vm_map_ram in
 * flight on their CPU during the call (judged from the user's handles, not the block's
 * bitmaps: nothing else can ever get that space back). Occupied: every other area live at ANY point during the call, so a race the
 * allocator lost fairly is never blamed on it. Whatever the reason the allocator gave up.
 */
import type { AllocFailure, SeenArea, World } from '../model/engine/world';
import { hex, type Property } from './property';

/** A half-open byte interval. */
export interface Span {
  readonly start: bigint;
  readonly end: bigint;
}

/** The smallest multiple of `align` that is >= x (align >= 1; any align, not only powers of two). */
function roundUp(x: bigint, align: bigint): bigint {
  const r = x % align;
  return r === 0n ? x : x + (align - r);
}

/** Three-way comparison of bigints, for sorts. */
const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The lowest address `a` with a % align == 0, vstart <= a, a + size <= vend (exact integers:
 * no wrap) and [a, a + size) disjoint from every occupied span; null when there is none.
 * The guard page, where a caller adds one, is inside `size`: an exact fit is a fit.
 * Candidates: the first aligned address of the range and the first aligned address at or
 * after each occupied span's end — the lowest fitting address is always one of them.
 *
 * A candidate is blocked iff some span has start < a + size and end > a. The spans with
 * start < a + size are a prefix of the spans sorted by start (binary search), so the test is
 * "the prefix's largest end > a": O(log n) per candidate, O(n log n) in all, with an index
 * of its own (never the allocator's tree or list).
 */
export function lowestHole(occupied: readonly Span[], size: bigint, align: bigint, vstart: bigint, vend: bigint): bigint | null {
  const al = align >= 1n ? align : 1n;
  const byStart = occupied.slice().sort((x, y) => cmp(x.start, y.start));
  const maxEnd: bigint[] = [];
  for (const o of byStart) maxEnd.push(maxEnd.length === 0 || o.end > maxEnd[maxEnd.length - 1]! ? o.end : maxEnd[maxEnd.length - 1]!);
  /** How many spans start below `x`. */
  const startsBelow = (x: bigint): number => {
    let lo = 0;
    let hi = byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (byStart[mid]!.start < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const cands = [roundUp(vstart, al), ...occupied.filter((o) => o.end > vstart).map((o) => roundUp(o.end, al))].sort(cmp);
  for (const a of cands) {
    if (a < vstart || a + size > vend) continue;
    const n = startsBelow(a + size);
    if (n === 0 || maxEnd[n - 1]! <= a) return a;
  }
  return null;
}

/** Did the user hold an allocation inside `b` at some step of [from, to]? From the harness's handles. */
function blockInUse(w: World, b: SeenArea, f: AllocFailure): boolean {
  const user = w.user;
  if (user === null) return true;
  // On the user's clock when the failing call is known (exact for back-to-back calls on one
  // CPU), else by steps (an unmap returning in the call's first step then counts as live).
  const began = user.callBeganAt.get(f.op);
  for (const h of user.handles.values()) {
    if (h.addr < b.start || h.addr >= b.end) continue;
    // The layer may hold the allocation from the map call's start to the unmap's return.
    const after = began !== undefined ? (h.unmapReturnedAt ?? Infinity) > began : (h.unmappedAt ?? Infinity) >= f.beganStep;
    if (h.mapBeganStep <= f.step && after) return true;
  }
  const cpu = b.block!.cpu;
  // A vm_map_ram that returned NULL on the block's CPU may have held part of it meanwhile
  // (vb_alloc succeeded, vmap_page_range failed): its address is unknown, so assume so.
  if (user.failedMaps.some((m) => m.op !== f.op && m.kind === 'vm_map_ram' && m.cpu === cpu && m.beganStep <= f.step && m.endStep >= f.beganStep)) return true;
  // A vm_map_ram in flight on the block's CPU during the call may hold the block without any
  // handle in it: new_vmap_block creates a block for the calling vb_alloc, which takes its part
  // only when it walks vbq->free again, and may lose the block to a purge meanwhile and map
  // from another one (later kernels make that reservation explicit: new_vmap_block takes the
  // caller's part before it publishes the block). Its space is held by that call: a race the
  // failing allocation lost fairly, whichever block the call mapped from in the end.
  for (const h of user.handles.values()) {
    if (h.id !== f.op && h.kind === 'vm_map_ram' && h.cpu === cpu && h.mapBeganStep <= f.step && h.mapEndStep >= f.beganStep) return true;
  }
  return false;
}

/** What the oracle judges one failure on: the occupied spans, and what it counted free. */
export function judgeFailure(w: World, f: AllocFailure): { occupied: Span[]; lazyFreed: number; emptyBlocks: number; hole: bigint | null } {
  let lazyFreed = 0;
  let emptyBlocks = 0;
  const occupied: Span[] = [];
  for (const a of f.seen) {
    if (f.lazy.has(a.id)) lazyFreed++;
    else if (a.block !== null && !blockInUse(w, a, f)) emptyBlocks++;
    else occupied.push({ start: a.start, end: a.end });
  }
  return { occupied, lazyFreed, emptyBlocks, hole: lowestHole(occupied, f.size, f.align, f.vstart, f.vend) };
}

/** Forbids an allocation failure while an aligned hole of the requested size fits. */
export const alloc_fails_only_when_full: Property = {
  name: 'alloc_fails_only_when_full',
  forbids: 'a KVA allocation failing although an aligned hole of the requested size fits in [vstart, vend), counting as free the areas lazily freed before its purge began and per-CPU blocks with nothing live in them',
  when: 'final',
  check: ({ w }) => {
    const out: string[] = [];
    for (const f of w.allocFailures) {
      const j = judgeFailure(w, f);
      if (j.hole === null) continue;
      out.push(
        `cpu${f.cpu} ${f.fn.join(' > ')}: allocation of ${hex(w, f.size)} bytes (align ${hex(w, f.align)}) in [${hex(w, f.vstart)}, ${hex(w, f.vend)}) failed at step ${f.step}${f.purged ? ' after its purge-and-retry' : ''}, ` +
          `although [${hex(w, j.hole)}, ${hex(w, j.hole + f.size)}) was free of every area live since the call began at step ${f.beganStep} ` +
          `(${j.lazyFreed} area(s) lazily freed before its purge and ${j.emptyBlocks} vmap block(s) with nothing live in them counted free)`,
      );
    }
    return out;
  },
};
