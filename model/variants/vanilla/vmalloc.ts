/**
 * vanilla: the vmalloc.h entry points of 2.6.26 mm/vmalloc.c — vmalloc / __vmalloc_node /
 * __vmalloc_area_node, vfree / vunmap / __vunmap and vmap — unchanged context of the seed's
 * diff, ported from the pre-rewrite file (the seed's base, ~2.6.26/2.6.27-rc).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import { BUG_ON, oops, splat } from '../../kernel/assert';
import { in_interrupt } from '../../kernel/irq';
import { GFP_KERNEL, GFP_RECLAIM_MASK, __GFP_HIGHMEM, __GFP_ZERO, allocAttempt, kfree, kmalloc_node } from '../../kernel/slab';
import type { ulong } from '../../kernel/word';
import { PAGE_KERNEL, map_vm_area, type PagesCursor, type PgProt } from './page_range';
import { PAGE_SIZE, VM_ALLOC, VM_VPAGES, __get_vm_area_node, __get_vm_area_node_align, get_vm_area_caller, remove_vm_area } from './vm_struct';
import { PageArray, area_read, type VmStruct } from './struct';

/** Read `area->pages[i]` (a NULL or freed array is an oops). */
function page_slot(k: K, pages: PageArray | null, i: number, site: Site): number | null {
  if (pages === null) oops(k, site, 'BUG: unable to handle kernel NULL pointer dereference via area->pages');
  if (pages.freed) oops(k, site, `BUG: unable to handle kernel paging request: use-after-free of page_array#${pages.id} via area->pages`);
  if (i < 0 || i >= pages.slots.length) oops(k, site, `BUG: unable to handle kernel paging request: area->pages[${i}] out of bounds`);
  return pages.slots[i]!;
}

const V = sites('__vunmap', {
  bad_addr: 'printk(KERN_ERR "Trying to vfree() bad address (%p)\\n", addr); WARN_ON(1)',
  nonexistent: 'printk(KERN_ERR "Trying to vfree() nonexistent vm area (%p)\\n", addr); WARN_ON(1)',
  page: 'struct page *page = area->pages[i]; BUG_ON(!page)',
  free_page: '__free_page(page)',
  kfree_pages: 'kfree(area->pages)',
  kfree_area: 'kfree(area)',
});

/** `printk(KERN_ERR ...); WARN_ON(1);` (2.6.27 spells it `WARN(1, KERN_ERR ...)`). */
function printk_warn(k: K, site: Site, msg: string): void {
  k.w.report(splat(k, 'WARN', site, `${msg}; WARNING: WARN_ON(1)`));
}

/** `__vunmap(addr, deallocate_pages)` */
const __vunmap = kfn('__vunmap', function* (k: K, addr: ulong, deallocate_pages: boolean): Gen {
  if (addr === 0n) return;
  const hex = k.w.word.hex(addr);
  if ((PAGE_SIZE(k.w) - 1n) & addr) {
    printk_warn(k, V.bad_addr, `Trying to vfree() bad address (${hex})`);
    return;
  }

  const area = yield* remove_vm_area(k, addr);
  if (area === null) {
    printk_warn(k, V.nonexistent, `Trying to vfree() nonexistent vm area (${hex})`);
    return;
  }

  // debug_check_no_locks_freed / debug_check_no_obj_freed(addr, area->size): no lock or
  // debug object lives in vmalloc memory in the model, so both are no-ops.

  if (deallocate_pages) {
    // area is off vmlist and private to this CPU: reading it is not a step.
    for (let i = 0; i < area.nr_pages; i++) {
      const page = page_slot(k, area.pages, i, V.page);
      BUG_ON(k, page === null, V.page, '!page');
      yield V.free_page; // the page allocator is shared
      k.w.mm.livePages.delete(page!); // __free_page(page)
    }
    if (area.flags & VM_VPAGES) {
      yield* vfree(k, area.pages!.vaddr!); // vfree(area->pages)
      area.pages!.freed = true; // ghost: the array's storage went with that vfree
    } else yield* kfree(k, area.pages, V.kfree_pages);
  }

  yield* kfree(k, area, V.kfree_area);
});

