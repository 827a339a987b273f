/**
 * vmalloc/vfree and vmap/vunmap (2.6.26 mm/vmalloc.c, unchanged by the patch, on top of
 * the rewritten __get_vm_area_node/remove_vm_area/map_vm_area).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON, WARN_ON } from '../../kernel/assert';
import { in_interrupt } from '../../kernel/irq';
import { GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_HIGHMEM, __GFP_ZERO, allocAttempt, kfree, kmalloc_node } from '../../kernel/slab';
import { G } from './state';
import { map_vm_area } from './page_range';
import { PageArray, VM_ALLOC, VM_MAP, VM_VPAGES, remove_vm_area, type VmStruct } from './vm_struct';

const V = sites('__vunmap', {
  bad: 'if ((PAGE_SIZE-1) & (unsigned long)addr) { printk(...); WARN_ON(1); return; }',
  none: 'if (unlikely(!area)) { printk("Trying to vfree() nonexistent vm area"); WARN_ON(1); return; }',
  page: 'BUG_ON(!page); __free_page(page)',
  kfree_pages: 'kfree(area->pages)',
  kfree: 'kfree(area)',
});

/** `__vunmap(addr, deallocate_pages)` */
export const __vunmap = kfn('__vunmap', function* (k: K, addr: bigint, deallocate_pages: number): Gen {
  const c = G(k).c;
  if (!addr) return;
  if (WARN_ON(k, ((c.PAGE_SIZE - 1n) & addr) !== 0n, V.bad, 'Trying to vfree() bad address')) return;
  const area = yield* remove_vm_area(k, addr);
  if (WARN_ON(k, area === null, V.none, 'Trying to vfree() nonexistent vm area')) return;
  // debug_check_no_locks_freed(addr, area->size): no lock objects live in mapped memory here.
  if (deallocate_pages) {
    const slots = area!.pageSlots();
    for (let i = 0; i < area!.nr_pages; i++) {
      yield V.page;
      const page = slots[i] ?? null;
      BUG_ON(k, page === null, V.page, '!page');
      k.w.mm.livePages.delete(page!);
    }
    if (area!.flags & VM_VPAGES) yield* vfree(k, area!.pagesAddr);
    else yield* kfree(k, area!.pages, V.kfree_pages);
  }
  yield* kfree(k, area, V.kfree);
});

const FV = sites('vfree', { bug: 'BUG_ON(in_interrupt())' });

/** `vfree(addr)`: may not be called in interrupt context. */
export const vfree = kfn('vfree', function* (k: K, addr: bigint): Gen {
  BUG_ON(k, in_interrupt(k), FV.bug, 'in_interrupt()');
  yield* __vunmap(k, addr, 1);
});

const UV = sites('vunmap', { bug: 'BUG_ON(in_interrupt())' });

/** `vunmap(addr)`: may not be called in interrupt context. */
export const vunmap = kfn('vunmap', function* (k: K, addr: bigint): Gen {
  BUG_ON(k, in_interrupt(k), UV.bug, 'in_interrupt()');
  yield* __vunmap(k, addr, 0);
});

/** `vmap(pages, count, VM_MAP, PAGE_KERNEL)`: 0n on failure. */
export const vmap = kfn('vmap', function* (k: K, pages: (number | null)[], count: number): Gen<bigint> {
  const c = G(k).c;
  if (count > k.w.layout.num_physpages) return 0n;
  const size = k.w.word.u(BigInt.asUintN(32, BigInt(count) << BigInt(c.PAGE_SHIFT))); // count << PAGE_SHIFT, unsigned int
  const area = yield* G(k).fn.__get_vm_area_node(k, size, VM_MAP, c.VMALLOC_START, c.VMALLOC_END, -1, GFP_KERNEL);
  if (area === null) return 0n;
  if (yield* map_vm_area(k, area.addr, area.size, { arr: pages, off: 0 })) {
    yield* vunmap(k, area.addr);
    return 0n;
  }
  return area.addr;
});

/** `vmalloc(size)` = __vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller). */
export const vmalloc = kfn('vmalloc', function* (k: K, size: bigint): Gen<bigint> {
  return yield* __vmalloc_node(k, size, GFP_KERNEL | __GFP_HIGHMEM, -1);
});

