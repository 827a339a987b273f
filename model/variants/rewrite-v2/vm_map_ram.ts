/**
 * The new kernel-wide API of the rewrite: vm_unmap_aliases, vm_unmap_ram, vm_map_ram.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { find_first_bit, find_next_bit, find_next_zero_bit } from '../../kernel/bitmap';
import { list_next, type ListHead } from '../../kernel/list';
import { rcu_read_lock, rcu_read_unlock } from '../../kernel/rcu';
import { GFP_KERNEL } from '../../kernel/slab';
import { spin_lock, spin_unlock } from '../../kernel/spinlock';
import { G, type Ref } from './state';
import { bitmapOp, blockOf } from './vb_alloc';
import type { VmapBlock } from './vmap_block';
import { vunmap_page_range } from './page_range';
import { free_unmap_vmap_area_addr } from './lazy_purge';

const UA = sites('vm_unmap_aliases', {
  walk: 'list_for_each_entry_rcu(vb, &vbq->free, free_list)',
  lock: 'spin_lock(&vb->lock)',
  bits: 'i = find_first_bit(vb->dirty_map, ...); j = find_next_zero_bit(vb->dirty_map, VMAP_BBMAP_BITS, i)',
  unlock: 'spin_unlock(&vb->lock)',
});

/**
 * Unmap outstanding lazy aliases in the vmap layer: the dirty parts of every block on
 * every possible CPU's free queue, then a sync purge that flushes everything it found.
 * for_each_possible_cpu is modelled as the simulated CPUs.
 */
export const vm_unmap_aliases = kfn('vm_unmap_aliases', function* (k: K): Gen {
  const g = G(k);
  const W = g.c.W;
  const start: Ref = { v: W.max };
  const end: Ref = { v: 0n };
  const flush = yield* g.fn.vm_unmap_aliases_walk(k, start, end);
  yield* g.fn.__purge_vmap_area_lazy(k, start, end, 1, flush);
});

/**
 * Fix point: vm_unmap_aliases' walk (2008): for each possible CPU, under rcu_read_lock,
 * `list_for_each_entry_rcu(vb, &vbq->free, free_list)`, and each block's dirty ranges
 * unmapped under vb->lock. Returns `flush`. irqsafe reuses it (its lock is the table's
 * vm_unmap_aliases_vb_lock); F3 replaces it with a walk over every block.
 */
export function* vm_unmap_aliases_walk(k: K, start: Ref, end: Ref): Gen<number> {
  const g = G(k);
  let flush = 0;
  noteUnwalkedDirtyBlocks(k);
  for (const vbq of g.vmap_block_queue) {
    rcu_read_lock(k);
    for (let p = yield* list_next(k, UA.walk, vbq.free); p !== vbq.free; p = yield* list_next(k, UA.walk, p)) {
      const [vb, flags] = yield* g.fn.vm_unmap_aliases_vb_lock(k, p);
      if (yield* unmapDirtyRanges(k, vb, start, end, UA.bits)) flush = 1;
      yield* g.fn.vm_unmap_aliases_vb_unlock(k, vb, flags);
    }
    rcu_read_unlock(k);
  }
  return flush;
}

/**
 * The body of vm_unmap_aliases' per-block loop, under vb->lock: vunmap_page_range each run
 * of dirty bits, widen [*start, *end) over it. Returns 1 when it unmapped anything (the
 * C's `flush = 1`). `site` is the find_first_bit/find_next_zero_bit statement.
 */
export function* unmapDirtyRanges(k: K, vb: VmapBlock, start: Ref, end: Ref, site: Site): Gen<number> {
  const c = G(k).c;
  const W = c.W;
  let flush = 0;
  yield site;
  let i = bitmapOp(k, site, () => find_first_bit(vb.dirty_map, c.VMAP_BBMAP_BITS));
  while (i < c.VMAP_BBMAP_BITS) {
    const j = bitmapOp(k, site, () => find_next_zero_bit(vb.dirty_map, c.VMAP_BBMAP_BITS, i));
    const s = W.add(vb.va.va_start, W.u((i << c.PAGE_SHIFT) | 0));
    const e = W.add(vb.va.va_start, W.u((j << c.PAGE_SHIFT) | 0));
    yield* vunmap_page_range(k, s, e);
    flush = 1;
    if (s < start.v) start.v = s;
    if (e > end.v) end.v = e;
    i = j;
    i = bitmapOp(k, site, () => find_next_bit(vb.dirty_map, c.VMAP_BBMAP_BITS, i));
  }
  return flush;
}

/**
 * Fix point: vm_unmap_aliases' `vb` (list_entry of the walk's `p`) and `spin_lock(&vb->lock)`
 * (2008 v2; irqsafe has spin_lock_irq, F15). Returns the block and the saved irq state.
 */
