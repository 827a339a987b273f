/**
 * Dynamic partial-order reduction with source sets (Abdulla, Aronis, Jonsson, Sagonas,
 * POPL 2014), run on each finished execution, plus the bounded extension of Coons, Musuvathi
 * and McKinley (OOPSLA 2013) so that the preemption bound does not hide what DPOR relies on.
 *
 * Happens-before is the transitive closure of program order and dependence (footprint.ts).
 * For every race e_i ⋖ e_j (dependent, different threads, no event in between ordered after
 * e_i and before e_j) the reversal must be explored from the point before e_i: with
 * v = notdep(e_i).e_j (the events after e_i not happening after it, then e_j), some initial
 * of v — a thread whose first event in v has no predecessor in v — must be in that point's
 * backtrack set; one is added if none is there or asleep. Under a preemption bound the same
 * thread is also added at the last context switch at or before i, where running it costs no
 * preemption (Coons et al.'s conservative point).
 */
import type { ChoicePoint } from './choice_point';
import { dependent, type Footprint } from './footprint';

/** Bit sets over event indices. */
class Bits {
  readonly w: Uint32Array;
  constructor(n: number) {
    this.w = new Uint32Array((n + 31) >>> 5);
  }
  set(i: number): void {
    this.w[i >>> 5]! |= 1 << (i & 31);
  }
  has(i: number): boolean {
    return (this.w[i >>> 5]! & (1 << (i & 31))) !== 0;
  }
  /** Set bits 0 .. i-1. */
  fillBelow(i: number): void {
    const full = i >>> 5;
    this.w.fill(0xffffffff, 0, full);
    if ((i & 31) !== 0) this.w[full]! |= (1 << (i & 31)) - 1;
  }
  or(o: Bits): void {
    for (let k = 0; k < this.w.length; k++) this.w[k]! |= o.w[k]!;
  }
}

/** hb[j] = the events that happen before or are e_j. */
function happensBefore(fps: readonly Footprint[]): Bits[] {
  const n = fps.length;
  const hb: Bits[] = [];
  for (let j = 0; j < n; j++) {
    const b = new Bits(n);
    b.set(j);
    if (fps[j]!.opaque !== null) {
      // Dependent with everything: every earlier event happens before it.
      b.fillBelow(j);
    } else {
      for (let k = j - 1; k >= 0; k--) {
        if (b.has(k) || !dependent(fps[k]!, fps[j]!)) continue;
        b.or(hb[k]!);
        // An opaque event already has every earlier event before it.
        if (fps[k]!.opaque !== null) break;
      }
    }
    hb.push(b);
  }
  return hb;
}

/** The initials of v (indices into fps, in order): threads whose first event in v has no predecessor in v. */
function initials(v: readonly number[], fps: readonly Footprint[], hb: readonly Bits[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let a = 0; a < v.length; a++) {
    const k = v[a]!;
    const t = fps[k]!.thread;
    if (seen.has(t)) continue;
    seen.add(t);
    let first = true;
    for (let b = 0; b < a && first; b++) if (hb[k]!.has(v[b]!)) first = false;
    if (first) out.push(t);
  }
  return out;
}

/** Add the backtrack points the races of the execution on `stack` call for (races e_i ⋖ e_j with j >= from). */
export function addRaceBacktracks(stack: readonly ChoicePoint[], bounded: boolean, from = 0): void {
  const fps = stack.map((n) => n.fp!);
  const n = fps.length;
  const hb = happensBefore(fps);
  // Races ending before `from` lie in the prefix shared with an execution already analysed.
  for (let j = from; j < n; j++) {
    const ej = fps[j]!;
    // covered = events before some e_k (i < k < j) that happens before e_j.
    const covered = new Bits(n);
    for (let i = j - 1; i >= 0; i--) {
      if (!hb[j]!.has(i)) continue;
      const ei = fps[i]!;
      const immediate = !covered.has(i);
      // An event already covered brings nothing new: its predecessors are covered too (transitivity).
      if (immediate) covered.or(hb[i]!);
      const last = ei.opaque !== null; // every earlier event is now covered
      if (!immediate || ei.thread === ej.thread || !dependent(ei, ej)) {
        if (last) break;
        continue;
      }
      const v: number[] = [];
      for (let k = i + 1; k < j; k++) if (!hb[k]!.has(i)) v.push(k);
      v.push(j);
      const init = initials(v, fps, hb);
      const at = stack[i]!;
      const chosen = ensure(at, init);
      if (bounded && chosen !== null) {
        let s = i;
        while (s > 0 && stack[s - 1]!.chosen === stack[s]!.chosen) s--;
        if (s !== i) ensure(stack[s]!, [chosen]);
      }
      if (last) break;
    }
  }
}

/** Make sure one of `init` is (or was) tried at `at`; returns the thread added or found, null if none applies. */
function ensure(at: ChoicePoint, init: readonly string[]): string | null {
  for (const t of init) if (at.backtrack.has(t) || at.sleep.has(t)) return t;
  const cand = init.find((t) => at.enabled.includes(t));
  if (cand !== undefined) {
    at.backtrack.add(cand);
    return cand;
  }
  // No initial is enabled here (should not happen when footprints are sound): try everything.
  for (const t of at.enabled) at.backtrack.add(t);
  return null;
}
