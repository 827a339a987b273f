/**
 * C8 fix: xen_pgd_pin calls vm_unmap_aliases() unconditionally before walking and pinning,
 * not only when pin_page met a highmem page-table page — as 2.6.28's __xen_pgd_pin
 * (Jeremy Fitzhardinge, 2008). Against the seed's hunk:
 *
 *   static void xen_pgd_pin(pgd_t *pgd)
 *   {
 *   +	vm_unmap_aliases();
 *   	xen_mc_batch();
 *   	if (pgd_walk(pgd, pin_page, USER_LIMIT)) {
 *   		// re-enable interrupts for kmap_flush_unused
 *   		xen_mc_issue(0);
 *   		kmap_flush_unused();
 *   -		vm_unmap_aliases();
 *   		xen_mc_batch();
 *   	}
 *
 * A lowmem page-table page is remapped read-only in the batch, but a vmap alias of it is a
 * separate writable mapping the batch does not touch.
 */
import { kfn, type Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { sites } from '../../../exec/site';
import type { Variant } from '../../../engine/variant';
import type { ConsumerFix } from '../../fix';
import type { XenConfig, XenScenario } from '../types';
import type { PinObserver } from '../pin';

const P = sites('xen_pgd_pin (C8)', {
  unalias: 'vm_unmap_aliases()',
  walk: 'if (pgd_walk(pgd, pin_page, USER_LIMIT)) (pin_page: flush = PageHighMem(page))',
  issue: 'xen_mc_issue(0); kmap_flush_unused()',
  pin: 'xen_do_pin(MMUEXT_PIN_L3_TABLE, PFN_DOWN(__pa(pgd)))',
});

/** The fixed xen_pgd_pin. */
export const xen_pgd_pin_fixed = kfn('xen_pgd_pin', function* (k: K, variant: Variant, pfn: number, highmem: boolean, hv: PinObserver): Gen {
  yield P.unalias;
  yield* variant.api.vm_unmap_aliases(k);
  yield P.walk;
  if (highmem) yield P.issue;
  yield P.pin;
  hv.pin(k, pfn, 'MMUEXT_PIN_L3_TABLE (the pgd whose page tables include the page)');
});

/** C8: the seed's xen_pgd_pin unaliases only for highmem page tables. */
export const C8: ConsumerFix<XenConfig, XenScenario> = {
  id: 'C8',
  consumer: 'xen_pin',
  kind: 'defect',
  title:
    "seed 004's xen_pgd_pin calls vm_unmap_aliases() only inside `if (pgd_walk(pgd, pin_page, USER_LIMIT))`, i.e. when a highmem page-table page was met: a lowmem page-table page with a lazy vmap alias is pinned with the alias in place",
  fix: 'vm_unmap_aliases() at the top of xen_pgd_pin (2.6.28 __xen_pgd_pin)',
  experiment: (cfg, scn) => (cfg.caller === 'seed-pgd-pin' ? { cfg: { ...cfg, caller: 'pgd-pin-fixed' }, scn } : null),
};
