/**
 * The per-(CPU, page) translation lifecycle, driven through the table derived from the
 * `tlb_alias` XState machine (model/lifecycles/tlb_alias.ts) — never XState itself.
 *
 * Only pages in a non-initial state on some CPU are stored, so the map stays the size of
 * what is mapped or aliased. A rejected event is a violation: SET_PTE on a page some CPU
 * still has a stale or aliased translation for is the reuse-with-lazy-alias hazard.
 */
import { TLB_ALIAS, TLB_EV, TLB_ST, isLazyAlias } from './tlb_alias';
import { step } from './instance';
import type { TableCounters } from './coverage';

/** Callback for a rejected event: page, CPU, state name, event name. */
export type AliasReject = (vpn: number, cpu: number, state: string, event: string) => void;

const INITIAL = TLB_ALIAS.initial;
const ALIAS = TLB_ALIAS.states.map((s) => isLazyAlias(s));
const LIVE = TLB_ALIAS.states.map((s) => s === 'mapped' || s === 'mapped_cached');

/** Event indices, re-exported for the mm code. */
export const ALIAS_EV = TLB_EV;

/** Translation state of every (CPU, page) pair that is not `unmapped`. */
export class AliasTracker {
  private readonly st = new Map<number, Uint8Array>();
  /** Step at which each page was last released by its user. */
  readonly releasedAt = new Map<number, number>();

  constructor(
    readonly ncpu: number,
    private readonly counters: TableCounters,
    private readonly onReject: AliasReject,
  ) {}

  /** Send `ev` for `vpn` to one CPU, or to all when cpu < 0. */
  send(vpn: number, cpu: number, ev: number): void {
    let row = this.st.get(vpn);
    if (row === undefined) {
      row = new Uint8Array(this.ncpu).fill(INITIAL);
      this.st.set(vpn, row);
    }
    const lo = cpu < 0 ? 0 : cpu;
    const hi = cpu < 0 ? this.ncpu : cpu + 1;
    let idle = true;
    for (let c = 0; c < this.ncpu; c++) {
      if (c >= lo && c < hi) {
        const from = row[c]!;
        const to = step(TLB_ALIAS, from, ev);
        this.counters.record(from, ev, to);
        if (to < 0) this.onReject(vpn, c, TLB_ALIAS.states[from]!, TLB_ALIAS.events[ev]!);
        else row[c] = to;
      }
      if (row[c] !== INITIAL) idle = false;
    }
    if (idle) this.st.delete(vpn);
  }

  /**
   * Record the user's release of `vpn` and send RELEASE to every CPU. Only a live page can
   * be released: the layer also frees ranges whose pages its users released earlier (a
   * whole vmap block after each vb_free of its parts), which is not a second release.
   */
  release(vpn: number, stepNo: number): void {
    const row = this.st.get(vpn);
    if (row === undefined || !row.some((s) => LIVE[s])) return;
    this.releasedAt.set(vpn, stepNo);
    this.send(vpn, -1, TLB_EV.RELEASE);
  }

  /** State name of (cpu, vpn). */
  stateName(vpn: number, cpu: number): string {
    return TLB_ALIAS.states[this.st.get(vpn)?.[cpu] ?? INITIAL]!;
  }

  /** True if `vpn` is a lazy alias on any CPU. */
  isAlias(vpn: number): boolean {
    const row = this.st.get(vpn);
    if (row === undefined) return false;
    for (let c = 0; c < this.ncpu; c++) if (ALIAS[row[c]!]) return true;
    return false;
  }

  /** Every (vpn, cpu, state) that is a lazy alias, in page order. */
  aliases(): { vpn: number; cpu: number; state: string }[] {
    const out: { vpn: number; cpu: number; state: string }[] = [];
    const vpns = [...this.st.keys()].sort((a, b) => a - b);
    for (const vpn of vpns) {
      const row = this.st.get(vpn)!;
      for (let c = 0; c < this.ncpu; c++) if (ALIAS[row[c]!]) out.push({ vpn, cpu: c, state: TLB_ALIAS.states[row[c]!]! });
    }
    return out;
  }

  /** Tracked pages (non-initial somewhere), unordered: callers sort if order matters. */
  trackedPages(): IterableIterator<number> {
    return this.st.keys();
  }
}

/** Is this state index a lazy alias state? */
export function aliasState(i: number): boolean {
  return ALIAS[i] === true;
}

export { TLB_ST };
