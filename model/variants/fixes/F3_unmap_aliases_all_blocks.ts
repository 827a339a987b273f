/**
 * F3 fix: vm_unmap_aliases walks every block (the vmap_block_tree), not only the blocks on
 * each CPU's vbq->free, and skips a block that is already all dirty (being freed).
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe: vm_unmap_aliases)
 *   +++ b/mm/vmalloc.c
 *   @@ void vm_unmap_aliases(void)
 *    	unsigned long start = ULONG_MAX, end = 0;
 *   -	int cpu;
 *    	int flush = 0;
 *   +	unsigned long idx = 0;
 *   +	struct vmap_block *vb;
 *
 *   -	for_each_possible_cpu(cpu) {
 *   -		struct vmap_block_queue *vbq = &per_cpu(vmap_block_queue, cpu);
 *   -		struct vmap_block *vb;
 *   -
 *   -		rcu_read_lock();
 *   -		list_for_each_entry_rcu(vb, &vbq->free, free_list) {
 *   +	rcu_read_lock();
 *   +	while (radix_tree_gang_lookup(&vmap_block_tree, (void **)&vb, idx, 1)) {
 *   +		idx = addr_to_vb_idx(vb->va->va_start) + 1;
 *    			int i;
 *
 *    			spin_lock(&vb->lock);
 *   +			if (vb->dirty == VMAP_BBMAP_BITS)	// vb_free is freeing it
 *   +				goto next;
 *    			i = find_first_bit(vb->dirty_map, VMAP_BBMAP_BITS);
 *    			while (i < VMAP_BBMAP_BITS) {
 *    				...
 *    			}
 *   +next:
 *    			spin_unlock(&vb->lock);
 *    		}
 *   -		rcu_read_unlock();
 *    	}
 *   +	rcu_read_unlock();
 *
 *    	__purge_vmap_area_lazy(&start, &end, 1, flush);
 *
 * vb_alloc takes a block off vbq->free (list_del_init) once `free` reaches 0, and vb_free
 * only marks what it frees dirty; the dirty parts of such a full block kept their PTEs
 * after vm_unmap_aliases(). The radix tree holds every live block. The walk stays lockless
 * (radix_tree_gang_lookup is RCU-safe, as radix_tree_lookup in vb_free), so the lock order
 * vb->lock -> vbq->lock of vb_alloc/vb_free is untouched; a block freed concurrently stays
 * allocated until the RCU read section ends (free_vmap_block frees it by call_rcu). A block
 * that vb_free made all dirty is skipped under vb->lock: its free_vmap_block may already
 * have freed its area lazily, and a purge may hand the range to someone else — unmapping it
 * then would tear down another owner's PTEs (the purge that frees it unmaps it anyway). In
 * 2008 such a block could never be on vbq->free (all dirty implies free == 0), so the check
 * was not needed there.
 *
 * Upstream: "mm/vmalloc: prevent stale TLBs in fully utilized blocks", Thomas Gleixner,
 * 2023-05 (commit fc1e0d980037, Linux 6.5): _vm_unmap_aliases walks the per-CPU xarray of
 * all blocks (`xa_for_each(&vbq->vmap_blocks, idx, vb)`) instead of vbq->free and tests
 * `vb->dirty != VMAP_BBMAP_BITS` under vb->lock. The 2008 layer has one global radix tree
 * instead of per-CPU xarrays, so the walk is over it once.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { G, type Ref } from '../rewrite-v2/state';
import { addr_to_vb_idx, type VmapBlock } from '../rewrite-v2/vmap_block';
import { unmapDirtyRanges } from '../rewrite-v2/vm_map_ram';
import type { Fix } from './fix';

const UA = sites('vm_unmap_aliases', {
  lookup: 'while (radix_tree_gang_lookup(&vmap_block_tree, (void **)&vb, idx, 1)) idx = addr_to_vb_idx(vb->va->va_start) + 1',
  skip: 'if (vb->dirty == VMAP_BBMAP_BITS) goto next',
  bits: 'i = find_first_bit(vb->dirty_map, ...); j = find_next_zero_bit(vb->dirty_map, VMAP_BBMAP_BITS, i)',
});

/** `radix_tree_gang_lookup(root, &vb, idx, 1)`: the block with the least index >= idx, or null. */
function gangLookupOne(k: K, idx: bigint): VmapBlock | null {
  for (const [i, vb] of G(k).vmap_block_tree.entries()) if (i >= idx) return vb;
  return null;
}

/** The F3 walk: every block in vmap_block_tree, one lookup step each, under one RCU read section. */
function* walkAllBlocks(k: K, start: Ref, end: Ref): Gen<number> {
  const g = G(k);
  let flush = 0;
  let idx = 0n;
  rcu_read_lock(k);
  for (;;) {
    yield UA.lookup;
    const found = gangLookupOne(k, idx);
    if (found === null) break;
    idx = addr_to_vb_idx(k, found.va.va_start) + 1n;
    const [vb, flags] = yield* g.fn.vm_unmap_aliases_vb_lock(k, found.free_list);
    yield UA.skip;
    if (vb.dirty !== BigInt(g.c.VMAP_BBMAP_BITS) && (yield* unmapDirtyRanges(k, vb, start, end, UA.bits))) flush = 1;
    yield* g.fn.vm_unmap_aliases_vb_unlock(k, vb, flags);
  }
  rcu_read_unlock(k);
  return flush;
}

/** Walk the block tree instead of the per-CPU free lists. */
export const F3: Fix = {
  id: 'F3',
  title: 'vm_unmap_aliases: walk every block in vmap_block_tree (radix_tree_gang_lookup under RCU), skipping all-dirty blocks, instead of only vbq->free',
  upstream: '"mm/vmalloc: prevent stale TLBs in fully utilized blocks", Thomas Gleixner, 2023 (commit fc1e0d980037, Linux 6.5): walk the per-CPU xarray of all blocks instead of vbq->free',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({ vm_unmap_aliases_walk: walkAllBlocks }),
};