/** `__vmalloc_node(size, gfp_mask, prot, node, caller)` */
export const __vmalloc_node = kfn('__vmalloc_node', function* (k: K, size: bigint, gfp_mask: number, node: number): Gen<bigint> {
  const c = G(k).c;
  size = c.W.ALIGN(size, c.PAGE_SIZE);
  if (!size || size >> BigInt(c.PAGE_SHIFT) > BigInt(k.w.layout.num_physpages)) return 0n;
  const area = yield* G(k).fn.__get_vm_area_node(k, size, VM_ALLOC, c.VMALLOC_START, c.VMALLOC_END, node, gfp_mask);
  if (area === null) return 0n;
  return yield* __vmalloc_area_node(k, area, gfp_mask, node);
});

/**
 * `vmalloc` with an alignment: later kernels' `__vmalloc_node(size, align, GFP_KERNEL |
 * __GFP_HIGHMEM, PAGE_KERNEL, -1, caller)` (what lib/test_vmalloc.c's aligned tests reach
 * through `__vmalloc_node_range`). Not in the 2008 API; the 2008 __vmalloc_node (seed 004,
 * v2 declaration at 3957) with `align` passed to __get_vm_area_node (fn.__get_vm_area_node_align).
 */
export const vmalloc_align = kfn('vmalloc', function* (k: K, size: bigint, align: bigint): Gen<bigint> {
  return yield* __vmalloc_node_align(k, size, align, GFP_KERNEL | __GFP_HIGHMEM, -1);
});

/** `__vmalloc_node(size, align, gfp_mask, prot, node, caller)`: the 2008 body, `align` passed on. */
export const __vmalloc_node_align = kfn('__vmalloc_node', function* (k: K, size: bigint, align: bigint, gfp_mask: number, node: number): Gen<bigint> {
  const c = G(k).c;
  size = c.W.ALIGN(size, c.PAGE_SIZE);
  if (!size || size >> BigInt(c.PAGE_SHIFT) > BigInt(k.w.layout.num_physpages)) return 0n;
  const area = yield* G(k).fn.__get_vm_area_node_align(k, size, align, VM_ALLOC, c.VMALLOC_START, c.VMALLOC_END, node, gfp_mask);
  if (area === null) return 0n;
  return yield* __vmalloc_area_node(k, area, gfp_mask, node);
});

const VA = sites('__vmalloc_area_node', {
  array: 'pages = kmalloc_node(array_size, (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO, node)',
  kfree: 'kfree(area)',
  page: 'page = alloc_page(gfp_mask); area->pages[i] = page',
});

/** `__vmalloc_area_node`: allocate the pages array and the pages, then map them. */
export const __vmalloc_area_node = kfn('__vmalloc_area_node', function* (k: K, area: VmStruct, gfp_mask: number, node: number): Gen<bigint> {
  const c = G(k).c;
  const nr_pages = Number((area.size - c.PAGE_SIZE) >> BigInt(c.PAGE_SHIFT));
  const array_size = nr_pages * (k.w.layout.BITS_PER_LONG / 8);
  area.nr_pages = nr_pages;
  // Please note that the recursion is strictly bounded.
  if (BigInt(array_size) > c.PAGE_SIZE) {
    const addr = yield* __vmalloc_node(k, BigInt(array_size), gfp_mask | __GFP_ZERO, node);
    area.flags |= VM_VPAGES;
    if (addr) {
      area.pagesAddr = addr;
      area.vpages = new Array<number | null>(nr_pages).fill(null);
    }
  } else {
    area.pages = yield* kmalloc_node(k, VA.array, (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO, (id) => new PageArray(id, new Array<number | null>(nr_pages).fill(null)));
  }
  if (area.pages === null && area.vpages === null) {
    yield* remove_vm_area(k, area.addr);
    yield* kfree(k, area, VA.kfree);
    return 0n;
  }
  const slots = area.pageSlots();
  for (let i = 0; i < area.nr_pages; i++) {
    yield VA.page;
    if (allocAttempt(k, VA.page, gfp_mask, 'alloc_page')) {
      // Successfully allocated i pages, free them in __vunmap()
      area.nr_pages = i;
      yield* vfree(k, area.addr);
      return 0n;
    }
    slots[i] = k.w.mm.newPage();
  }
  if (yield* map_vm_area(k, area.addr, area.size, { arr: slots, off: 0 })) {
    yield* vfree(k, area.addr);
    return 0n;
  }
  return area.addr;
});
