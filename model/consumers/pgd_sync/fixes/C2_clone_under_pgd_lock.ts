/**
 * C2 fix: the non-PAE pgd_ctor copies the kernel half of swapper_pg_dir under pgd_lock, so a
 * concurrent vmalloc_sync_all either walks pgd_list after the new pgd is on it or its
 * set_pmd into swapper_pg_dir happened before the copy. As 2.6.24's arch/x86/mm/pgtable_32.c
 * pgd_ctor (Jeremy Fitzhardinge's pgd_ctor rework; the lock moved above the clone).
 * Against seed 001:
 *
 *   	if (PTRS_PER_PMD == 1) {
 *   		memset(pgd, 0, USER_PTRS_PER_PGD*sizeof(pgd_t));
 *   -		spin_lock_irqsave(&pgd_lock, flags);
 *   	}
 *   +	spin_lock_irqsave(&pgd_lock, flags);
 *   	clone_pgd_range((pgd_t *)pgd + USER_PTRS_PER_PGD,
 *   			swapper_pg_dir + USER_PTRS_PER_PGD,
 *   			KERNEL_PGD_PTRS);
 *
 * (in the seed the lock is taken after the clone, before paravirt_alloc_pd_clone and
 * pgd_list_add). Only the non-PAE constructor changes.
 */
import type { Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../../kernel/spinlock';
import { addFix, type ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';
import { GEO, pgs, swapperHas, type PgdFixPoints, type PgdPage } from '../state';
import { C as CT, pgd_list_add } from '../pgtable';

/** The non-PAE constructor with the clone under pgd_lock; other modes run `next`. */
function ctor(next: (k: K, pgd: PgdPage) => Gen) {
  return function* (k: K, pgd: PgdPage): Gen {
    const s = pgs(k.w);
    if (s.mode !== 'non-pae') return yield* next(k, pgd);
    yield CT.memset;
    const flags = yield* spin_lock_irqsave(k, s.pgd_lock, CT.lock);
    yield CT.clone;
    pgd.kent.entries.clear();
    for (let i = GEO.KPMD0; i < GEO.KPMD0 + GEO.KPMDS; i++) if (swapperHas(k.w, i)) pgd.kent.entries.add(i);
    yield CT.pv;
    yield* pgd_list_add(k, pgd);
    yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, CT.unlock);
  };
}

/** C2: the non-PAE pgd_ctor's clone outside pgd_lock. */
export const C2: ConsumerFix<PgdConfig, PgdScenario> & { install(f: PgdFixPoints, seed: (k: K, pgd: PgdPage) => Gen): void } = {
  id: 'C2',
  consumer: 'pgd_sync',
  kind: 'defect',
  title:
    "non-PAE pgd_ctor runs clone_pgd_range(swapper_pg_dir's kernel half) before spin_lock_irqsave(&pgd_lock) and pgd_list_add: a vmalloc_sync_all() between the two walks a pgd_list without the new pgd and sets insync for the entry, so the pgd goes onto pgd_list without the vmalloc pmd and no later vmalloc_sync_all() repairs it — the seed's \"races in the updates of insync and start aren't problematic\" holds between sync calls, not against pgd_ctor",
  fix: "take pgd_lock before clone_pgd_range (2.6.24's pgd_ctor)",
  experiment: (cfg, scn) => {
    const c = addFix(cfg, 'C2');
    return c === null ? null : { cfg: c, scn };
  },
  install(f, seed) {
    f.pgd_ctor = ctor(f.pgd_ctor ?? seed);
  },
};
