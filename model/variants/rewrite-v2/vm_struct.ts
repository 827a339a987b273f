/**
 * The old vmalloc interfaces on top of the rewritten allocator: `struct vm_struct`,
 * vmlist/vmlist_lock, __get_vm_area_node (with its guard page, VM_IOREMAP alignment and
 * its function-static `va`), find_vm_area, remove_vm_area.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites } from '../../exec/site';
import { BUG_ON, oops } from '../../kernel/assert';
import { fls } from '../../kernel/bitops';
import { in_interrupt } from '../../kernel/irq';
import { GFP_RECLAIM_MASK, KObject, kfree, kmalloc_node } from '../../kernel/slab';
import { write_lock, write_unlock } from '../../kernel/spinlock';
import { G, type VaSlot } from './state';
import { VM_VM_AREA, type VmapArea } from './vmap_area';
import type { PageArrayShape, VmStructShape } from './types';

/** vm_struct flags of include/linux/vmalloc.h (2.6.26). */
export const VM_IOREMAP = 0x00000001n;
/** `VM_ALLOC` */
export const VM_ALLOC = 0x00000002n;
/** `VM_MAP` */
export const VM_MAP = 0x00000004n;
/** `VM_VPAGES`: the pages array itself was vmalloc()ed. */
export const VM_VPAGES = 0x00000010n;

/** The pages array of a vmalloc area (kmalloc_node'd, or vmalloc'd when VM_VPAGES). */
export class PageArray extends KObject implements PageArrayShape {
  constructor(
    id: number,
    readonly slots: (number | null)[],
  ) {
    super('page_array', id);
  }
}

/** `struct vm_struct` */
export class VmStruct extends KObject implements VmStructShape {
  next: VmStruct | null = null;
  addr = 0n;
  size = 0n;
  flags = 0n;
  pages: PageArray | null = null;
  /** Address of a vmalloc()ed pages array (VM_VPAGES), whose slots live in `vpages`. */
  pagesAddr = 0n;
  vpages: (number | null)[] | null = null;
  nr_pages = 0;
  constructor(id: number) {
    super('vm_struct', id);
  }
  /** The `struct page **` contents, wherever the array lives. */
  pageSlots(): (number | null)[] {
    return this.pages?.slots ?? this.vpages ?? [];
  }
}

const GA = sites('__get_vm_area_node', {
  bug: 'BUG_ON(in_interrupt())',
  kmalloc: 'area = kmalloc_node(sizeof(*area), gfp_mask & GFP_RECLAIM_MASK, node)',
  store_va: 'va = alloc_vmap_area(size, align, start, end, node, gfp_mask)',
  is_err: 'if (IS_ERR(va))',
  kfree: 'kfree(area)',
  addr: 'area->addr = (void *)va->va_start',
  priv: 'va->private = area',
  flag: 'va->flags |= VM_VM_AREA',
  lock: 'write_lock(&vmlist_lock)',
  insert: 'for (p = &vmlist; (tmp = *p) != NULL; p = &tmp->next) ...; area->next = *p; *p = area',
  unlock: 'write_unlock(&vmlist_lock)',
});

/**
 * `va->...` through the function-static `va`: another CPU may have stored an ERR_PTR (its
 * allocation failed) or nothing yet; dereferencing that faults, as it would in C.
 */
function staticVa(k: K, slot: VaSlot, site: Parameters<typeof oops>[1], what: string): VmapArea {
  const v = slot.v;
  if (v === null) oops(k, site, `BUG: unable to handle kernel NULL pointer dereference (${what}: static va is NULL)`);
  if (typeof v === 'number') oops(k, site, `BUG: unable to handle kernel paging request at ${k.w.word.hex(k.w.word.u(BigInt(v)))} (${what} through ERR_PTR(${v}) another CPU left in the static va)`);
  return v;
}

