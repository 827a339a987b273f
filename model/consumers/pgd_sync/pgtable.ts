/**
 * arch/i386/mm/pgtable.c after seed 001: pgd_list_add/_del, the non-PAE and PAE pgd_ctor,
 * pgd_dtor, pmd_cache_alloc/_free, pgd_alloc and pgd_free, and the pgd slab cache.
 *
 * The slab cache has 2.6.20 semantics, which the seed's design depends on: the
 * constructor runs when an object is created for the cache (cache_grow), NOT on every
 * kmem_cache_alloc, and the destructor runs only when the cache gives the object's page
 * back (cache_reap / kmem_cache_shrink), NOT on kmem_cache_free. So a freed pgd stays on
 * pgd_list while it sits in the cache — which is why vmalloc_sync_all keeps cached pgds in
 * sync too. DIVERGENCE: the slab's own locking (per-CPU arrays, l3 list_lock) is one step
 * per kmem_cache_alloc/free; one pgd per slab page (the seed forces page-sized pgds when
 * the kernel pmd is unshared; non-PAE pgds are a page anyway; PAE-shared pgds are 32 bytes,
 * several per page, which changes nothing here since that mode has no ctor list or dtor).
 */
import { kfn, type Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { allocAttempt, GFP_KERNEL } from '../../kernel/slab';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { GEO, PgdPage, PmdPage, pgs, swapperHas } from './state';

const L = sites('pgd_list_add', {
  add: 'page->index = pgd_list; if (pgd_list) set_page_private(pgd_list, &page->index); pgd_list = page; set_page_private(page, &pgd_list)',
});
const D = sites('pgd_list_del', {
  del: 'next = page->index; pprev = page_private(page); *pprev = next; if (next) set_page_private(next, pprev)',
});
/** pgd_ctor's statements. */
export const C = sites('pgd_ctor', {
  memset: 'memset(pgd, 0, USER_PTRS_PER_PGD*sizeof(pgd_t))',
  clone: 'clone_pgd_range(pgd + USER_PTRS_PER_PGD, swapper_pg_dir + USER_PTRS_PER_PGD, KERNEL_PGD_PTRS)',
  lock: 'spin_lock_irqsave(&pgd_lock, flags)',
  pv: 'paravirt_alloc_pd_clone(__pa(pgd) >> PAGE_SHIFT, __pa(swapper_pg_dir) >> PAGE_SHIFT, ...)',
  unlock: 'spin_unlock_irqrestore(&pgd_lock, flags)',
});
const T = sites('pgd_dtor', {
  bug: 'BUG_ON(SHARED_KERNEL_PMD)',
  pv: 'paravirt_release_pd(__pa(pgd) >> PAGE_SHIFT)',
  lock: 'spin_lock_irqsave(&pgd_lock, flags)',
  unlock: 'spin_unlock_irqrestore(&pgd_lock, flags)',
});
/** pmd_cache_alloc's statements. */
export const P = sites('pmd_cache_alloc', {
  page: 'pmd = (pmd_t *)__get_free_page(GFP_KERNEL)',
  memcpy: 'memcpy(pmd, (void *)pgd_page_vaddr(swapper_pg_dir[idx]), sizeof(pmd_t) * PTRS_PER_PMD)',
  cache: 'pmd = kmem_cache_alloc(pmd_cache, GFP_KERNEL)',
});
/** pgd_alloc's statements (the fixes reuse them). */
export const A = sites('pgd_alloc', {
  alloc: 'pgd = kmem_cache_alloc(pgd_cache, GFP_KERNEL)',
  pv: 'paravirt_alloc_pd(__pa(pmd) >> PAGE_SHIFT)',
  set: 'set_pgd(&pgd[i], __pgd(1 + __pa(pmd)))',
  oom: 'pmd_cache_free(pmd, i) (out_oom)',
  free: 'kmem_cache_free(pgd_cache, pgd) (out_oom)',
});
/** pgd_free's statements. */
export const F = sites('pgd_free', {
  read: 'pgdent = pgd[i]; pmd = __va(pgd_val(pgdent)-1); paravirt_release_pd(...)',
  pmdfree: 'pmd_cache_free(pmd, i)',
  free: 'kmem_cache_free(pgd_cache, pgd)',
});
/** cache_reap's statements. */
export const R = sites('cache_reap', {
  destroy: 'slab_destroy: dtor(objp, cachep, 0); kmem_freepages(cachep, addr)',
});

/** SHARED_KERNEL_PMD of the run's mode (0 for non-PAE, paravirt_ops.shared_kernel_pmd for PAE). */
export function SHARED_KERNEL_PMD(k: K): boolean {
  return pgs(k.w).mode === 'pae-shared';
}

/** `pgd_list_add(pgd)` (caller holds pgd_lock). */
export function* pgd_list_add(k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  yield L.add;
  pgd.index = s.pgd_list;
  if (s.pgd_list !== null) s.pgd_list.pprev = pgd;
  s.pgd_list = pgd;
  pgd.pprev = 'pgd_list';
}

/** `pgd_list_del(pgd)` (caller holds pgd_lock). */
export function* pgd_list_del(k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  yield D.del;
  const next = pgd.index;
  const pprev = pgd.pprev;
  if (pprev === 'pgd_list') s.pgd_list = next;
  else if (pprev !== null) pprev.index = next;
  if (next !== null) next.pprev = pprev;
}

/** `pgd_ctor`: the non-PAE constructor, or the PAE one (shared or unshared kernel pmd); a fix point. */
export const pgd_ctor = kfn('pgd_ctor', function* (k: K, pgd: PgdPage): Gen {
  yield* (pgs(k.w).fixed.pgd_ctor ?? pgd_ctor_seed)(k, pgd);
  pgd.ghostCtorDone = true;
  pgd.ghostDtorDone = false;
});

/** The constructor as seed 001 has it. */
export function* pgd_ctor_seed(k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  if (s.mode === 'non-pae') {
    yield C.memset; // the user half; nothing is modelled there
    yield C.clone;
    // One step for the memcpy of KERNEL_PGD_PTRS entries (a concurrent set_pmd in
    // swapper_pg_dir lands before or after it as a whole: a simplification).
    pgd.kent.entries.clear();
    for (let i = GEO.KPMD0; i < GEO.KPMD0 + GEO.KPMDS; i++) if (swapperHas(k.w, i)) pgd.kent.entries.add(i);
    const flags = yield* spin_lock_irqsave(k, s.pgd_lock, C.lock);
    yield C.pv; // "must happen under lock": Xen is told the kernel half was cloned
    yield* pgd_list_add(k, pgd);
    yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, C.unlock);
    return;
  }
  if (s.mode === 'pae-shared') {
    yield C.clone;
    pgd.pae[GEO.PAE_USER_PTRS] = s.swapperPmd; // pgd[3] = swapper_pg_dir[3]: the shared kernel pmd
    return;
  }
  yield C.memset;
  for (let i = 0; i < GEO.PAE_USER_PTRS; i++) pgd.pae[i] = null;
  const flags = yield* spin_lock_irqsave(k, s.pgd_lock, C.lock);
  yield* pgd_list_add(k, pgd);
  yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, C.unlock);
}

