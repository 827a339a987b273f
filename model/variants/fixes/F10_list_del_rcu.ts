/**
 * F10 fix: vb_alloc unlinks a full block from vbq->free with list_del_rcu, and the block's
 * rcu_head no longer shares storage with the free_list that RCU walkers follow.
 *
 *   --- a/mm/vmalloc.c   (rewrite v1/v2/irqsafe)
 *   +++ b/mm/vmalloc.c
 *   @@ struct vmap_block {
 *    	struct vmap_area *va;
 *    	struct vmap_block_queue *vbq;
 *    	unsigned long free, dirty;
 *    	DECLARE_BITMAP(alloc_map, VMAP_BBMAP_BITS);
 *    	DECLARE_BITMAP(dirty_map, VMAP_BBMAP_BITS);
 *   -	union {
 *   -		struct {
 *   -			struct list_head free_list;
 *   -			struct list_head dirty_list;
 *   -		};
 *   -		struct rcu_head rcu_head;
 *   -	};
 *   +	struct list_head free_list;
 *   +	struct list_head dirty_list;
 *   +	struct rcu_head rcu_head;
 *    };
 *   @@ static void *new_vmap_block(gfp_t gfp_mask)
 *   -	list_add(&vb->free_list, &vbq->free);
 *   +	list_add_rcu(&vb->free_list, &vbq->free);
 *   @@ static void free_vmap_block(struct vmap_block *vb)
 *    	spin_lock(&vb->vbq->lock);
 *   -	if (!list_empty(&vb->free_list))
 *   -		list_del(&vb->free_list);
 *    	if (!list_empty(&vb->dirty_list))
 *    		list_del(&vb->dirty_list);
 *    	spin_unlock(&vb->vbq->lock);
 *   @@ static void *vb_alloc(unsigned long size, gfp_t gfp_mask)
 *    			if (vb->free == 0) {
 *    				spin_lock(&vbq->lock);
 *   -				list_del_init(&vb->free_list);
 *   +				list_del_rcu(&vb->free_list);
 *    				spin_unlock(&vbq->lock);
 *    			}
 *   @@ static void vb_free(const void *addr, unsigned long size)
 *    	if (vb->dirty == VMAP_BBMAP_BITS) {
 *   -		BUG_ON(vb->free || !list_empty(&vb->free_list));
 *   +		BUG_ON(vb->free);
 *    		spin_unlock(&vb->lock);
 *    		free_vmap_block(vb);
 *
 * list_del_init points the unlinked entry at itself: a walker of vbq->free standing on the
 * block (vm_unmap_aliases on another CPU, under rcu_read_lock only) then reads
 * vb->free_list.next == &vb->free_list forever. list_del_rcu keeps `next`, so the walker
 * goes on to the rest of the list; but then list_empty(&vb->free_list) is false, so vb_free's
 * BUG_ON and free_vmap_block's unlink (which would unlink it a second time through the
 * poisoned `prev`) go: a block is off vbq->free exactly when vb_alloc took its last free bit.
 * And once the block is freed, call_rcu writes rcu_head.next/func, which in the union are
 * free_list.next/prev, under a walker that may still be on it: so rcu_head gets storage of
 * its own. (list_add_rcu is list_add plus a write barrier; the model is sequentially
 * consistent, so that hunk changes nothing in it.)
 *
 * Upstream: "mm: percpu-vmap fix RCU list walking", Nick Piggin, 2010-02-01 (Cc stable;
 * Linux 2.6.33): the same hunks (its vb_free also wraps bitmap_allocate_region in BUG_ON,
 * which is F14's fix here).
 */
import { sites, type Site } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { ListHead, list_del_rcu } from '../../kernel/list';
import type { Fix } from './fix';

/** list_del_rcu's statement, per caller of the vb_free_list_del fix point. */
const DEL: Record<string, Site> = {
  vb_alloc: sites('vb_alloc', { del: 'list_del_rcu(&vb->free_list)' }).del,
  purge_fragmented_blocks: sites('purge_fragmented_blocks', { del: 'list_del_rcu(&vb->free_list)' }).del,
};
const F = sites('vb_free', { bug_full: 'BUG_ON(vb->free)' });

/** The storage a separate `struct rcu_head rcu_head;` member gives each block. */
const ownRcuHead = new WeakMap<object, ListHead>();

/** list_del_rcu, a plain BUG_ON(vb->free), no second unlink, a separate rcu_head. */
export const F10: Fix = {
  id: 'F10',
  title: 'vb_alloc: list_del_rcu(&vb->free_list); rcu_head out of the union; vb_free: BUG_ON(vb->free); free_vmap_block: no free_list unlink',
  upstream: '"mm: percpu-vmap fix RCU list walking", Nick Piggin, 2010-02-01 (Cc stable, Linux 2.6.33)',
  bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
  patch: () => ({
    *vb_free_list_del(k, vb, site) {
      const s = DEL[site.fn] ?? site;
      yield s;
      list_del_rcu(k, s, vb.free_list);
    },
    vb_free_bug_full(k, vb) {
      BUG_ON(k, vb.free !== 0n, F.bug_full, 'vb->free');
    },
    // the unlink is gone: the block left vbq->free by list_del_rcu when it filled up
    *free_vmap_block_del_free() {},
    vmap_block_rcu_head(vb) {
      let h = ownRcuHead.get(vb);
      if (h === undefined) ownRcuHead.set(vb, (h = new ListHead(vb, 'rcu_head')));
      return h;
    },
  }),
};