const VF = sites('vfree', { bug: 'BUG_ON(in_interrupt())' });

/** `vfree(addr)` */
export const vfree: (k: K, addr: ulong) => Gen = kfn('vfree', function* (k: K, addr: ulong): Gen {
  BUG_ON(k, in_interrupt(k), VF.bug, 'in_interrupt()');
  yield* __vunmap(k, addr, true);
});

const VU = sites('vunmap', { bug: 'BUG_ON(in_interrupt())' });

/** `vunmap(addr)` */
export const vunmap = kfn('vunmap', function* (k: K, addr: ulong): Gen {
  BUG_ON(k, in_interrupt(k), VU.bug, 'in_interrupt()');
  yield* __vunmap(k, addr, false);
});

const VM = sites('vmap', {
  vunmap: 'vunmap(area->addr)',
  ret: 'return area->addr',
});

/** `vmap(pages, count, flags, prot)`: NULL (0n) on failure. */
export const vmap = kfn('vmap', function* (k: K, pages: readonly (number | null)[], count: number, flags: number, prot: PgProt): Gen<ulong> {
  const L = k.w.layout;
  if (count > L.num_physpages) return 0n;
  // `count << PAGE_SHIFT` is computed in unsigned int (32 bits), then widened, as in C.
  const size = BigInt((count << L.PAGE_SHIFT) >>> 0);
  const area = yield* get_vm_area_caller(k, size, flags, 'vmap');
  if (area === null) return 0n;
  const cursor: PagesCursor = { arr: pages, owner: null, i: 0 }; // &pages
  if (yield* map_vm_area(k, area, prot, cursor)) {
    yield* vunmap(k, area_read(k, area, VM.vunmap, 'addr').addr);
    return 0n;
  }
  return area_read(k, area, VM.ret, 'addr').addr;
});

const A = sites('__vmalloc_area_node', {
  nr_pages: 'nr_pages = (area->size - PAGE_SIZE) >> PAGE_SHIFT',
  kmalloc: 'pages = kmalloc_node(array_size, (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO, node)',
  kfree_area: 'kfree(area)',
  alloc_page: 'page = alloc_page(gfp_mask)',
  assign: 'area->pages = pages; area->caller = caller',
  store: 'area->pages[i] = page',
  fail: 'fail: vfree(area->addr)',
  ret: 'return area->addr',
});

/** `__vmalloc_area_node(area, gfp_mask, prot, node, caller)` */
const __vmalloc_area_node = kfn('__vmalloc_area_node', function* (
  k: K, area: VmStruct, gfp_mask: number, prot: PgProt, node: number, caller: string,
): Gen<ulong> {
  const w = k.w.word;
  const L = k.w.layout;
  // unsigned int nr_pages, array_size: 32-bit arithmetic, as in C.
  const nr_pages = Number(BigInt.asUintN(32, w.shr(w.sub(area_read(k, area, A.nr_pages, 'size').size, PAGE_SIZE(k.w)), L.PAGE_SHIFT)));
  const array_size = Math.imul(nr_pages, L.BITS_PER_LONG / 8) >>> 0; // nr_pages * sizeof(struct page *)
  let pages: PageArray | null;

  // area is on vmlist, but only this CPU reads or writes its nr_pages/pages/flags/caller
  // (other CPUs' vmlist walks read addr and size only), so these stores are not steps.
  area.nr_pages = nr_pages;
  // Please note that the recursion is strictly bounded.
  if (BigInt(array_size) > PAGE_SIZE(k.w)) {
    const va = yield* __vmalloc_node(k, BigInt(array_size), gfp_mask | __GFP_ZERO, PAGE_KERNEL, node, caller);
    // ghost: the array's contents live in the vmalloc'd pages at `va`; the model keeps them here.
    pages = va === 0n ? null : new PageArray(k.w.slab.newId(), nr_pages, va);
    area.flags |= VM_VPAGES;
  } else {
    pages = yield* kmalloc_node(k, A.kmalloc, (gfp_mask & GFP_RECLAIM_MASK) | __GFP_ZERO, (id) => new PageArray(id, nr_pages, null));
  }
  area_read(k, area, A.assign, 'pages').pages = pages;
  area.caller = caller;
  if (area.pages === null) {
    yield* remove_vm_area(k, area.addr);
    yield* kfree(k, area, A.kfree_area);
    return 0n;
  }

  let failed = false;
  for (let i = 0; i < area_read(k, area, A.alloc_page, 'nr_pages').nr_pages; i++) {
    // node < 0 ? alloc_page(gfp_mask) : alloc_pages_node(node, gfp_mask, 0): the same
    // page allocator in the model. One step: the allocator (and its fault plan) is shared.
    yield A.alloc_page;
    if (allocAttempt(k, A.alloc_page, gfp_mask, node < 0 ? 'alloc_page' : 'alloc_pages_node')) {
      // Successfully allocated i pages, free them in __vunmap()
      area.nr_pages = i;
      failed = true; // goto fail
      break;
    }
    const page = k.w.mm.newPage();
    page_slot(k, area_read(k, area, A.store, 'pages').pages, i, A.store);
    area.pages.slots[i] = page;
  }

  if (!failed) {
    const cursor: PagesCursor = { arr: pages!.slots, owner: pages, i: 0 }; // &pages
    if (!(yield* map_vm_area(k, area, prot, cursor))) return area_read(k, area, A.ret, 'addr').addr;
  }

  // fail:
  yield* vfree(k, area_read(k, area, A.fail, 'addr').addr);
  return 0n;
});

