/**
 * F10: list del init under rcu.
 *
 * Description: vb_alloc removes a full block from vbq->free with list_del_init while vm_unmap_aliases on another
 * CPU may be walking that list under rcu_read_lock. A walker standing on the block reads
 * vb->free_list.next == &vb->free_list and loops forever (and once the block is freed, the union
 * puts rcu_head's next/func where free_list was). list_del_rcu is what an RCU walker needs.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-faults.no_livelock.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F10 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-faults.no_livelock.json', 'F10');
});
