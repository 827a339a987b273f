/**
 * C10 fix: m2p_remove_override does not unmap a grant whose map failed — the second check of
 * seed 002's patch. Against the code without it:
 *
 *   +	//
 *   +	 * Now if map_op->handle is negative it means that the hypercall actually
 *   +	 * returned an error.
 *   +	
 *   +	if (map_op->handle == -1) {
 *   +		printk(KERN_WARNING "m2p_remove_override: pfn %lx mfn %lx, "
 *   +				"failed to modify kernel mappings", pfn, mfn);
 *   +		return -1;
 *   +	}
 *   	unmap_op.host_addr = map_op->host_addr;
 *   	unmap_op.handle = map_op->handle;
 *
 * The hunk is p2m.ts's `grantHas(cfg, 'C10')` branch; every version but 'without-checks'
 * has it.
 */
import { addFix, type ConsumerFix } from '../../fix';
import type { GrantConfig } from '../state';
import type { GrantScenario } from '../run';
import { grantHas } from '../state';

/** C10: the unmap of a failed map. */
export const C10: ConsumerFix<Omit<GrantConfig, 'mapErrors'>, GrantScenario> = {
  id: 'C10',
  consumer: 'grant_multicall',
  kind: 'defect',
  title:
    'without a check of map_op->handle, m2p_remove_override queues GNTTABOP_unmap_grant_ref with the handle the kmap_op holds: -1 for a map the hypervisor failed (GNTST_general_error), or for one still queued',
  fix: 'if (map_op->handle == -1) { printk(...); return -1; } before the unmap (seed 002, v4)',
  experiment: (cfg, scn) => {
    if (grantHas(cfg, 'C10')) return null;
    const c = addFix(cfg, 'C10');
    return c === null ? null : { cfg: c, scn };
  },
};
