/**
 * C9 fix: m2p_remove_override issues the CPU's pending multicall batch before it reads the
 * map's handle — the check seed 002's patch (v4) adds for "unmap before the batched map was
 * issued". Against the code without it:
 *
 *   	map_op = (struct gnttab_map_grant_ref *) page->index;
 *   	set_phys_to_machine(pfn, map_op->dev_bus_addr);
 *   +	//
 *   +	 * It might be that we queued all the m2p grant table hypercalls in a multicall,
 *   +	 * then m2p_remove_override get called before the multicall has actually been
 *   +	 * issued. In this case handle is going to -1 because it hasn't been modified yet.
 *   +	
 *   +	if (map_op->handle == -1)
 *   +		xen_mc_flush();
 *
 * The hunk is p2m.ts's `grantHas(cfg, 'C9')` branch (fix point); versions 'as-posted' and
 * 'review-fixed' have it.
 */
import { addFix, type ConsumerFix } from '../../fix';
import type { GrantConfig } from '../state';
import type { GrantScenario } from '../run';
import { grantHas } from '../state';

/** C9: the handle read before the batched map was issued. */
export const C9: ConsumerFix<Omit<GrantConfig, 'mapErrors'>, GrantScenario> = {
  id: 'C9',
  consumer: 'grant_multicall',
  kind: 'defect',
  title:
    "m2p_remove_override reads map_op->handle while the GNTTABOP_map_grant_ref m2p_add_override queued is still in this CPU's multicall batch (lazy MMU mode): the handle is still -1, so the remove returns -1 (or, with no check, unmaps handle -1), and the map is issued later and never undone — the kernel mapping of the page is not restored",
  fix: 'if (map_op->handle == -1) xen_mc_flush(); before the handle is used (seed 002, v4)',
  experiment: (cfg, scn) => {
    if (grantHas(cfg, 'C9')) return null;
    const c = addFix(cfg, 'C9');
    return c === null ? null : { cfg: c, scn };
  },
};
