/**
 * Programs: the API calls each simulated CPU makes, as data.
 *
 * Every op has a unique id; handles refer to the op that created them by id, and only to
 * lower ids, so a program stays meaningful when shrinking removes ops (a reference to a
 * removed op is skipped) and user-level waits for a handle can never form a cycle.
 */

/** A user-level operation. `h` is the id of the op whose result it uses; `irqsOff` runs it inside local_irq_save/restore. */
export type Op = OpBody & { readonly irqsOff?: boolean };

/** The operation proper. */
export type OpBody =
  | { readonly id: number; readonly op: 'vmalloc'; readonly pages: number }
  /**
   * An aligned vmalloc: `pages` pages on a `1 << align_shift`-byte boundary (align_shift <
   * BITS_PER_LONG, so the align is a power of two an `unsigned long` holds). The 2008 API has
   * no such call; this is the kernel's later `__vmalloc_node(size, align, GFP_KERNEL |
   * __GFP_HIGHMEM, PAGE_KERNEL, node, caller)` -> `__get_vm_area_node(size, align, VM_ALLOC,
   * VMALLOC_START, VMALLOC_END, ...)` built on each variant's own 2008 code, where the 2008
   * __get_vm_area_node has `unsigned long align = 1;` (or VM_IOREMAP's `1ul << bit`) and the
   * aligned one takes the caller's. Seed 004 lines:
   *  - rewrite-v2 / irqsafe: __get_vm_area_node 3787-3867 (`align = 1` 3794, `1ul << bit` 3800,
   *    `alloc_vmap_area(size, align, start, end, node, gfp_mask)` 3841); alloc_vmap_area
   *    3129-3212 (`addr = ALIGN(vstart, align)` 3141, `ALIGN(first->va_end + PAGE_SIZE,
   *    align)` 3180, `BUG_ON(addr & (align-1))` 3203). rewrite-v1: 1044-1124 and 448-530.
   *  - vanilla (the `-` lines): `unsigned long align = 1;` 411, `align = 1ul << bit` 1057,
   *    `addr = ALIGN(start, align)` 1059, `addr = ALIGN(tmp->size + (unsigned long)tmp->addr,
   *    align)` 1078-1086, all in its vmlist first fit.
   * The 2008 code has no `BUG_ON(!is_power_of_2(align))` (later kernels added it); for a
   * power of two its one align check, `BUG_ON(addr & (align-1))`, cannot fire, and what the
   * C does with an align it cannot satisfy — an unchecked ALIGN that wraps past ULONG_MAX on
   * vanilla and the unfixed rewrites (F5) — is what the model does. A 'vmalloc' handle.
   */
  | { readonly id: number; readonly op: 'vmalloc_align'; readonly pages: number; readonly align_shift: number }
  | { readonly id: number; readonly op: 'vfree'; readonly h: number }
  | { readonly id: number; readonly op: 'vmap'; readonly pages: number }
  | { readonly id: number; readonly op: 'vunmap'; readonly h: number }
  | { readonly id: number; readonly op: 'vm_map_ram'; readonly pages: number }
  | { readonly id: number; readonly op: 'vm_unmap_ram'; readonly h: number }
  | { readonly id: number; readonly op: 'touch'; readonly h: number; readonly page: number }
  | { readonly id: number; readonly op: 'vm_unmap_aliases' }
  /** Misuse: unmap a handle a second time (whatever its state). */
  | { readonly id: number; readonly op: 'unmap_again'; readonly h: number }
  /** Misuse: vm_unmap_ram with a count other than the one mapped. */
  | { readonly id: number; readonly op: 'vm_unmap_ram_count'; readonly h: number; readonly count: number };

/** The op kinds that create a handle. */
export const MAP_OPS = new Set(['vmalloc', 'vmalloc_align', 'vmap', 'vm_map_ram']);
/** The op kinds that release a handle normally. */
export const UNMAP_OPS = new Set(['vfree', 'vunmap', 'vm_unmap_ram']);
/** Deliberate misuse ops (enabled only by misuse campaigns). */
export const MISUSE_OPS = new Set(['unmap_again', 'vm_unmap_ram_count']);

/** One scheduling choice: run a CPU for n steps, raise an interrupt, or a speculative TLB fill. */
export type Choice =
  | { readonly t: 'run'; readonly cpu: number; readonly n: number }
  | { readonly t: 'irq'; readonly cpu: number; readonly kind: 'hardirq' | 'softirq'; readonly op: Op }
  | { readonly t: 'spec'; readonly cpu: number; readonly pick: number };

/** Everything a run needs besides variant and layout: per-CPU programs, schedule, faults. */
export interface Scenario {
  readonly programs: readonly (readonly Op[])[];
  readonly schedule: readonly Choice[];
  /** Indices of allocation attempts that fail. */
  readonly faults?: readonly number[];
}

/** Short text of an op, C-like: `#4 vm_map_ram(3)`, with ` [irqs off]` when it runs so. */
export function opText(o: Op): string {
  return bodyText(o) + (o.irqsOff ? ' [irqs off]' : '');
}

function bodyText(o: Op): string {
  switch (o.op) {
    case 'vmalloc':
    case 'vmap':
    case 'vm_map_ram':
      return `#${o.id} ${o.op}(${o.pages})`;
    case 'vmalloc_align':
      return `#${o.id} vmalloc_align(${o.pages}, 1<<${o.align_shift})`;
    case 'touch':
      return `#${o.id} touch(#${o.h}, ${o.page})`;
    case 'vm_unmap_aliases':
      return `#${o.id} vm_unmap_aliases()`;
    case 'vm_unmap_ram_count':
      return `#${o.id} vm_unmap_ram(#${o.h}, count=${o.count})`;
    default:
      return `#${o.id} ${o.op}(#${o.h})`;
  }
}
