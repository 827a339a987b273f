/**
 * F14 fix: the misuse a kernel can see from its own data structures is met by an assertion
 * instead of silent corruption.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe)
 *   +++ b/mm/vmalloc.c
 *   @@ static void vb_free(const void *addr, unsigned long size)
 *    	spin_lock(&vb->lock);
 *   -	bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order);
 *   +	BUG_ON(bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order));
 *   @@ struct vm_struct *remove_vm_area(const void *addr)
 *    	if (va && va->flags & VM_VM_AREA) {
 *    		struct vm_struct *vm = va->private;
 *    		struct vm_struct *tmp, **p;
 *   +
 *   +		spin_lock(&vmap_area_lock);
 *   +		va->flags &= ~VM_VM_AREA;
 *   +		spin_unlock(&vmap_area_lock);
 *    		free_unmap_vmap_area(va);
 *   @@ static void free_unmap_vmap_area_addr(unsigned long addr)
 *    	va = find_vmap_area(addr);
 *    	BUG_ON(!va);
 *   +	BUG_ON(va->flags & (VM_LAZY_FREE | VM_LAZY_FREEING));
 *   +	rcu_read_lock();
 *   +	vb = radix_tree_lookup(&vmap_block_tree, addr_to_vb_idx(addr));
 *   +	BUG_ON(vb && vb->va == va);
 *   +	rcu_read_unlock();
 *    	free_unmap_vmap_area(va);
 *
 * What each catches (the callers' contract is the kerneldoc: vm_unmap_ram's "@mem: the
 * pointer returned by vm_map_ram, @count: the count passed to that vm_map_ram call (cannot
 * unmap partial)"; vfree/vunmap free "the virtually continuous memory area starting at
 * @addr, as obtained from vmalloc()" / "created from the page array passed to vmap()"):
 *  - a second vm_unmap_ram of a per-CPU block range: its dirty bits are already set, so
 *    bitmap_allocate_region returns -EBUSY (2008 ignored it and counted the pages dirty
 *    again, so vb->dirty lied and the block could be freed with live parts);
 *  - a second vfree/vunmap while the area waits for its purge: remove_vm_area no longer
 *    finds VM_VM_AREA, returns NULL, and __vunmap prints "Trying to vfree() nonexistent vm
 *    area" (2008 used the freed vm_struct through va->private);
 *  - a second vm_unmap_ram of a large (count > VMAP_MAX_ALLOC) mapping, and a count above
 *    VMAP_MAX_ALLOC for an address a per-CPU block handed out, whose exact match is the
 *    block's own vmap_area (2008 lazily freed the area again, or the whole live block).
 * What no allocator can catch is left to the contract: a wrong count that stays within
 * VMAP_MAX_ALLOC (the block's bitmaps do not record allocation sizes), and any second free
 * after the address was handed to someone else (the kernel sees a valid live area: it is
 * the caller's use-after-free).
 *
 * Upstream: the vb_free hunk is in "mm: percpu-vmap fix RCU list walking", Nick Piggin,
 * 2010-02-01 (Linux 2.6.33); the remove_vm_area hunk follows "mm, vmalloc: protect va->vm
 * by vmap_area_lock", Joonsoo Kim, 2013-03 (Linux 3.10), which clears VM_VM_AREA (and
 * va->vm) under vmap_area_lock there. The free_unmap_vmap_area_addr checks have no upstream
 * fix: smallest assertion.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { bitmap_allocate_region } from '../../kernel/bitmap';
import { radix_tree_lookup } from '../../kernel/radix_tree';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { spin_lock, spin_lock_irqsave, spin_unlock, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { G } from '../rewrite-v2/state';
import { bitmapOp } from '../rewrite-v2/vb_alloc';
import { addr_to_vb_idx } from '../rewrite-v2/vmap_block';
import { VM_LAZY_FREE, VM_LAZY_FREEING, VM_VM_AREA } from '../rewrite-v2/vmap_area';
import type { Fix, RewriteBase } from './fix';

const F = sites('vb_free', { dirty_map: 'BUG_ON(bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order))' });
const RM = sites('remove_vm_area', {
  lock: 'spin_lock(&vmap_area_lock)',
  lock_irq: 'spin_lock_irqsave(&vmap_area_lock, flags)',
  clear: 'va->flags &= ~VM_VM_AREA',
  unlock: 'spin_unlock(&vmap_area_lock)',
  unlock_irq: 'spin_unlock_irqrestore(&vmap_area_lock, flags)',
});
const FA = sites('free_unmap_vmap_area_addr', {
  bug: 'BUG_ON(!va)',
  lazy: 'BUG_ON(va->flags & (VM_LAZY_FREE | VM_LAZY_FREEING))',
  lookup: 'vb = radix_tree_lookup(&vmap_block_tree, addr_to_vb_idx(addr))',
  block: 'BUG_ON(vb && vb->va == va)',
});

/** `free_unmap_vmap_area_addr(addr)` with the two new BUG_ONs. */
const free_unmap_vmap_area_addr = kfn('free_unmap_vmap_area_addr', function* (k: K, addr: bigint): Gen {
  const g = G(k);
  const va = yield* g.fn.find_vmap_area(k, addr);
  BUG_ON(k, va === null, FA.bug, '!va');
  yield FA.lazy;
  BUG_ON(k, (va!.flags & (VM_LAZY_FREE | VM_LAZY_FREEING)) !== 0n, FA.lazy, 'va->flags & (VM_LAZY_FREE | VM_LAZY_FREEING)');
  rcu_read_lock(k);
  yield FA.lookup;
  const vb = radix_tree_lookup(g.vmap_block_tree, addr_to_vb_idx(k, addr));
  BUG_ON(k, vb !== null && vb.va === va, FA.block, 'vb && vb->va == va');
  rcu_read_unlock(k);
  yield* g.fn.free_unmap_vmap_area(k, va!);
});