/** `__vmalloc_node(size, gfp_mask, prot, node, caller)` */
const __vmalloc_node: (k: K, size: ulong, gfp_mask: number, prot: PgProt, node: number, caller: string) => Gen<ulong> = kfn(
  '__vmalloc_node',
  function* (k: K, size: ulong, gfp_mask: number, prot: PgProt, node: number, caller: string): Gen<ulong> {
    const L = k.w.layout;
    size = k.w.word.ALIGN(size, PAGE_SIZE(k.w)); // PAGE_ALIGN(size)
    if (size === 0n || size >> BigInt(L.PAGE_SHIFT) > BigInt(L.num_physpages)) return 0n;
    const area = yield* __get_vm_area_node(k, size, VM_ALLOC, L.VMALLOC_START, L.VMALLOC_END, node, gfp_mask, caller);
    if (area === null) return 0n;
    return yield* __vmalloc_area_node(k, area, gfp_mask, prot, node, caller);
  },
);

/**
 * `__vmalloc_node(size, align, gfp_mask, prot, node, caller)` of later kernels: the 2008 body
 * above with `align` passed to __get_vm_area_node (see __get_vm_area_node_align).
 */
const __vmalloc_node_align: (k: K, size: ulong, align: ulong, gfp_mask: number, prot: PgProt, node: number, caller: string) => Gen<ulong> = kfn(
  '__vmalloc_node',
  function* (k: K, size: ulong, align: ulong, gfp_mask: number, prot: PgProt, node: number, caller: string): Gen<ulong> {
    const L = k.w.layout;
    size = k.w.word.ALIGN(size, PAGE_SIZE(k.w)); // PAGE_ALIGN(size)
    if (size === 0n || size >> BigInt(L.PAGE_SHIFT) > BigInt(L.num_physpages)) return 0n;
    const area = yield* __get_vm_area_node_align(k, size, align, VM_ALLOC, L.VMALLOC_START, L.VMALLOC_END, node, gfp_mask, caller);
    if (area === null) return 0n;
    return yield* __vmalloc_area_node(k, area, gfp_mask, prot, node, caller);
  },
);

/** An aligned vmalloc (not in 2.6.26): `__vmalloc_node(size, align, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller)`. */
export const vmalloc_align = kfn('vmalloc', function* (k: K, size: ulong, align: ulong): Gen<ulong> {
  return yield* __vmalloc_node_align(k, size, align, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, 'vmalloc');
});

/** `vmalloc(size)`: `__vmalloc_node(size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, caller)`. */
export const vmalloc = kfn('vmalloc', function* (k: K, size: ulong): Gen<ulong> {
  return yield* __vmalloc_node(k, size, GFP_KERNEL | __GFP_HIGHMEM, PAGE_KERNEL, -1, 'vmalloc');
});
