/**
 * Properties of the pgd_sync consumer (seeds 000 and 001): what a user of kernel page
 * tables per address space relies on.
 *
 *  - pgd_levels_present: when the Xen driver hands an area to the hypervisor (which walks
 *    the current page tables and has no fault path), every level down to the PTE page of
 *    each of its pages is present in the current pgd.
 *  - sync_all_covers_pgds: the entries init_mm had when vmalloc_sync_all() was called are,
 *    when it returns, in every pgd on pgd_list that an mm uses (and in non-PAE also in the
 *    cached ones, whose kernel half the next pgd_alloc hands out as it is); and every pgd
 *    that pgd_alloc returns after that call returned has them too (pgds created
 *    concurrently).
 *  - pgd_list_consistent: pgd_list (the `page->index` chain with `page_private` back
 *    pointers) holds every pgd an mm uses and no destroyed one (nor one whose dtor ran
 *    since its last ctor), with correct back pointers; and nothing walking it reaches a
 *    pgd without a live kernel pmd.
 *  - no_refused_atomic_fault: no vmalloc-range fault the consumer depends on is taken in
 *    atomic context where the handler refuses it.
 *
 * Computed from the model's state by code of its own: init_mm's kernel PMDs are the boot
 * lowmem PMDs plus init_mm's PTE pages (model/kernel/mm.ts), read directly here.
 */
import type { K } from '../../model/engine/exec';
import type { World } from '../../model/engine/world';
import { GEO, pgs, type PgdObserver, type PgdPage, type PmdPage } from '../../model/consumers/pgd_sync/state';

/** The property names, in report order. */
export const PGD_SYNC_PROPERTIES = ['pgd_levels_present', 'sync_all_covers_pgds', 'pgd_list_consistent', 'no_refused_atomic_fault'] as const;

function initMmPmds(w: World): Set<number> {
  const out = new Set<number>();
  for (let i = GEO.KPMD0; i < GEO.KPMD0 + GEO.KPMDS; i++) if (i < GEO.KPMD0 + GEO.LOWMEM_PMDS || w.mm.ptePages.has(i)) out.add(i);
  return out;
}

/** The kernel PMD entries `pgd` translates through (its own reading of the structures). */
function kernelPmds(w: World, pgd: PgdPage | 'swapper'): { has: Set<number>; problem: string | null } {
  if (pgd === 'swapper') return { has: initMmPmds(w), problem: null };
  const s = pgs(w);
  if (s.mode === 'non-pae') return { has: new Set(pgd.kent.entries), problem: null };
  const t: PmdPage | null = pgd.pae[GEO.PAE_USER_PTRS] ?? null;
  if (t === null) return { has: new Set(), problem: `pgd#${pgd.id}[3] (the kernel pgd entry) is not present` };
  if (t.freed) return { has: new Set(), problem: `pgd#${pgd.id}[3] points to a freed pmd page` };
  return { has: t === s.swapperPmd ? initMmPmds(w) : new Set(t.entries), problem: null };
}

function missing(w: World, pgd: PgdPage | 'swapper', want: Iterable<number>): string[] {
  const { has, problem } = kernelPmds(w, pgd);
  const out: string[] = problem ? [problem] : [];
  for (const i of want) if (!has.has(i)) out.push(`pmd ${w.word.hex(BigInt(i) << BigInt(GEO.PMD_SHIFT))}`);
  return out;
}