/**
 * `__get_vm_area_node`. `va` is `static` in the seed: one variable shared by every CPU, so
 * each access to it is a separate step (a source-level data race; whether a compiled kernel
 * shows it depends on whether gcc reloads the static — see docs/port-map.md).
 */
export const __get_vm_area_node = kfn('__get_vm_area_node', (k: K, size: bigint, flags: bigint, start: bigint, end: bigint, node: number, gfp_mask: number): Gen<VmStruct | null> =>
  // unsigned long align = 1; (the body's generator is returned, not delegated to: no extra frame per step)
  getVmAreaNode(k, size, 1n, flags, start, end, node, gfp_mask),
);

/**
 * The aligned entry point the 2008 seed lacks: later kernels' `__get_vm_area_node(size,
 * align, flags, start, end, node, gfp_mask, caller)`, whose `align` is the caller's (VM_IOREMAP
 * still overrides it). Built on this variant's own 2008 body (seed 004, v2 lines 3787-3867:
 * `unsigned long align = 1;` at 3794 becomes the parameter; everything else, the static `va`
 * included, is the 2008 code), so `align` reaches alloc_vmap_area(size, align, ...) and its
 * `addr = ALIGN(vstart, align)` / `ALIGN(first->va_end + PAGE_SIZE, align)` /
 * `BUG_ON(addr & (align-1))` as the C's. The same frame name: the C function is the same.
 */
export const __get_vm_area_node_align = kfn('__get_vm_area_node', (k: K, size: bigint, align: bigint, flags: bigint, start: bigint, end: bigint, node: number, gfp_mask: number): Gen<VmStruct | null> =>
  getVmAreaNode(k, size, align, flags, start, end, node, gfp_mask),
);

/** The body of both: `align` is 1 in the 2008 function, the caller's in the aligned one. */
function* getVmAreaNode(k: K, size: bigint, align: bigint, flags: bigint, start: bigint, end: bigint, node: number, gfp_mask: number): Gen<VmStruct | null> {
  const g = G(k);
  const { W, PAGE_SIZE, PAGE_SHIFT } = g.c;
  BUG_ON(k, in_interrupt(k), GA.bug, 'in_interrupt()');
  if (flags & VM_IOREMAP) {
    let bit = fls(Number(BigInt.asIntN(32, size))); // int bit = fls(size): fls takes an int
    if (bit > k.w.layout.IOREMAP_MAX_ORDER) bit = k.w.layout.IOREMAP_MAX_ORDER;
    else if (bit < PAGE_SHIFT) bit = PAGE_SHIFT;
    align = 1n << BigInt(bit);
  }
  size = W.ALIGN(size, PAGE_SIZE); // PAGE_ALIGN
  if (size === 0n) return null;
  const area = yield* kmalloc_node(k, GA.kmalloc, gfp_mask & GFP_RECLAIM_MASK, (id) => new VmStruct(id));
  if (area === null) return null;
  size = W.add(size, PAGE_SIZE); // We always allocate a guard page.
  const slot = g.fn.__get_vm_area_node_va(k);
  const va = yield* g.fn.alloc_vmap_area(k, size, align, start, end, node, gfp_mask);
  yield GA.store_va;
  slot.v = va;
  yield GA.is_err;
  if (typeof slot.v === 'number' || slot.v === null) {
    yield* kfree(k, area, GA.kfree);
    return null;
  }
  area.flags = flags;
  yield GA.addr;
  if (slot.v !== va) k.w.note('F9'); // ghost: another CPU overwrote the static
  area.addr = staticVa(k, slot, GA.addr, 'va->va_start').va_start;
  area.size = size;
  yield GA.priv;
  if (slot.v !== va) k.w.note('F9');
  staticVa(k, slot, GA.priv, 'va->private = area').private_ = area;
  yield GA.flag;
  if (slot.v !== va) k.w.note('F9');
  staticVa(k, slot, GA.flag, 'va->flags |= VM_VM_AREA').flags |= VM_VM_AREA;
  k.w.dirty = true;
  yield* write_lock(k, g.vmlist_lock, GA.lock);
  yield GA.insert;
  // `struct vm_struct **p`: the slot is vmlist itself while `pn` (the node owning p) is null.
  let pn: VmStruct | null = null;
  for (let tmp = g.vmlist; tmp !== null; tmp = pn.next) {
    if (tmp.addr >= area.addr) break;
    pn = tmp;
  }
  area.next = pn === null ? g.vmlist : pn.next;
  if (pn === null) g.vmlist = area;
  else pn.next = area;
  yield* write_unlock(k, g.vmlist_lock, GA.unlock);
  return area;
}

