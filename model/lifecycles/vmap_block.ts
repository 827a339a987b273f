/**
 * Lifecycle of one `struct vmap_block` (the per-CPU vm_map_ram allocator).
 *
 * new_vmap_block kmallocs and initialises a block, inserts it into the
 * vmap_block_tree and puts it on the per-CPU vbq->free list. vb_alloc carves
 * pages off it until free reaches 0 (then list_del_init from vbq->free);
 * vb_free marks ranges dirty, and once dirty reaches VMAP_BBMAP_BITS
 * free_vmap_block removes it from the tree and call_rcu's rcu_free_vb.
 */
import { setup, type StateValueFrom } from 'xstate';
import { deriveTable, indexOf, type LifecycleTable } from './table.js';

/** Events a vmap_block can receive; see the machine below for where each is legal. */
export type VmapBlockEvent =
  | { type: 'QUEUE' } // new_vmap_block: list_add_rcu onto vbq->free
  | { type: 'KFREE' } // kfree on new_vmap_block's error path, or rcu_free_vb
  | { type: 'FILL' } // vb_alloc: vb->free reached 0, list_del_init from vbq->free
  | { type: 'DIRTY' } // vb_free: some bits dirtied, not all
  | { type: 'DIRTY_ALL' } // vb_free: vb->dirty reached VMAP_BBMAP_BITS
  | { type: 'FREE' }; // free_vmap_block: radix_tree_delete, free_unmap_vmap_area, call_rcu

/** The vmap_block lifecycle: the single source of truth for its legal transitions. */
export const vmapBlockMachine = setup({
  types: { events: {} as VmapBlockEvent },
}).createMachine({
  id: 'vmap_block',
  initial: 'new',
  states: {
    // kmalloc'd and initialised; error paths (radix_tree_preload, alloc_vmap_area) may kfree it.
    new: { on: { QUEUE: 'on_free_list', KFREE: 'kfreed' } },
    // Has free pages and is reachable from vbq->free; dirtying part of it keeps it there.
    on_free_list: { on: { FILL: 'full', DIRTY: 'on_free_list' } },
    // free == 0: off vbq->free; only vb_free can touch it now.
    full: { on: { DIRTY: 'full', DIRTY_ALL: 'fully_dirty' } },
    // Every page dirty: nothing can be allocated or freed from it any more.
    fully_dirty: { on: { FREE: 'freed' } },
    // Off lists, out of the radix tree; RCU readers may still see it until rcu_free_vb.
    freed: { on: { KFREE: 'kfreed' } },
    kfreed: { type: 'final' },
  },
});

/** State names, inferred by XState from the machine config (no second list to keep in sync). */
export type VmapBlockState = Extract<StateValueFrom<typeof vmapBlockMachine>, string>;

/** Dense table derived from {@link vmapBlockMachine} for the model's hot path. */
export const VMAP_BLOCK: LifecycleTable = deriveTable(vmapBlockMachine);

/** Event indices into {@link VMAP_BLOCK}, e.g. `VB_EV.DIRTY`. */
export const VB_EV = indexOf<VmapBlockEvent['type']>(VMAP_BLOCK.events);

/** State indices into {@link VMAP_BLOCK}, e.g. `VB_ST.full`. */
export const VB_ST = indexOf<VmapBlockState>(VMAP_BLOCK.states);
