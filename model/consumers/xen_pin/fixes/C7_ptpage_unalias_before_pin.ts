/**
 * C7 fix: xen_alloc_ptpage calls vm_unmap_aliases() before the PageHighMem test, so it runs
 * before make_lowmem_page_readonly() and the pin — as later arch/x86/xen (Jeremy
 * Fitzhardinge, 2008, "make sure stray alias mappings are gone before pinning"; 2.6.28's
 * xen_alloc_ptpage). Against the seed's hunk:
 *
 *   	if (PagePinned(virt_to_page(mm->pgd))) {
 *   		SetPagePinned(page);
 *   +		vm_unmap_aliases();
 *   		if (!PageHighMem(page)) {
 *   			make_lowmem_page_readonly(__va(PFN_PHYS((unsigned long)pfn)));
 *   			if (level == PT_PTE)
 *   				pin_pagetable_pfn(MMUEXT_PIN_L1_TABLE, pfn);
 *   		} else
 *   			// make sure there are no stray mappings of
 *   			   this page
 *   			kmap_flush_unused();
 *   -		vm_unmap_aliases();
 *   	}
 */
import { kfn, type Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { sites } from '../../../exec/site';
import type { Variant } from '../../../engine/variant';
import type { ConsumerFix } from '../../fix';
import type { XenConfig, XenScenario } from '../types';
import type { PinObserver } from '../pin';

const A = sites('xen_alloc_ptpage (C7)', {
  pinned: 'if (PagePinned(virt_to_page(mm->pgd))) { SetPagePinned(page)',
  unalias: 'vm_unmap_aliases()',
  highmem: 'if (!PageHighMem(page))',
  ro: 'make_lowmem_page_readonly(__va(PFN_PHYS(pfn)))',
  pin: 'if (level == PT_PTE) pin_pagetable_pfn(MMUEXT_PIN_L1_TABLE, pfn)',
  kmap: 'else kmap_flush_unused()',
});

/** The fixed xen_alloc_ptpage. */
export const xen_alloc_ptpage_fixed = kfn('xen_alloc_ptpage', function* (k: K, variant: Variant, pfn: number, highmem: boolean, hv: PinObserver): Gen {
  yield A.pinned;
  yield A.unalias;
  yield* variant.api.vm_unmap_aliases(k);
  yield A.highmem;
  if (!highmem) {
    yield A.ro;
    yield A.pin;
    hv.pin(k, pfn, 'MMUEXT_PIN_L1_TABLE');
  } else yield A.kmap;
});

/** C7: the seed's xen_alloc_ptpage unaliases after the pin. */
export const C7: ConsumerFix<XenConfig, XenScenario> = {
  id: 'C7',
  consumer: 'xen_pin',
  kind: 'defect',
  title:
    "seed 004's xen_alloc_ptpage hunk adds vm_unmap_aliases() after a brace-less `else kmap_flush_unused();`, so for a lowmem page it runs after make_lowmem_page_readonly() and pin_pagetable_pfn(): the pin meets the lazy alias it was meant to remove",
  fix: 'vm_unmap_aliases() before the PageHighMem test (2.6.28 xen_alloc_ptpage)',
  experiment: (cfg, scn) => (cfg.caller === 'seed-ptpage' ? { cfg: { ...cfg, caller: 'ptpage-fixed' }, scn } : null),
};