/** The seed's storage for `va`: `static struct vmap_area *va;`, one slot for every CPU (F9). */
export function static_va(k: K): VaSlot {
  return G(k).static_va;
}

/** `find_vm_area(addr)` */
export const find_vm_area = kfn('find_vm_area', function* (k: K, addr: bigint): Gen<VmStruct | null> {
  const va = yield* G(k).fn.find_vmap_area(k, addr);
  if (va && va.flags & VM_VM_AREA) return va.private_;
  return null;
});

const RM = sites('remove_vm_area', {
  test: 'if (va && va->flags & VM_VM_AREA)',
  size: 'vm->size -= PAGE_SIZE',
  lock: 'write_lock(&vmlist_lock)',
  unlink: 'for (p = &vmlist; (tmp = *p) != vm; p = &tmp->next) ; *p = tmp->next',
  unlock: 'write_unlock(&vmlist_lock)',
});

/** `remove_vm_area(addr)`: lazily frees the KVA and unlinks the vm_struct. */
export const remove_vm_area = kfn('remove_vm_area', function* (k: K, addr: bigint): Gen<VmStruct | null> {
  const g = G(k);
  const va = yield* g.fn.find_vmap_area(k, addr);
  yield RM.test;
  if (va && va.flags & VM_VM_AREA) {
    if (va.freed) oops(k, RM.test, `BUG: unable to handle kernel paging request: use-after-free of vmap_area#${va.id}`);
    const vm = va.private_;
    yield* g.fn.remove_vm_area_untag(k, va);
    yield* g.fn.free_unmap_vmap_area(k, va);
    yield RM.size;
    // After the static-va race (F9) VM_VM_AREA can be set on a va whose private was never
    // stored: `vm->size -= PAGE_SIZE` then dereferences NULL, as the C would.
    if (vm === null) oops(k, RM.size, `BUG: unable to handle kernel NULL pointer dereference at vm->size (va->private of vmap_area#${va.id} is NULL)`);
    if (vm.freed) oops(k, RM.size, `BUG: unable to handle kernel paging request: use-after-free of vm_struct#${vm.id} (va->private)`);
    vm.size = g.c.W.sub(vm.size, g.c.PAGE_SIZE);
    yield* write_lock(k, g.vmlist_lock, RM.lock);
    yield RM.unlink;
    // `struct vm_struct **p`: the slot is vmlist itself while `pn` (the node owning p) is null.
    let pn: VmStruct | null = null;
    let tmp = g.vmlist;
    while (tmp !== vm) {
      if (tmp === null) oops(k, RM.unlink, 'BUG: unable to handle kernel NULL pointer dereference: vm_struct not on vmlist');
      pn = tmp;
      tmp = pn.next;
    }
    if (pn === null) g.vmlist = tmp.next;
    else pn.next = tmp.next;
    k.w.dirty = true;
    yield* write_unlock(k, g.vmlist_lock, RM.unlock);
    return vm;
  }
  return null;
});

/**
 * Fix point: what remove_vm_area does to the area's tag before freeing it (2008: nothing, so
 * a second remove_vm_area of the same address, while the area waits for its purge, finds
 * VM_VM_AREA still set and uses the freed vm_struct; F14 clears it).
 */
export function* remove_vm_area_untag(_k: K, _va: VmapArea): Gen {}
