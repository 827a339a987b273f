/**
 * rewrite-v2: "mm: rewrite vmap layer" as revised after review (Nick Piggin's reply of
 * 2008-08-19). The reference port; rewrite-v1 and irqsafe are expressed as changes to the
 * function table built here.
 */
import type { World } from '../../engine/world';
import type { Variant } from '../../engine/variant';
import { Rw, rwConsts, VMAP_BBMAP_BITS, type RwFns } from './state';
import { alloc_vmap_area, alloc_vmap_area_fail, alloc_vmap_area_first, alloc_vmap_area_overflow, free_vmap_area, alloc_vmap_area_hits, alloc_vmap_area_next, alloc_vmap_area_retry_addr } from './vmap_area';
import { __get_vm_area_node, __get_vm_area_node_align, remove_vm_area_untag, static_va } from './vm_struct';
import { vmap_page_range, vmap_page_range_flush } from './page_range';
import { __purge_vmap_area_lazy, __purge_vmap_area_lazy_free, find_vmap_area, free_unmap_vmap_area, free_unmap_vmap_area_lazy, lazy_max_pages, purge_vmap_area_lazy, try_purge_vmap_area_lazy } from './lazy_purge';
import { VmapBlockQueue, free_vmap_block, free_vmap_block_del_free, new_vmap_block, vmap_block_rcu_head } from './vmap_block';
import { vb_alloc, vb_alloc_unlock, vb_free, vb_free_bug_full, vb_free_dirty_map, vb_free_list_del } from './vb_alloc';
import {
  purge_fragmented_blocks_allcpus,
  vm_map_ram_v2,
  vm_unmap_aliases,
  vm_unmap_aliases_vb_lock,
  vm_unmap_aliases_vb_unlock,
  vm_unmap_aliases_walk,
  vm_unmap_ram,
  vm_unmap_ram_free_area,
} from './vm_map_ram';
import { vfree, vmalloc, vmalloc_align, vmap, vunmap } from './vmalloc';
import { rewriteView } from './view';

/** The v2 function table. */
export const rewriteV2Fns: RwFns = {
  alloc_vmap_area,
  free_vmap_area,
  __purge_vmap_area_lazy,
  purge_vmap_area_lazy,
  free_unmap_vmap_area,
  find_vmap_area,
  lazy_max_pages,
  new_vmap_block,
  free_vmap_block,
  vb_alloc,
  vb_free,
  vm_unmap_aliases,
  vm_unmap_ram,
  vm_map_ram: vm_map_ram_v2,
  __get_vm_area_node,
  __get_vm_area_node_align,
  __get_vm_area_node_va: static_va,
  vmap_page_range,
  vmap_page_range_flush,
  alloc_vmap_area_fail,
  alloc_vmap_area_first,
  alloc_vmap_area_retry_addr,
  alloc_vmap_area_hits,
  alloc_vmap_area_next,
  alloc_vmap_area_overflow,
  VMAP_BBMAP_BITS,
  try_purge_vmap_area_lazy,
  free_unmap_vmap_area_lazy,
  vm_unmap_aliases_walk,
  vm_unmap_aliases_vb_lock,
  vm_unmap_aliases_vb_unlock,
  purge_fragmented_blocks_allcpus,
  vb_free_list_del,
  vb_alloc_unlock,
  vb_free_dirty_map,
  vb_free_bug_full,
  free_vmap_block_del_free,
  vmap_block_rcu_head,
  __purge_vmap_area_lazy_free,
  // v2 purges from free_unmap_vmap_area unconditionally; only irqsafe's copy asks.
  free_unmap_purge_now: () => true,
  remove_vm_area_untag,
  vm_unmap_ram_free_area,
};

/** Build a rewrite-family variant from a function table (vmalloc_init included); `extra` adds hooks (irqsafe's keventd). */
export function rewriteVariant(name: string, description: string, fns: RwFns, extra: Pick<Variant, 'pendingWork' | 'run_workqueue'> = {}): Variant {
  return {
    ...extra,
    name,
    description,
    init(w: World): void {
      const g = new Rw(rwConsts(w, fns), fns);
      for (let cpu = 0; cpu < w.cpus.length; cpu++) g.vmap_block_queue.push(new VmapBlockQueue(cpu));
      w.layer = g;
    },
    api: {
      vmalloc,
      vmalloc_align,
      vfree,
      vmap,
      vunmap,
      vm_map_ram: (k, pages, count, gfp) => (k.w.layer as Rw).fn.vm_map_ram(k, pages, count, -1, gfp),
      vm_unmap_ram: (k, addr, count) => (k.w.layer as Rw).fn.vm_unmap_ram(k, addr, count),
      vm_unmap_aliases: (k) => (k.w.layer as Rw).fn.vm_unmap_aliases(k),
    },
    view: rewriteView,
    features: ['lazy-purge', 'percpu-blocks'],
  };
}

/** v2's description (composed variants keep it). */
export const REWRITE_V2_DESCRIPTION = 'mm: rewrite vmap layer, as revised after review (2008-08-19)';

/** The rewrite as revised after review. */
export const rewriteV2 = rewriteVariant('rewrite-v2', REWRITE_V2_DESCRIPTION, rewriteV2Fns);
