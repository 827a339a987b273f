/**
 * The pgd_sync consumer's findings with their experiments (one file each), and the
 * installation of the fixed functions a run's config names at the model's fix points.
 */
import type { ConsumerFix } from '../../fix';
import type { PgdConfig, PgdScenario } from '../types';
import type { PgdFixPoints } from '../state';
import { pgd_alloc_seed, pgd_ctor_seed, pgd_free_seed } from '../pgtable';
import { C1 } from './C1_vmalloc_sync_all';
import { C2 } from './C2_clone_under_pgd_lock';
import { C3 } from './C3_prepopulate_under_pgd_lock';
import { C4 } from './C4_unlist_on_pgd_free';
import { C5 } from './C5_sync_every_pmd';

/** Every pgd_sync finding, in id order. */
export const PGD_FIXES: readonly ConsumerFix<PgdConfig, PgdScenario>[] = [C1, C2, C3, C4, C5];

/** The fix points of a run whose config has `fixes` (ids of C2..C5; C1 is a version switch). */
export function pgdFixPoints(fixes: readonly string[]): PgdFixPoints {
  const f: PgdFixPoints = {};
  for (const id of fixes) {
    if (id === 'C2') C2.install(f, pgd_ctor_seed);
    else if (id === 'C3') C3.install(f, { ctor: pgd_ctor_seed, alloc: pgd_alloc_seed });
    else if (id === 'C4') C4.install(f, pgd_free_seed);
    else if (id === 'C5') C5.install(f);
    else throw new Error(`pgd_sync: unknown fix '${id}' (known: C2, C3, C4, C5; C1 is version 'fixed')`);
  }
  return f;
}
