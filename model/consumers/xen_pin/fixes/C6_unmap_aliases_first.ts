/**
 * C6 fix: the pin path calls vm_unmap_aliases() before pinning, the contract seed 004 states
 * for the rewrite ("XEN and PAT ... now call vm_unmap_aliases() in order to flush any
 * deferred mappings"). Against the pre-rewrite pin path (which needed nothing: vunmap
 * cleared the PTEs and flushed the TLBs before it returned):
 *
 *   +	vm_unmap_aliases();
 *   	pin_pagetable_pfn(MMUEXT_PIN_L1_TABLE, pfn);
 *
 * The fixed caller is pin.ts's 'unaliased'; the experiment switches the caller.
 */
import type { ConsumerFix } from '../../fix';
import type { XenConfig, XenScenario } from '../types';

/** C6: a pin without vm_unmap_aliases() against the lazy-unmapping rewrite. */
export const C6: ConsumerFix<XenConfig, XenScenario> = {
  id: 'C6',
  consumer: 'xen_pin',
  kind: 'defect',
  title:
    "a page freed by vfree/vunmap/vm_unmap_ram is pinned as a page table without vm_unmap_aliases() first: the rewrite unmaps lazily (the PTEs stay until the purge, vm_unmap_ram's dirty block ranges until the block is flushed), so Xen sees a writable PTE (not only a TLB entry) and refuses the pin, and pin_pagetable_pfn BUG()s; the pre-rewrite vunmap left nothing behind",
  fix: 'vm_unmap_aliases() before the pin (seed 004, the rewrite\'s contract for Xen)',
  experiment: (cfg, scn) => (cfg.caller === 'no-unmap' ? { cfg: { ...cfg, caller: 'unaliased' }, scn } : null),
};