export function* vm_unmap_aliases_vb_lock(k: K, p: ListHead): Gen<[VmapBlock, boolean]> {
  const vb = blockOf(k, p, UA.lock);
  yield* spin_lock(k, vb.lock, UA.lock);
  return [vb, k.cpu.irqsEnabled];
}

/** Fix point: vm_unmap_aliases' `spin_unlock(&vb->lock)` (2008 v2). */
export function* vm_unmap_aliases_vb_unlock(k: K, vb: VmapBlock, _flags: boolean): Gen {
  yield* spin_unlock(k, vb.lock, UA.unlock);
}

/** Fix point: the start of a sync __purge_vmap_area_lazy (2008: nothing; F16 frees fragmented per-CPU blocks there, as upstream does). */
export function* purge_fragmented_blocks_allcpus(_k: K): Gen {}

/** Ghost: a block with dirty parts that is off its vbq->free will not be walked (F3). */
export function noteUnwalkedDirtyBlocks(k: K): void {
  for (const [, vb] of G(k).vmap_block_tree.entries()) if (vb.dirty > 0n && vb.free_list.next === vb.free_list) k.w.note('F3');
}

const UR = sites('vm_unmap_ram', {
  bug_null: 'BUG_ON(!addr)',
  bug_lo: 'BUG_ON(addr < VMALLOC_START)',
  bug_hi: 'BUG_ON(addr > VMALLOC_END)',
  bug_align: 'BUG_ON(addr & (PAGE_SIZE-1))',
});

/** `count << PAGE_SHIFT` with `unsigned int count`: computed in 32 bits, then widened. */
export function countSize(k: K, count: number): bigint {
  return k.w.word.u(BigInt.asUintN(32, BigInt(count) << BigInt(k.w.layout.PAGE_SHIFT)));
}

/** The BUG_ONs of vm_unmap_ram (v2 splits v1's single BUG_ON into four). */
export function vm_unmap_ram_checks(k: K, addr: bigint): void {
  const c = G(k).c;
  BUG_ON(k, addr === 0n, UR.bug_null, '!addr');
  BUG_ON(k, addr < c.VMALLOC_START, UR.bug_lo, 'addr < VMALLOC_START');
  BUG_ON(k, addr > c.VMALLOC_END, UR.bug_hi, 'addr > VMALLOC_END');
  BUG_ON(k, (addr & (c.PAGE_SIZE - 1n)) !== 0n, UR.bug_align, 'addr & (PAGE_SIZE-1)');
}

/** Unmap linear kernel address space set up by vm_map_ram (count as passed to it). */
export const vm_unmap_ram = kfn('vm_unmap_ram', function* (k: K, mem: bigint, count: number): Gen {
  const g = G(k);
  const size = countSize(k, count);
  const addr = mem;
  vm_unmap_ram_checks(k, addr);
  // debug_check_no_locks_freed(mem, size): the model has no lock objects in mapped memory.
  if (count <= g.c.VMAP_MAX_ALLOC) yield* g.fn.vb_free(k, mem, size);
  else yield* g.fn.vm_unmap_ram_free_area(k, addr);
});

/** Map pages linearly into kernel virtual address (vmalloc space); 0n on failure. */
export const vm_map_ram = kfn('vm_map_ram', function* (k: K, pages: (number | null)[], count: number, node: number, gfp: number): Gen<bigint> {
  const g = G(k);
  const c = g.c;
  const size = countSize(k, count);
  let addr: bigint;
  let mem: bigint;
  if (count <= c.VMAP_MAX_ALLOC) {
    const r = yield* g.fn.vb_alloc(k, size, gfp);
    if (typeof r === 'number') return 0n;
    mem = r;
    addr = mem;
  } else {
    const va = yield* g.fn.alloc_vmap_area(k, size, c.PAGE_SIZE, c.VMALLOC_START, c.VMALLOC_END, node, gfp);
    if (typeof va === 'number') return 0n;
    addr = va.va_start;
    mem = addr;
  }
  if ((yield* g.fn.vmap_page_range(k, addr, c.W.add(addr, size), pages)) < 0) {
    yield* g.fn.vm_unmap_ram(k, mem, count);
    return 0n;
  }
  return mem;
});

/** v2's vm_map_ram always allocates with GFP_KERNEL (the gfp argument arrives with irqsafe). */
export function vm_map_ram_v2(k: K, pages: (number | null)[], count: number, node: number, _gfp: number): Gen<bigint> {
  return vm_map_ram(k, pages, count, node, GFP_KERNEL);
}

/** Fix point: vm_unmap_ram's `free_unmap_vmap_area_addr(addr)` for count > VMAP_MAX_ALLOC (2008; F14 asserts there). */
export function* vm_unmap_ram_free_area(k: K, addr: bigint): Gen {
  yield* free_unmap_vmap_area_addr(k, addr);
}
