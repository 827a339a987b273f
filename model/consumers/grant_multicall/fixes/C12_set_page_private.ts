/**
 * C12 fix: m2p_add_override marks the page with SetPagePrivate and writes page->private
 * through set_page_private — the review of seed 002 ("use SetPagePrivate and
 * set_page_private"; GNTST_general_error for the error check, the same value -1):
 *
 *   	if (kmap_op != NULL) {
 *   		if (!PageHighMem(page)) {
 *   			...
 *   			MULTI_grant_table_op(mcs.mc, GNTTABOP_map_grant_ref, kmap_op, 1);
 *   			xen_mc_issue(PARAVIRT_LAZY_MMU);
 *   		}
 *   -		page->private |= GRANT_FRAME_BIT;
 *   +		SetPagePrivate(page);
 *   +		set_page_private(page, page_private(page) | GRANT_FRAME_BIT);
 *   ...
 *   -	if (map_op->handle == -1) {
 *   +	if (map_op->handle == GNTST_general_error) {
 *
 * The hunk is p2m.ts's `grantHas(cfg, 'C12')` branches; version 'review-fixed' has it.
 */
import { addFix, type ConsumerFix } from '../../fix';
import type { GrantConfig } from '../state';
import type { GrantScenario } from '../run';
import { grantHas } from '../state';

/** C12: page->private used without PagePrivate. */
export const C12: ConsumerFix<Omit<GrantConfig, 'mapErrors'>, GrantScenario> = {
  id: 'C12',
  consumer: 'grant_multicall',
  kind: 'defect',
  title:
    "m2p_add_override writes page->private (mfn | GRANT_FRAME_BIT) without SetPagePrivate: another page->private user (btrfs' set_page_extent_mapped tests !PagePrivate) overwrites it, and m2p_remove_override reads the wrong value (the review's objection)",
  fix: 'SetPagePrivate(page); set_page_private(page, page_private(page) | GRANT_FRAME_BIT) (the review of seed 002)',
  experiment: (cfg, scn) => {
    if (grantHas(cfg, 'C12')) return null;
    const c = addFix(cfg, 'C12');
    return c === null ? null : { cfg: c, scn };
  },
};
