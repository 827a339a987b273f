/**
 * Every fix, one file each. Adding a fix means adding its file and its line here; variant
 * names (`rewrite-v2+F3`, `rewrite-v2-fixed`), classification and the manifest derive from
 * this list and from each fix's own `bases`.
 */
import type { Fix } from './fix';
import { F1 } from './F1_first_fits_below';
import { F2 } from './F2_flush_cache_vmap_start';
import { F4 } from './F4_kfree_va_on_failure';
import { F5 } from './F5_overflow_checks';
import { F6 } from './F6_bbmap_bits_pow2';
import { F7 } from './F7_sync_purge_on_alloc_failure';
import { F8 } from './F8_count_before_publish';
import { F9 } from './F9_static_va';
import { F3 } from './F3_unmap_aliases_all_blocks';
import { F10 } from './F10_list_del_rcu';
import { F12 } from './F12_vb_alloc_irqrestore';
import { F14 } from './F14_assert_misuse';
import { F15 } from './F15_irqsave_purge_unmap_aliases';
import { F16 } from './F16_purge_fragmented_blocks';
import { F17 } from './F17_defer_purge_irqs_off';
import { F18 } from './F18_search_restart';
import { F19 } from './F19_exact_fit';
import { F21 } from './F21_no_gap_after_area';

export type { Fix, RewriteBase } from './fix';
export { REWRITE_BASES, applyFixes, FixCompositionError } from './fix';

/** Every fix, in finding order. */
export const FIXES: readonly Fix[] = [F1, F2, F3, F4, F5, F6, F7, F8, F9, F10, F12, F14, F15, F16, F17, F18, F19, F21];

/** Numeric order of finding ids (F2 < F10). */
export function byFindingId(a: { id: string }, b: { id: string }): number {
  return Number(a.id.slice(1)) - Number(b.id.slice(1)) || a.id.localeCompare(b.id);
}

/** The fix of finding `id`, or undefined. */
export function fixById(id: string): Fix | undefined {
  return FIXES.find((f) => f.id === id);
}
