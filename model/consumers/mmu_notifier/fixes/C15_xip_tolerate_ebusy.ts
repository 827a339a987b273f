/**
 * C15 fix: xip_file_fault tolerates vm_insert_mixed's -EBUSY (another thread mapped the
 * address first), as later mm/filemap_xip.c does. Against seed 003's filemap_xip.c:
 *
 *   		err = vm_insert_mixed(vma, (unsigned long)vmf->virtual_address, xip_pfn);
 *   		if (err == -ENOMEM)
 *   			return VM_FAULT_OOM;
 *   -		BUG_ON(err);
 *   +		//
 *   +		 * err == -EBUSY is fine, we've raced against another thread
 *   +		 * that faulted-in the same page
 *   +		
 *   +		if (err != -EBUSY)
 *   +			BUG_ON(err);
 *   		return VM_FAULT_NOPAGE;
 *
 * The hunk is filemap_xip.ts's `mnHas(cfg, 'C15')` branch.
 */
import { addFix, type ConsumerFix } from '../../fix';
import { mnHas, type MnConfig } from '../state';
import type { MnScenario } from '../types';

/** C15: BUG_ON(err) after vm_insert_mixed. */
export const C15: ConsumerFix<MnConfig, MnScenario> = {
  id: 'C15',
  consumer: 'mmu_notifier',
  kind: 'defect',
  title: "xip_file_fault has BUG_ON(err) after vm_insert_mixed, which returns -EBUSY when two threads fault the same XIP address: the second fault BUGs",
  fix: 'tolerate -EBUSY (later mm/filemap_xip.c)',
  experiment: (cfg, scn) => {
    if (mnHas(cfg, 'C15')) return null;
    const c = addFix(cfg, 'C15');
    return c === null ? null : { cfg: c, scn };
  },
};
