/**
 * rewrite-v1: "mm: rewrite vmap layer" as first posted (Nick Piggin, 2008-08-18), expressed
 * as its differences from the reference port rewrite-v2 (the 2008-08-19 revision). Every
 * difference between the two postings of mm/vmalloc.c (seed lines ~160-1378 vs
 * ~2831-4125), with what the model does about it:
 *
 * SEMANTIC (modelled here):
 *  1. `#define LAZY_MAX (fls(num_online_cpus())*32*1024*1024 / PAGE_SIZE)` instead of
 *     `lazy_max_pages()` (`log * (32UL * 1024 * 1024 / PAGE_SIZE)`): the product is C
 *     `int` arithmetic (32-bit signed; overflows for fls >= 64, i.e. never for a real CPU
 *     count), converted to unsigned long for the division by PAGE_SIZE; multiply first,
 *     divide second. Used only in free_unmap_vmap_area's comparison -> `LAZY_MAX` below,
 *     in the `lazy_max_pages` slot of the function table.
 *  2. vm_unmap_ram: ONE `BUG_ON(!addr || addr < VMALLOC_START || addr > VMALLOC_END ||
 *     (addr & (PAGE_SIZE-1)))` where v2 has four BUG_ONs (Andrew's review: the splat
 *     cannot tell which test failed). Same condition, different splat -> `vm_unmap_ram`.
 *  3. new_vmap_block / free_vmap_block / vb_free compute `addr_to_vb_idx()` inside the
 *     radix_tree_insert / _delete / _lookup call; v2 stores it into a local `vb_idx`
 *     first. Only step placement: in free_vmap_block v1 loads vb->va->va_start under
 *     vmap_block_tree_lock, in the delete's step (v2: a separate step before the lock)
 *     -> ./vmap_block.ts.
 *
 * SAME SEMANTICS (v2's model functions used unchanged):
 *  4. vm_unmap_aliases: `for (i = find_first_bit(..); i < VMAP_BBMAP_BITS;
 *     i = find_next_bit(.., i)) { ...; i = j; }` vs v2's `i = find_first_bit(..);
 *     while (i < VMAP_BBMAP_BITS) { ...; i = j; i = find_next_bit(.., i); }`: the body has
 *     no `continue`, so both run find_next_bit(.., j) after each range. Identical.
 *  5. vmap_page_range: `return err ? : nr;` vs `if (unlikely(err)) return err; return nr;`.
 *  6. vmap_pte_range: `if (unlikely(!pte_none(*pte))) { WARN_ON(1); return -EBUSY; }` (and
 *     the same for !page) vs `if (WARN_ON(!pte_none(*pte))) return -EBUSY;`: same control
 *     flow; the kernel's WARN_ON splat prints file:line, not the condition. COSMETIC in
 *     the kernel; the model's WARN text (v2's site) names the condition instead of `1`.
 *  7. map_vm_area: `vmap_page_range(addr, addr + area->size- PAGE_SIZE, ...)` vs a local
 *     `end`; alloc_vmap_area / vb_alloc / vm_map_ram / VMAP_BBMAP_BITS line wrapping;
 *     `#if 0 ... #else ... #endif` around the VMALLOC_SPACE guess vs a comment; the
 *     position of `struct vmap_area *va;` in find_vm_area's hunk (diff rendering only).
 *  8. Comments and kerneldoc; v1 lacks EXPORT_SYMBOL(_GPL) of vm_unmap_aliases,
 *     vm_unmap_ram, vm_map_ram (no model effect: there are no modules).
 *  9. init/main.c: v1 calls vmalloc_init() without `#ifdef CONFIG_MMU` (a !MMU build
 *     break; the model is an MMU kernel).
 *  Cosmetic site texts: free_unmap_vmap_area's site still reads `lazy_max_pages()` (the
 *  value comes from LAZY_MAX through the table); the view's `lazy_max_pages` constant
 *  uses v2's formula (equal to LAZY_MAX for every layout in model/config/layout.ts).
 */
import type { K } from '../../engine/exec';
import type { Gen } from '../../exec/gen';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { fls } from '../../kernel/bitops';
import type { Variant } from '../../engine/variant';
import { G, type RwFns } from '../rewrite-v2/state';
import { rewriteV2Fns, rewriteVariant } from '../rewrite-v2/index';
import { countSize } from '../rewrite-v2/vm_map_ram';
import { free_vmap_block, new_vmap_block, vb_free } from './vmap_block';

/**
 * `LAZY_MAX`: `(fls(num_online_cpus())*32*1024*1024 / PAGE_SIZE)`. The product is `int`
 * (wrapped to 32-bit two's complement as gcc does), then converted to unsigned long by
 * the usual arithmetic conversions for `/ PAGE_SIZE`. The 32MB is the layout's
 * LAZY_BYTES_PER_LOG (an int constant in the C).
 */
export function LAZY_MAX(k: K): bigint {
  const W = k.w.word;
  const product = BigInt.asIntN(32, BigInt(fls(k.w.cpus.length)) * k.w.layout.LAZY_BYTES_PER_LOG);
  return W.u(product) / G(k).c.PAGE_SIZE;
}

const UR = sites('vm_unmap_ram', {
  bug: 'BUG_ON(!addr || addr < VMALLOC_START || addr > VMALLOC_END || (addr & (PAGE_SIZE-1)))',
});

/** `vm_unmap_ram(mem, count)` (v1): one combined BUG_ON. */
export const vm_unmap_ram = kfn('vm_unmap_ram', function* (k: K, mem: bigint, count: number): Gen {
  const g = G(k);
  const c = g.c;
  const size = countSize(k, count);
  const addr = mem;
  BUG_ON(
    k,
    addr === 0n || addr < c.VMALLOC_START || addr > c.VMALLOC_END || (addr & (c.PAGE_SIZE - 1n)) !== 0n,
    UR.bug,
    '!addr || addr < VMALLOC_START || addr > VMALLOC_END || (addr & (PAGE_SIZE-1))',
  );
  // debug_check_no_locks_freed(mem, size): the model has no lock objects in mapped memory.
  if (count <= c.VMAP_MAX_ALLOC) yield* g.fn.vb_free(k, mem, size);
  else yield* g.fn.vm_unmap_ram_free_area(k, addr);
});

/** v1's function table: v2's with the functions that differ between the postings replaced. */
export const rewriteV1Fns: RwFns = {
  ...rewriteV2Fns,
  lazy_max_pages: LAZY_MAX,
  new_vmap_block,
  free_vmap_block,
  vb_free,
  vm_unmap_ram,
};

/** v1's description (composed variants keep it). */
export const REWRITE_V1_DESCRIPTION = 'mm: rewrite vmap layer, as first posted (2008-08-18)';

/** The first posting of the rewrite. */
export const rewriteV1: Variant = rewriteVariant('rewrite-v1', REWRITE_V1_DESCRIPTION, rewriteV1Fns);
