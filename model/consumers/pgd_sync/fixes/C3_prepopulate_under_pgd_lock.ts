/**
 * C3 fix: with the kernel pmd unshared (PAE, Xen), a pgd goes onto pgd_list only together
 * with its pmds, under pgd_lock — 2.6.26's arch/x86/mm/pgtable.c pgd_alloc ("Make sure that
 * pre-populating the pmds is atomic with respect to anything walking the pgd_list, so that
 * they never see a partially populated pgd"). Against seed 001's pgtable.c:
 *
 *   static void pgd_ctor(void *pgd, struct kmem_cache *cache, unsigned long unused)
 *   	...
 *   	memset(pgd, 0, USER_PTRS_PER_PGD*sizeof(pgd_t));
 *   -	spin_lock_irqsave(&pgd_lock, flags);
 *   -	pgd_list_add(pgd);
 *   -	spin_unlock_irqrestore(&pgd_lock, flags);
 *   static pmd_t *pmd_cache_alloc(int idx)
 *   	...
 *   		pmd = (pmd_t *)__get_free_page(GFP_KERNEL);
 *   -		if (pmd)
 *   -			memcpy(pmd, (void *)pgd_page_vaddr(swapper_pg_dir[idx]), ...);
 *   pgd_t *pgd_alloc(struct mm_struct *mm)
 *   	...
 *   	for (i = 0; i < UNSHARED_PTRS_PER_PGD; ++i) {
 *   		pmd_t *pmd = pmd_cache_alloc(i);
 *   		if (!pmd)
 *   			goto out_oom;
 *   		paravirt_alloc_pd(__pa(pmd) >> PAGE_SHIFT);
 *   -		set_pgd(&pgd[i], __pgd(1 + __pa(pmd)));
 *   +		pmds[i] = pmd;
 *   	}
 *   +	spin_lock_irqsave(&pgd_lock, flags);
 *   +	for (i = 0; i < UNSHARED_PTRS_PER_PGD; ++i) {
 *   +		if (i >= USER_PTRS_PER_PGD)
 *   +			memcpy(pmds[i], (void *)pgd_page_vaddr(swapper_pg_dir[i]),
 *   +			       sizeof(pmd_t) * PTRS_PER_PMD);
 *   +		set_pgd(&pgd[i], __pgd(1 + __pa(pmds[i])));
 *   +	}
 *   +	if (!on_pgd_list(pgd))
 *   +		pgd_list_add(pgd);
 *   +	spin_unlock_irqrestore(&pgd_lock, flags);
 *   	return pgd;
 *
 * (2.6.26 copies swapper's kernel pmd in pgd_prepopulate_pmd, under the lock, too: a copy
 * made before the lock misses a vmalloc_sync_all that ran before the pgd was listed.)
 * DIVERGENCE (adaptation): 2.6.26 has no slab constructor, so its ctor lists a fresh pgd
 * every time; on the seed's slab (a cached pgd is still listed) the hunk lists it only when
 * it is not on pgd_list. Only the PAE-unshared paths change.
 */
import type { Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../../kernel/spinlock';
import { addFix, type ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';
import { allocAttempt, GFP_KERNEL } from '../../../kernel/slab';
import { GEO, PmdPage, pgs, swapperHas, type PgdFixPoints, type PgdPage } from '../state';
import { A, C as CT, P, kmem_cache_alloc_pgd, pgd_list_add, pmd_cache_alloc, pmd_cache_free, UNSHARED_PTRS_PER_PGD } from '../pgtable';

/** Is `pgd` on pgd_list? (the caller holds pgd_lock: one step with the code it guards) */
function on_pgd_list(k: K, pgd: PgdPage): boolean {
  for (let p = pgs(k.w).pgd_list; p !== null; p = p.index) if (p === pgd) return true;
  return false;
}

function ctor(next: (k: K, pgd: PgdPage) => Gen) {
  return function* (k: K, pgd: PgdPage): Gen {
    if (pgs(k.w).mode !== 'pae-unshared') return yield* next(k, pgd);
    yield CT.memset;
    for (let i = 0; i < GEO.PAE_USER_PTRS; i++) pgd.pae[i] = null;
  };
}

/** pmd_cache_alloc's kernel-pmd branch without the copy (it moves under the lock). */
function* kernel_pmd_page(k: K): Gen<PmdPage | null> {
  yield P.page;
  if (allocAttempt(k, P.page, GFP_KERNEL, '__get_free_page(GFP_KERNEL)')) return null;
  const pmd = new PmdPage(k.w.slab.newId(), 'kernel pmd');
  k.w.slab.add(pmd, P.page);
  return pmd;
}

function alloc(next: (k: K) => Gen<PgdPage | null>) {
  return function* (k: K): Gen<PgdPage | null> {
    const s = pgs(k.w);
    if (s.mode !== 'pae-unshared') return yield* next(k);
    const pgd = yield* kmem_cache_alloc_pgd(k);
    if (pgd === null) return null;
    const pmds: PmdPage[] = [];
    for (let i = 0; i < UNSHARED_PTRS_PER_PGD(k); ++i) {
      const pmd = i >= GEO.PAE_USER_PTRS ? yield* kernel_pmd_page(k) : yield* pmd_cache_alloc(k, i);
      if (pmd === null) {
        for (const p of pmds) pmd_cache_free(k, p);
        yield A.free;
        pgd.slab = 'constructed';
        s.pgdCacheFree.push(pgd);
        return null;
      }
      yield A.pv;
      pmds.push(pmd);
    }
    const flags = yield* spin_lock_irqsave(k, s.pgd_lock, CT.lock);
    for (let i = 0; i < pmds.length; i++) {
      if (i >= GEO.PAE_USER_PTRS) {
        yield P.memcpy;
        for (let e = GEO.KPMD0; e < GEO.KPMD0 + GEO.KPMDS; e++) if (swapperHas(k.w, e)) pmds[i]!.entries.add(e);
      }
      yield A.set;
      pgd.pae[i] = pmds[i]!;
    }
    if (!on_pgd_list(k, pgd)) yield* pgd_list_add(k, pgd);
    yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, CT.unlock);
    return pgd;
  };
}

/** C3: a PAE pgd on pgd_list before its kernel pmd is installed. */
export const C3: ConsumerFix<PgdConfig, PgdScenario> & { install(f: PgdFixPoints, seed: { ctor: (k: K, pgd: PgdPage) => Gen; alloc: (k: K) => Gen<PgdPage | null> }): void } = {
  id: 'C3',
  consumer: 'pgd_sync',
  kind: 'defect',
  title:
    "with the kernel pmd unshared (PAE, Xen) pgd_ctor puts the new pgd on pgd_list (under pgd_lock) before pgd_alloc has set pgd[3] to its kernel pmd: a vmalloc_sync_all() in between reaches a pgd whose kernel entry is not present, and vmalloc_sync_one's pmd_offset of it points into physical page 0",
  fix: 'allocate the pmds first, then install them and list the pgd together under pgd_lock (2.6.26 pgd_alloc)',
  experiment: (cfg, scn) => {
    const c = addFix(cfg, 'C3');
    return c === null ? null : { cfg: c, scn };
  },
  install(f, seed) {
    f.pgd_ctor = ctor(f.pgd_ctor ?? seed.ctor);
    f.pgd_alloc = alloc(f.pgd_alloc ?? seed.alloc);
  },
};
