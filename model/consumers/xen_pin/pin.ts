/**
 * The Xen paths that turn a page into a page table and pin it (seed 004's arch/x86/xen
 * hunks; seed 000/002 for the Xen setting), and the callers the audit compares.
 *
 * Xen refuses MMUEXT_PIN_L1_TABLE while any writable mapping of the page exists; the
 * kernel's pin_pagetable_pfn BUG()s when the hypercall fails. The hypervisor's check is not
 * kernel code: the model issues the hypercall through `PinObserver.pin` and the oracle
 * (properties/consumers/xen_pin.ts) plays the hypervisor.
 *
 * Callers (config `caller`):
 *  - 'unaliased': vm_unmap_aliases() then the pin — the contract seed 004 states ("XEN and
 *    PAT ... now call vm_unmap_aliases() in order to flush any deferred mappings").
 *  - 'no-unmap': the pin alone, as before the rewrite (vanilla needed nothing more).
 *  - 'seed-ptpage': xen_alloc_ptpage as the seed's hunk leaves it. The hunk adds
 *    vm_unmap_aliases() after kmap_flush_unused() at the same indentation, with the
 *    enclosing block's `}` right after and no `}` of the else: the else is brace-less, so
 *    vm_unmap_aliases() runs after the whole if/else — for a lowmem page AFTER
 *    make_lowmem_page_readonly() and pin_pagetable_pfn(). DIVERGENCE (source): the lines
 *    above the hunk (SetPagePinned, the PageHighMem test, the pin) are not in the seed;
 *    they are 2.6.27's arch/x86/xen/enlighten.c, which the hunk applies to.
 *  - 'seed-pgd-pin': xen_pgd_pin as patched: vm_unmap_aliases() runs only inside
 *    `if (pgd_walk(pgd, pin_page, USER_LIMIT))`, i.e. when pin_page met a highmem
 *    page-table page (lowmem ones are remapped read-only in the batch and need no flush),
 *    then the pgd is pinned (xen_do_pin). DIVERGENCE (source): the body around the hunk is
 *    2.6.27's arch/x86/xen/mmu.c. Here the reused page is the only page table walked.
 *
 * make_lowmem_page_readonly() (the 1:1 mapping made read-only) is a step with no model
 * effect: the linear map is not modelled, and Xen's check here covers the vmap layer's
 * PTEs and every CPU's TLB.
 */
import { kfn, type Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import type { Variant } from '../../engine/variant';

/** The callers compared (see above). */
/** ('ptpage-fixed', 'pgd-pin-fixed': the seed's two callers with fixes C7, C8, in xen_pin/fixes/.) */
export type PinCaller = 'unaliased' | 'no-unmap' | 'seed-ptpage' | 'seed-pgd-pin' | 'ptpage-fixed' | 'pgd-pin-fixed';

/** The hypervisor, as the model sees it: a hypercall the oracle answers. */
export interface PinObserver {
  /** MMUEXT_PIN_L1_TABLE (or the pgd pin) of `pfn`. */
  pin(k: K, pfn: number, what: string): void;
}

const A = sites('xen_alloc_ptpage', {
  pinned: 'if (PagePinned(virt_to_page(mm->pgd))) { SetPagePinned(page)',
  highmem: 'if (!PageHighMem(page))',
  ro: 'make_lowmem_page_readonly(__va(PFN_PHYS(pfn)))',
  pin: 'if (level == PT_PTE) pin_pagetable_pfn(MMUEXT_PIN_L1_TABLE, pfn)',
  kmap: 'else /* make sure there are no stray mappings of this page */ kmap_flush_unused()',
  unalias: 'vm_unmap_aliases() (after the brace-less else)',
});
const P = sites('xen_pgd_pin', {
  walk: 'if (pgd_walk(pgd, pin_page, USER_LIMIT)) (pin_page: flush = PageHighMem(page))',
  issue: 'xen_mc_issue(0); kmap_flush_unused()',
  unalias: 'vm_unmap_aliases()',
  pin: 'xen_do_pin(MMUEXT_PIN_L3_TABLE, PFN_DOWN(__pa(pgd)))',
});
const C = sites('xen pin caller', {
  unalias: 'vm_unmap_aliases()',
  pin: 'pin_pagetable_pfn(MMUEXT_PIN_L1_TABLE, pfn)',
});

/** Reuse `pfn` as a page table and pin it, the way `caller` does. */
export const reuse_and_pin = kfn('reuse_and_pin', function* (k: K, variant: Variant, caller: PinCaller, pfn: number, highmem: boolean, hv: PinObserver): Gen {
  if (caller === 'unaliased' || caller === 'no-unmap') {
    if (caller === 'unaliased') {
      yield C.unalias;
      yield* variant.api.vm_unmap_aliases(k);
    }
    yield C.pin;
    hv.pin(k, pfn, 'MMUEXT_PIN_L1_TABLE');
    return;
  }
  if (caller === 'seed-ptpage') {
    yield A.pinned;
    yield A.highmem;
    if (!highmem) {
      yield A.ro;
      yield A.pin;
      hv.pin(k, pfn, 'MMUEXT_PIN_L1_TABLE');
    } else {
      yield A.kmap;
    }
    yield A.unalias;
    yield* variant.api.vm_unmap_aliases(k);
    return;
  }
  yield P.walk;
  if (highmem) {
    yield P.issue;
    yield P.unalias;
    yield* variant.api.vm_unmap_aliases(k);
  }
  yield P.pin;
  hv.pin(k, pfn, 'MMUEXT_PIN_L3_TABLE (the pgd whose page tables include the page)');
});