/** `pgd_dtor` ("can be called from interrupt context"); registered only when !SHARED_KERNEL_PMD. */
export const pgd_dtor = kfn('pgd_dtor', function* (k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  yield T.bug;
  BUG_ON(k, SHARED_KERNEL_PMD(k), T.bug, 'SHARED_KERNEL_PMD');
  yield T.pv;
  const flags = yield* spin_lock_irqsave(k, s.pgd_lock, T.lock);
  yield* pgd_list_del(k, pgd);
  yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, T.unlock);
  pgd.ghostDtorDone = true;
});

/** `kmem_cache_alloc(pgd_cache, GFP_KERNEL)`: a cached constructed object, or a new one (ctor); a fix point. */
export function* kmem_cache_alloc_pgd(k: K): Gen<PgdPage | null> {
  const s = pgs(k.w);
  if (s.fixed.kmem_cache_alloc_pgd) return yield* s.fixed.kmem_cache_alloc_pgd(k);
  yield A.alloc;
  if (allocAttempt(k, A.alloc, GFP_KERNEL, 'kmem_cache_alloc(pgd_cache, GFP_KERNEL)')) return null;
  let pgd = s.pgdCacheFree.pop();
  if (pgd === undefined) {
    // cache_grow: a new slab page; its object is constructed before it is handed out.
    pgd = new PgdPage(k.w.slab.newId());
    k.w.slab.add(pgd, A.alloc);
    s.allPgds.push(pgd);
    yield* pgd_ctor(k, pgd);
  }
  pgd.slab = 'allocated';
  return pgd;
}