function listed(w: World): { pages: PgdPage[]; problems: string[] } {
  const s = pgs(w);
  const pages: PgdPage[] = [];
  const problems: string[] = [];
  let prev: PgdPage | 'pgd_list' = 'pgd_list';
  const seen = new Set<PgdPage>();
  for (let p = s.pgd_list; p !== null; p = p.index) {
    if (seen.has(p)) {
      problems.push(`pgd_list cycles at pgd#${p.id}`);
      break;
    }
    seen.add(p);
    if (p.pprev !== prev) problems.push(`pgd#${p.id}: page_private does not point to ${prev === 'pgd_list' ? 'pgd_list' : `pgd#${prev.id}->index`}`);
    pages.push(p);
    prev = p;
  }
  return { pages, problems };
}

/** The pgd_sync oracle for one run: observer hooks plus a step check. */
export class PgdSyncOracle implements PgdObserver {
  /** init_mm's PMDs at the entry of each vmalloc_sync_all in flight, per CPU. */
  private readonly pending = new Map<number, Set<number>>();
  /** Union of the entries of every vmalloc_sync_all that has returned. */
  private readonly guaranteed = new Set<number>();
  constructor(private readonly w: World) {}

  private readonly seen = new Set<string>();

  private report(k: K | null, property: string, cpu: number, msg: string, fn: string): void {
    if (this.seen.has(property + msg)) return;
    this.seen.add(property + msg);
    this.w.reportGlobal(property, 'invariant', cpu, msg, fn, k?.ctx.frames.at(-1) ?? '');
  }

  used(k: K, pgd: PgdPage | 'swapper', addr: bigint, size: bigint, what: string): void {
    const w = this.w;
    const PAGE = 1n << BigInt(w.layout.PAGE_SHIFT);
    // area->size includes the guard page, which is never handed to Xen.
    const want = new Set<number>();
    for (let a = addr; a < addr + size - PAGE; a += PAGE) want.add(Number(a >> BigInt(GEO.PMD_SHIFT)));
    const miss = missing(w, pgd, want);
    if (miss.length > 0) {
      const name = pgd === 'swapper' ? 'swapper_pg_dir' : `pgd#${pgd.id} (mm #${pgd.mm})`;
      this.report(k, 'pgd_levels_present', k.cpu.id, `${what} on ${w.word.hex(addr)}+${size >> BigInt(w.layout.PAGE_SHIFT)}p through ${name}: missing ${miss.join(', ')} (init_mm has them)`, 'xen driver');
    }
  }

  syncAllBegin(k: K): void {
    this.pending.set(k.cpu.id, initMmPmds(this.w));
  }

  syncAllEnd(k: K): void {
    const w = this.w;
    const want = this.pending.get(k.cpu.id) ?? new Set<number>();
    this.pending.delete(k.cpu.id);
    const nonPae = pgs(w).mode === 'non-pae';
    for (const p of listed(w).pages) {
      if (p.mm === null && !(nonPae && p.slab === 'constructed' && p.ghostCtorDone)) continue;
      const miss = missing(w, p, want);
      if (miss.length > 0) this.report(k, 'sync_all_covers_pgds', k.cpu.id, `vmalloc_sync_all() returned but pgd#${p.id} (${p.mm === null ? 'cached' : `mm #${p.mm}`}) on pgd_list lacks ${miss.join(', ')}`, 'vmalloc_sync_all');
    }
    for (const i of want) this.guaranteed.add(i);
  }

  pgdAllocReturn(k: K, pgd: PgdPage): void {
    const miss = missing(this.w, pgd, this.guaranteed);
    if (miss.length > 0) this.report(k, 'sync_all_covers_pgds', k.cpu.id, `pgd_alloc returned pgd#${pgd.id} after vmalloc_sync_all() returned, without ${miss.join(', ')}`, 'pgd_alloc');
  }

  faultRefused(k: K, addr: bigint, reason: string): void {
    this.report(k, 'no_refused_atomic_fault', k.cpu.id, `fault at ${this.w.word.hex(addr)} with in_atomic() (preempt count ${k.cpu.preempt}) not handled: ${reason}`, 'do_page_fault');
  }

  wildPmd(k: K, _pgd: PgdPage, what: string): void {
    this.report(k, 'pgd_list_consistent', k.cpu.id, what, 'vmalloc_sync_one');
  }

  /** After each step: the list's shape, when nobody holds pgd_lock. */
  step(): void {
    const w = this.w;
    const s = pgs(w);
    if (s.pgd_lock.holder !== null) return;
    const { pages, problems } = listed(w);
    const on = new Set(pages);
    // Every pgd an mm uses must be listed (vmalloc_sync_all reaches address spaces only
    // through pgd_list); whether a cached one is listed is the slab design's business, not
    // the guarantee's. PAE with a shared kernel pmd has no list at all.
    const shouldBeListed = (p: PgdPage): boolean => s.mode !== 'pae-shared' && p.mm !== null;
    for (const p of s.allPgds) {
      if (shouldBeListed(p) && !on.has(p)) problems.push(`pgd#${p.id} is the pgd of mm #${p.mm} but is not on pgd_list`);
      if (on.has(p) && (p.ghostDtorDone || p.slab === 'destroyed')) problems.push(`pgd#${p.id} is on pgd_list after its destructor ran`);
    }
    for (const msg of problems) this.report(null, 'pgd_list_consistent', 0, msg, 'pgd_list');
  }
}