/** Assert on what the layer can see: a range already dirty, an area already untagged or lazily freed, a block's own area. */
export const F14: Fix = {
  id: 'F14',
  title: 'BUG_ON(bitmap_allocate_region(vb->dirty_map, ...)) in vb_free; remove_vm_area clears VM_VM_AREA; free_unmap_vmap_area_addr BUG_ONs a lazily freed or per-CPU block area',
  upstream:
    'vb_free: "mm: percpu-vmap fix RCU list walking", Nick Piggin, 2010 (Linux 2.6.33); remove_vm_area: "mm, vmalloc: protect va->vm by vmap_area_lock", Joonsoo Kim, 2013 (Linux 3.10); free_unmap_vmap_area_addr: no upstream fix, smallest assertion',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: (base: RewriteBase) => ({
    *vb_free_dirty_map(k, vb, bit, order) {
      yield F.dirty_map;
      const err = bitmapOp(k, F.dirty_map, () => bitmap_allocate_region(vb.dirty_map, bit, order));
      BUG_ON(k, err !== 0, F.dirty_map, 'bitmap_allocate_region(vb->dirty_map, offset >> PAGE_SHIFT, order)');
    },
    *remove_vm_area_untag(k, va) {
      const l = G(k).vmap_area_lock;
      // irqsafe takes vmap_area_lock irqsave everywhere (it is taken from irq context there)
      const flags = base === 'irqsafe' ? yield* spin_lock_irqsave(k, l, RM.lock_irq) : (yield* spin_lock(k, l, RM.lock), true);
      yield RM.clear;
      va.flags &= ~VM_VM_AREA;
      k.w.dirty = true;
      if (base === 'irqsafe') yield* spin_unlock_irqrestore(k, l, flags, RM.unlock_irq);
      else yield* spin_unlock(k, l, RM.unlock);
    },
    vm_unmap_ram_free_area: free_unmap_vmap_area_addr,
  }),
};