/** `pmd_cache_alloc(idx)`: a kernel pmd is a fresh page copied from swapper's; a user pmd comes from pmd_cache. */
export const pmd_cache_alloc = kfn('pmd_cache_alloc', function* (k: K, idx: number): Gen<PmdPage | null> {
  if (idx >= GEO.PAE_USER_PTRS) {
    yield P.page;
    if (allocAttempt(k, P.page, GFP_KERNEL, '__get_free_page(GFP_KERNEL)')) return null;
    const pmd = new PmdPage(k.w.slab.newId(), 'kernel pmd');
    k.w.slab.add(pmd, P.page);
    yield P.memcpy; // one step for the page copy (see pgd_ctor's clone)
    for (let i = GEO.KPMD0; i < GEO.KPMD0 + GEO.KPMDS; i++) if (swapperHas(k.w, i)) pmd.entries.add(i);
    return pmd;
  }
  yield P.cache;
  if (allocAttempt(k, P.cache, GFP_KERNEL, 'kmem_cache_alloc(pmd_cache, GFP_KERNEL)')) return null;
  const pmd = new PmdPage(k.w.slab.newId(), 'user pmd');
  k.w.slab.add(pmd, P.cache);
  return pmd;
});

/** `pmd_cache_free(pmd, idx)`: free_page or kmem_cache_free; the pgd entry is left as it was. */
export function pmd_cache_free(k: K, pmd: PmdPage | null): void {
  if (pmd !== null && pmd !== pgs(k.w).swapperPmd) k.w.slab.free(pmd);
}

/** UNSHARED_PTRS_PER_PGD */
export function UNSHARED_PTRS_PER_PGD(k: K): number {
  return SHARED_KERNEL_PMD(k) ? GEO.PAE_USER_PTRS : GEO.PAE_USER_PTRS + 1;
}

/** `pgd_alloc(mm)`: NULL on failure; a fix point. */
export const pgd_alloc = kfn('pgd_alloc', function* (k: K): Gen<PgdPage | null> {
  return yield* (pgs(k.w).fixed.pgd_alloc ?? pgd_alloc_seed)(k);
});

/** pgd_alloc as seed 001 has it. */
export function* pgd_alloc_seed(k: K): Gen<PgdPage | null> {
  const s = pgs(k.w);
  const pgd = yield* kmem_cache_alloc_pgd(k);
  if (s.mode === 'non-pae' || pgd === null) return pgd;
  let i = 0;
  for (; i < UNSHARED_PTRS_PER_PGD(k); ++i) {
    const pmd = yield* pmd_cache_alloc(k, i);
    if (pmd === null) break;
    yield A.pv;
    yield A.set;
    pgd.pae[i] = pmd;
  }
  if (i === UNSHARED_PTRS_PER_PGD(k)) return pgd;
  for (i--; i >= 0; i--) {
    yield A.oom;
    pmd_cache_free(k, pgd.pae[i]!);
  }
  yield A.free;
  pgd.slab = 'constructed';
  s.pgdCacheFree.push(pgd);
  return null;
}

/** `pgd_free(pgd)`: PAE frees the pmds (leaving the entries pointing at them); the pgd goes back to the cache; a fix point. */
export const pgd_free = kfn('pgd_free', function* (k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  pgd.mm = null; // mmdrop: the mm is gone once its pgd is being freed
  yield* (s.fixed.pgd_free ?? pgd_free_seed)(k, pgd);
});

/** pgd_free as seed 001 has it. */
export function* pgd_free_seed(k: K, pgd: PgdPage): Gen {
  const s = pgs(k.w);
  if (s.mode !== 'non-pae') {
    for (let i = 0; i < UNSHARED_PTRS_PER_PGD(k); ++i) {
      yield F.read;
      const pmd = pgd.pae[i] ?? null;
      yield F.pmdfree;
      pmd_cache_free(k, pmd);
    }
  }
  yield F.free;
  pgd.slab = 'constructed';
  s.pgdCacheFree.push(pgd);
}

/** The slab reaper gives pgd_cache's free objects back: the dtor runs for each (when registered); a fix point. */
export const cache_reap = kfn('cache_reap', function* (k: K): Gen {
  const s = pgs(k.w);
  if (s.fixed.cache_reap) return yield* s.fixed.cache_reap(k);
  while (s.pgdCacheFree.length > 0) {
    const pgd = s.pgdCacheFree.shift()!;
    if (!SHARED_KERNEL_PMD(k)) {
      yield* pgd_dtor(k, pgd);
    }
    yield R.destroy;
    pgd.slab = 'destroyed';
    k.w.slab.free(pgd);
  }
});
