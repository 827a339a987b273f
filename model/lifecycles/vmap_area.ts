/**
 * Lifecycle of one `struct vmap_area` (mm/vmalloc.c, 2008 rewrite).
 *
 * A vmap_area is kmalloc_node'd by alloc_vmap_area, inserted into the
 * vmap_area_root rbtree and vmap_area_list, and leaves either directly
 * (__free_vmap_area from a purge, or the error path) or via lazy freeing:
 * free_unmap_vmap_area sets VM_LAZY_FREE, __purge_vmap_area_lazy flips it to
 * VM_LAZY_FREEING, then __free_vmap_area rb_erases and list_del_rcu's it and
 * queues rcu_free_va. Anything not declared here is a bug the model reports.
 */
import { setup, type StateValueFrom } from 'xstate';
import { deriveTable, indexOf, type LifecycleTable } from './table.js';

/** Events a vmap_area can receive; see the machine below for where each is legal. */
export type VmapAreaEvent =
  | { type: 'INSERT' } // __insert_vmap_area: rbtree + list_add_rcu
  | { type: 'KFREE' } // kfree on the alloc error path, or rcu_free_va after the grace period
  | { type: 'LAZY_FREE' } // free_unmap_vmap_area: va->flags |= VM_LAZY_FREE
  | { type: 'ERASE' } // __free_vmap_area: rb_erase + list_del_rcu + call_rcu
  | { type: 'PURGE' }; // __purge_vmap_area_lazy: VM_LAZY_FREE -> VM_LAZY_FREEING

/** The vmap_area lifecycle: the single source of truth for its legal transitions. */
export const vmapAreaMachine = setup({
  types: { events: {} as VmapAreaEvent },
}).createMachine({
  id: 'vmap_area',
  initial: 'kmalloced',
  states: {
    // kmalloc_node'd, not yet in the tree; the error path may kfree it directly.
    kmalloced: { on: { INSERT: 'allocated', KFREE: 'kfreed' } },
    // In the rbtree and vmap_area_list; owned by a vm_struct, a vmap_block or a vm_map_ram user.
    allocated: { on: { LAZY_FREE: 'lazily_freed', ERASE: 'freed' } },
    // VM_LAZY_FREE: unmapped but its TLB entries are not yet flushed; waits for a purge.
    lazily_freed: { on: { PURGE: 'being_purged' } },
    // VM_LAZY_FREEING: on the purge list; the flush covers it before it is erased.
    being_purged: { on: { ERASE: 'freed' } },
    // Out of tree and list; RCU readers may still see it until rcu_free_va runs.
    freed: { on: { KFREE: 'kfreed' } },
    kfreed: { type: 'final' },
  },
});

/** State names, inferred by XState from the machine config (no second list to keep in sync). */
export type VmapAreaState = Extract<StateValueFrom<typeof vmapAreaMachine>, string>;

/** Dense table derived from {@link vmapAreaMachine} for the model's hot path. */
export const VMAP_AREA: LifecycleTable = deriveTable(vmapAreaMachine);

/** Event indices into {@link VMAP_AREA}, e.g. `VA_EV.LAZY_FREE`. */
export const VA_EV = indexOf<VmapAreaEvent['type']>(VMAP_AREA.events);

/** State indices into {@link VMAP_AREA}, e.g. `VA_ST.allocated`. */
export const VA_ST = indexOf<VmapAreaState>(VMAP_AREA.states);
