/**
 * F9 fix: __get_vm_area_node's `va` is an automatic variable, not a function static.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: __get_vm_area_node)
 *   +++ b/mm/vmalloc.c
 *   @@ static struct vm_struct *__get_vm_area_node(unsigned long size,
 *    		unsigned long flags, unsigned long start, unsigned long end,
 *    		int node, gfp_t gfp_mask)
 *    {
 *   -	static struct vmap_area *va;
 *   +	struct vmap_area *va;
 *    	struct vm_struct *area;
 *
 * With one `va` for every CPU, a second CPU's `va = alloc_vmap_area(...)` between this
 * CPU's store and its `va->private = area; va->flags |= VM_VM_AREA` swaps the areas. The
 * model keeps the same statements (and steps); only the storage they go through changes.
 */
import type { VaSlot } from '../rewrite-v2/state';
import type { Fix } from './fix';

/** A fresh slot per call: the variable lives on this call's stack. */
export const F9: Fix = {
  id: 'F9',
  title: '__get_vm_area_node: `struct vmap_area *va;` instead of `static struct vmap_area *va;`',
  upstream: '"vmalloc: Remove static declaration of va from __get_vm_area_node", Kautuk Consul, 2011-12-08 (3.3): static struct vmap_area *va -> struct vmap_area *va',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    __get_vm_area_node_va: (): VaSlot => ({ v: null }),
  }),
};
