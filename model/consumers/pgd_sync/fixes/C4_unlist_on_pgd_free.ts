/**
 * C4 fix: pgd_free takes the pgd off pgd_list before it frees the PAE pmds, and pgd_alloc
 * constructs (and lists) every pgd it hands out — no slab constructor/destructor for pgds,
 * as from 2.6.26 on (pgd_free -> pgd_dtor on every free; slab destructors were removed in
 * 2.6.23). 2.6.26 frees the pmds (pgd_mop_up_pmds, which clears pgd[i] first) before
 * pgd_dtor; this hunk unlists first, which leaves no window. Against seed 001:
 *
 *   void pgd_free(pgd_t *pgd)
 *   {
 *   	int i;
 *   +	if (!SHARED_KERNEL_PMD)
 *   +		pgd_dtor(pgd, pgd_cache, 0);
 *   	// in the PAE case user pgd entries are overwritten before usage
 *   	if (PTRS_PER_PMD > 1)
 *   		for (i = 0; i < UNSHARED_PTRS_PER_PGD; ++i) {
 *   	...
 *   -	pgd_cache = kmem_cache_create("pgd", ..., pgd_ctor, (!SHARED_KERNEL_PMD) ? pgd_dtor : NULL);
 *   +	pgd_cache = kmem_cache_create("pgd", ..., NULL, NULL);
 *   pgd_t *pgd_alloc(struct mm_struct *mm)
 *   	pgd_t *pgd = kmem_cache_alloc(pgd_cache, GFP_KERNEL);
 *   +	if (pgd)
 *   +		pgd_ctor(pgd, pgd_cache, 0);
 */
import type { Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { allocAttempt, GFP_KERNEL } from '../../../kernel/slab';
import { addFix, type ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';
import { PgdPage, pgs, type PgdFixPoints } from '../state';
import { A, R, pgd_ctor, pgd_dtor, SHARED_KERNEL_PMD } from '../pgtable';

/** kmem_cache_alloc with no constructor, then pgd_ctor on the object handed out. */
function* alloc_pgd(k: K): Gen<PgdPage | null> {
  const s = pgs(k.w);
  yield A.alloc;
  if (allocAttempt(k, A.alloc, GFP_KERNEL, 'kmem_cache_alloc(pgd_cache, GFP_KERNEL)')) return null;
  let pgd = s.pgdCacheFree.pop();
  if (pgd === undefined) {
    pgd = new PgdPage(k.w.slab.newId());
    k.w.slab.add(pgd, A.alloc);
    s.allPgds.push(pgd);
  }
  pgd.slab = 'allocated';
  yield* pgd_ctor(k, pgd);
  return pgd;
}

function free(next: (k: K, pgd: PgdPage) => Gen) {
  return function* (k: K, pgd: PgdPage): Gen {
    if (!SHARED_KERNEL_PMD(k)) yield* pgd_dtor(k, pgd);
    yield* next(k, pgd);
  };
}

/** The reaper frees cached pgds without a destructor (they are off pgd_list already). */
function* reap(k: K): Gen {
  const s = pgs(k.w);
  while (s.pgdCacheFree.length > 0) {
    const pgd = s.pgdCacheFree.shift()!;
    yield R.destroy;
    pgd.slab = 'destroyed';
    k.w.slab.free(pgd);
  }
}

/** C4: a freed pgd stays on pgd_list with its freed kernel pmd. */
export const C4: ConsumerFix<PgdConfig, PgdScenario> & { install(f: PgdFixPoints, seedFree: (k: K, pgd: PgdPage) => Gen): void } = {
  id: 'C4',
  consumer: 'pgd_sync',
  kind: 'defect',
  title:
    "pgd_free frees a PAE pgd's pmds (leaving pgd[3] pointing at the freed kernel pmd) and returns the pgd to the slab, where it stays on pgd_list until cache_reap runs pgd_dtor: vmalloc_sync_all() reads, and may set_pmd into, a freed page",
  fix: 'pgd_dtor (pgd_list_del) at the top of pgd_free and pgd_ctor on every pgd_alloc: no slab ctor/dtor for pgds (2.6.26 frees on every pgd_free, in the other order)',
  experiment: (cfg, scn) => {
    const c = addFix(cfg, 'C4');
    return c === null ? null : { cfg: c, scn };
  },
  install(f, seedFree) {
    f.kmem_cache_alloc_pgd = alloc_pgd;
    f.pgd_free = free(f.pgd_free ?? seedFree);
    f.cache_reap = reap;
  },
};
