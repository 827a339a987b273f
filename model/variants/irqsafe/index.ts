/**
 * irqsafe: rewrite-v2 plus Nick Piggin's "(untested) incremental patch" of 2008-08-20
 * (seed lines ~4528-4812), which makes the vmap layer's own locks interrupt safe so that
 * vm_map_ram / vm_unmap_ram could be called from interrupt context. Ported EXACTLY AS
 * POSTED ("port what it says, not what it meant"): the function table is v2's with the
 * touched functions replaced, each a copy of the v2 model function with its hunks applied.
 *
 * Hunk -> model function (file):
 *   @@ -296 / -311 / -353 / -371  alloc_vmap_area       irqsave/irqrestore (vmap_area.ts)
 *   @@ -398                      free_vmap_area        irqsave/irqrestore (vmap_area.ts)
 *   @@ -456 / -492               __purge_vmap_area_lazy BUG_ON(in_interrupt()); spin_lock_irq
 *                                                       on vmap_area_lock (lazy_purge.ts)
 *   @@ -510                      purge_work_fn, DECLARE_WORK(purge_work) (lazy_purge.ts;
 *                                                       the workqueue in workqueue.ts)
 *   @@ -517 (first half)         free_unmap_vmap_area  in_interrupt() ? schedule_work :
 *                                                       purge (lazy_purge.ts)
 *   @@ -517 (second half)        find_vmap_area        irqsave/irqrestore (lazy_purge.ts)
 *   @@ -621 / -659 / -671        new_vmap_block        local_irq_save/restore (vmap_block.ts)
 *   @@ -684 / -698               free_vmap_block       local_irq_save/restore (vmap_block.ts)
 *   @@ -719 / -738               vb_alloc              irqsave; success path keeps the plain
 *                                                       spin_unlock (irqs left off) (vb_alloc.ts)
 *   @@ -755 / -772 / -782        vb_free               irqsave/irqrestore (vb_alloc.ts)
 *   @@ -807 / -815 / -837        vm_unmap_aliases      BUG_ON(in_interrupt()); spin_lock_irq
 *                                                       (vm_map_ram.ts)
 *   @@ -878                      vm_map_ram            takes gfp_mask (vm_map_ram.ts)
 *   include/linux/vmalloc.h @@ -38  vm_map_ram prototype: the api passes the harness's gfp.
 *
 * Untouched by the patch, hence v2's (and the audit relies on it): vunmap/vfree and
 * __get_vm_area_node keep BUG_ON(in_interrupt()); vmlist_lock stays a plain write_lock;
 * pte_alloc_kernel still allocates with GFP_KERNEL and takes init_mm.page_table_lock
 * plainly; alloc_vmap_area's purge-and-retry still calls purge_vmap_area_lazy() (which now
 * BUG_ONs in interrupt context); vbq->lock, vmap_block_tree_lock and purge_lock are still
 * taken with plain spin_lock (under local_irq_save where the patch added it); vm_unmap_ram
 * is unchanged.
 */
import type { Variant } from '../../engine/variant';
import type { RwFns } from '../rewrite-v2/state';
import { rewriteV2Fns, rewriteVariant } from '../rewrite-v2/index';
import { alloc_vmap_area, free_vmap_area } from './vmap_area';
import { __purge_vmap_area_lazy, __purge_vmap_area_lazy_free, find_vmap_area, free_unmap_purge_now, free_unmap_vmap_area } from './lazy_purge';
import { free_vmap_block, new_vmap_block } from './vmap_block';
import { vb_alloc, vb_free } from './vb_alloc';
import { vm_map_ram, vm_unmap_aliases, vm_unmap_aliases_vb_lock, vm_unmap_aliases_vb_unlock } from './vm_map_ram';
import { pendingWork, run_workqueue } from './workqueue';

/** irqsafe's function table: v2's with the functions its patch touches replaced. */
export const irqsafeFns: RwFns = {
  ...rewriteV2Fns,
  alloc_vmap_area,
  free_vmap_area,
  __purge_vmap_area_lazy,
  free_unmap_vmap_area,
  find_vmap_area,
  new_vmap_block,
  free_vmap_block,
  vb_alloc,
  vb_free,
  vm_unmap_aliases,
  vm_map_ram,
  // fix points whose 2008 statements differ in the irq patch (spin_lock_irq; F15)
  vm_unmap_aliases_vb_lock,
  vm_unmap_aliases_vb_unlock,
  __purge_vmap_area_lazy_free,
  free_unmap_purge_now,
};

/** The keventd hook for the runner: which works are pending, and the worker body. */
export const irqsafeHooks: Pick<Variant, 'pendingWork' | 'run_workqueue'> = { pendingWork, run_workqueue };

/** irqsafe's description (composed variants keep it). */
export const IRQSAFE_DESCRIPTION = 'mm: rewrite vmap layer (v2) + the untested irq-safety incremental patch (2008-08-20), as posted';

/** The interrupt-safe incremental patch on top of v2. */
export const irqsafe: Variant = rewriteVariant('irqsafe', IRQSAFE_DESCRIPTION, irqsafeFns, irqsafeHooks);
