/**
 * The oracle's own index of what every live mapping must translate to, kept from change
 * notifications (model/engine/changes.ts: PTE and TLB writes by vpn, handles as the harness
 * creates and claims them) so live_mappings_translate costs what a step wrote, not every
 * live page times every CPU. Per vpn it holds the live (handle, page) pairs that cover it and
 * the number of problems the full check would list there (PTE not the handle's pfn; a CPU's
 * TLB holding another pfn); a running total says whether anything is wrong. A written vpn is
 * re-judged from the PTE and TLB maps themselves at the next check. When the total is
 * non-zero the full check writes the messages, so messages and verdicts stay the full
 * check's. tests/properties/incremental_mappings.test.ts compares the two on random runs of
 * every variant and on deliberately corrupted translations.
 */
import type { World } from '../model/engine/world';
import type { Handle } from '../model/engine/harness';

/** Test-only mutants (tests/properties/incremental_mappings.test.ts): each must make the comparison fail. */
export const TRANSLATION_MUTANT: { kind: 'none' | 'drop-tlb-writes' | 'keep-claimed' } = { kind: 'none' };

/** One page of a live mapping: vpn `h.addr`'s page `i` must translate to `h.pages[i]`. */
interface Cover {
  readonly h: Handle;
  readonly i: number;
}

const live = (h: Handle): boolean => h.life.stateName === 'live' && !h.claimed;

/** The live mappings' translations as the oracle indexes them. */
export class TranslationIndex {
  private readonly covers = new Map<number, Cover[]>();
  private readonly bad = new Map<number, number>();
  private readonly dirty = new Set<number>();
  private readonly indexed = new Set<Handle>();
  private readonly pendingHandles: Handle[] = [];
  private total = 0;

  constructor(private readonly w: World) {
    w.changes.onTranslation((vpn) => void this.dirty.add(vpn));
    w.changes.onHandle((h) => void this.pendingHandles.push(h));
    for (const h of w.user?.handles.values() ?? []) this.pendingHandles.push(h);
    // A TLB write notified under this mutant is lost (the PTE's are kept).
    if (TRANSLATION_MUTANT.kind === 'drop-tlb-writes') for (const c of w.cpus) c.tlb.onWrite = null;
  }

  /** Apply the notifications since the last sync (read now: the step is over). */
  sync(): void {
    for (const h of this.pendingHandles) {
      const isLive = live(h) || (TRANSLATION_MUTANT.kind === 'keep-claimed' && this.indexed.has(h));
      if (isLive === this.indexed.has(h)) continue;
      const vpn = this.w.mm.vpn(h.addr);
      for (let i = 0; i < h.count; i++) {
        const list = this.covers.get(vpn + i) ?? [];
        if (isLive) list.push({ h, i });
        else list.splice(list.findIndex((c) => c.h === h), 1);
        if (list.length === 0) this.covers.delete(vpn + i);
        else this.covers.set(vpn + i, list);
        this.dirty.add(vpn + i);
      }
      if (isLive) this.indexed.add(h);
      else this.indexed.delete(h);
    }
    this.pendingHandles.length = 0;
    for (const vpn of this.dirty) this.judge(vpn);
    this.dirty.clear();
  }

  /** Does some live mapping translate to a page other than its own? */
  get broken(): boolean {
    return this.total > 0;
  }

  /** The problem count per covered vpn with problems, as `vpn:count`, in vpn order (for the comparison test). */
  snapshot(): string[] {
    return [...this.bad.entries()].sort((a, b) => a[0] - b[0]).map(([v, n]) => `${v}:${n}`);
  }

  /** Problems at `vpn` now, from the PTE and TLB maps. */
  private judge(vpn: number): void {
    let n = 0;
    for (const { h, i } of this.covers.get(vpn) ?? []) {
      const want = h.pages[i];
      if (this.w.mm.pte.get(vpn) !== want) n++;
      for (const c of this.w.cpus) {
        const t = c.tlb.get(vpn);
        if (t !== undefined && t !== want) n++;
      }
    }
    this.total += n - (this.bad.get(vpn) ?? 0);
    if (n === 0) this.bad.delete(vpn);
    else this.bad.set(vpn, n);
  }
}

const INDEXES = new WeakMap<World, TranslationIndex>();

/** This world's translation index, synced with the changes since the last call. */
export function translationIndex(w: World): TranslationIndex {
  let ix = INDEXES.get(w);
  if (ix === undefined) INDEXES.set(w, (ix = new TranslationIndex(w)));
  ix.sync();
  return ix;
}
