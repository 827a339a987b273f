/**
 * vanilla: `struct vm_struct`, the global `vmlist` under `vmlist_lock`, and the functions
 * that allocate, find and remove vm_structs — 2.6.26 mm/vmalloc.c as the `-` side of the
 * seed's first posting of "mm: rewrite vmap layer" shows it (the pre-rewrite layer).
 *
 * There is no vmap_area here: the kernel virtual address space is described only by the
 * address-sorted singly linked `vmlist`, searched first-fit under write_lock(&vmlist_lock).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { kfn } from '../../exec/gen';
import { sites, type Site } from '../../exec/site';
import type { World } from '../../engine/world';
import { BUG_ON, oops } from '../../kernel/assert';
import { fls } from '../../kernel/bitops';
import { in_interrupt } from '../../kernel/irq';
import { GFP_KERNEL, GFP_RECLAIM_MASK, kfree, kmalloc_node } from '../../kernel/slab';
import { Lock, write_lock, write_unlock } from '../../kernel/spinlock';
import type { ulong } from '../../kernel/word';
import { unmap_vm_area } from './page_range';
import { VmStruct } from './struct';

/** include/linux/vmalloc.h (2.6.26) vm_struct flags. */
export const VM_IOREMAP = 0x00000001;
export const VM_ALLOC = 0x00000002;
export const VM_MAP = 0x00000004;
export const VM_USERMAP = 0x00000008;
export const VM_VPAGES = 0x00000010;
export const VM_FLAG_NAMES: readonly (readonly [number, string])[] = [
  [VM_IOREMAP, 'VM_IOREMAP'],
  [VM_ALLOC, 'VM_ALLOC'],
  [VM_MAP, 'VM_MAP'],
  [VM_USERMAP, 'VM_USERMAP'],
  [VM_VPAGES, 'VM_VPAGES'],
];

/** The variant's globals: `struct vm_struct *vmlist` and `DEFINE_RWLOCK(vmlist_lock)`. */
export interface VanillaLayer {
  vmlist: VmStruct | null;
  readonly vmlist_lock: Lock;
}

/** Fresh globals (vanilla has no vmalloc_init: both are statically initialised). */
export function newLayer(): VanillaLayer {
  return { vmlist: null, vmlist_lock: new Lock('vmlist_lock', 'vmlist_lock', true) };
}

/** The variant's globals of a run. */
export function layer(w: World): VanillaLayer {
  return w.layer as VanillaLayer;
}

/** `PAGE_SIZE` as an unsigned long. */
export function PAGE_SIZE(w: World): ulong {
  return 1n << BigInt(w.layout.PAGE_SHIFT);
}

/** Follow a `struct vm_struct *` read from vmlist: a freed one is a use-after-free. */
function live(k: K, tmp: VmStruct, site: Site): VmStruct {
  if (tmp.freed) oops(k, site, `BUG: unable to handle kernel paging request: vmlist walk reads freed vm_struct#${tmp.id}`);
  return tmp;
}

const G = sites('__get_vm_area_node', {
  bug: 'BUG_ON(in_interrupt())',
  kmalloc: 'area = kmalloc_node(sizeof(*area), gfp_mask & GFP_RECLAIM_MASK, node)',
  lock: 'write_lock(&vmlist_lock)',
  search: 'for (p = &vmlist; (tmp = *p) != NULL ;p = &tmp->next) { ... goto found / goto out }',
  found: 'found: area->next = *p; *p = area; area->flags = flags; area->addr = (void *)addr; area->size = size; ...',
  unlock: 'write_unlock(&vmlist_lock)',
  out_unlock: 'out: write_unlock(&vmlist_lock)',
  out_kfree: 'kfree(area)',
});

/** `__get_vm_area_node(size, flags, start, end, node, gfp_mask, caller)`: first fit on vmlist. */
export const __get_vm_area_node = kfn('__get_vm_area_node', (
  k: K, size: ulong, flags: number, start: ulong, end: ulong, node: number, gfp_mask: number, caller: string,
): Gen<VmStruct | null> =>
  // unsigned long align = 1; (the body's generator is returned, not delegated to: no extra frame per step)
  getVmAreaNode(k, size, 1n, flags, start, end, node, gfp_mask, caller),
);

/**
 * The aligned entry point 2.6.26 lacks: later kernels' `__get_vm_area_node(size, align,
 * flags, start, end, node, gfp_mask, caller)` (the caller's `align`, VM_IOREMAP overriding
 * it), on this variant's own first fit (seed 004, `-` lines: `unsigned long align = 1;` at
 * 411 becomes the parameter; `1ul << bit` at 1057 still overrides it for VM_IOREMAP; `addr =
 * ALIGN(start, align)` at 1059 and `addr = ALIGN(tmp->size + (unsigned long)tmp->addr, align)`
 * at 1078-1086 are the 2008 code). The same frame name: the C function is the same.
 */
export const __get_vm_area_node_align = kfn('__get_vm_area_node', (
  k: K, size: ulong, align: ulong, flags: number, start: ulong, end: ulong, node: number, gfp_mask: number, caller: string,
): Gen<VmStruct | null> => getVmAreaNode(k, size, align, flags, start, end, node, gfp_mask, caller));

/** The body of both: `align` is 1 in the 2008 function, the caller's in the aligned one. */
function* getVmAreaNode(k: K, size: ulong, align: ulong, flags: number, start: ulong, end: ulong, node: number, gfp_mask: number, caller: string): Gen<VmStruct | null> {
  const w = k.w.word;
  const L = k.w.layout;
  const l = layer(k.w);

  BUG_ON(k, in_interrupt(k), G.bug, 'in_interrupt()');
  if (flags & VM_IOREMAP) {
    // fls() takes an int: the unsigned long size is truncated to 32 bits, as in C.
    let bit = fls(Number(BigInt.asUintN(32, size)));
    if (bit > L.IOREMAP_MAX_ORDER) bit = L.IOREMAP_MAX_ORDER;
    else if (bit < L.PAGE_SHIFT) bit = L.PAGE_SHIFT;
    align = w.shl(1n, bit);
  }
  let addr = w.ALIGN(start, align);
  size = w.ALIGN(size, PAGE_SIZE(k.w)); // PAGE_ALIGN(size)
  if (size === 0n) return null;

  const area = yield* kmalloc_node(k, G.kmalloc, gfp_mask & GFP_RECLAIM_MASK, (id) => new VmStruct(id));
  if (area === null) return null;

  // We always allocate a guard page. (No `if (!size)` re-check in this version: wraps stay.)
  size = w.add(size, PAGE_SIZE(k.w));

  yield* write_lock(k, l.vmlist_lock, G.lock);
  // The whole first-fit walk is ONE step: it runs under write_lock(&vmlist_lock) and reads
  // only vmlist and the vm_structs' addr/size, which every writer changes under that lock.
  yield G.search;
  let prev: VmStruct | null = null; // p == &prev->next, or &vmlist while prev is null
  let found = false;
  search: {
    for (let tmp = l.vmlist; tmp !== null; prev = tmp, tmp = tmp.next) {
      live(k, tmp, G.search);
      if (tmp.addr < addr) {
        if (w.add(tmp.addr, tmp.size) >= addr) addr = w.ALIGN(w.add(tmp.size, tmp.addr), align);
        continue;
      }
      if (w.add(size, addr) < addr) break search; // goto out
      if (w.add(size, addr) <= tmp.addr) {
        found = true; // goto found
        break search;
      }
      addr = w.ALIGN(w.add(tmp.size, tmp.addr), align);
      if (addr > w.sub(end, size)) break search; // goto out
    }
    if (w.add(size, addr) < addr) break search; // goto out
    if (addr > w.sub(end, size)) break search; // goto out
    found = true;
  }

  if (found) {
    // Still under vmlist_lock; a second step so traces show where the area was linked.
    yield G.found;
    area.next = prev === null ? l.vmlist : prev.next;
    if (prev === null) l.vmlist = area;
    else prev.next = area;
    area.flags = flags;
    area.addr = addr;
    area.size = size;
    area.pages = null;
    area.nr_pages = 0;
    area.phys_addr = 0n;
    area.caller = caller;
    area.vstart = start; // ghost
    area.vend = end; // ghost
    k.w.dirty = true;
    k.w.changes.area(area, true); // ghost: linked on vmlist
    yield* write_unlock(k, l.vmlist_lock, G.unlock);
    return area;
  }

  // out:
  k.w.recordAllocFailure(k, size, align, start, end); // ghost, for alloc_fails_only_when_full
  yield* write_unlock(k, l.vmlist_lock, G.out_unlock);
  yield* kfree(k, area, G.out_kfree);
  // printk_ratelimit() "allocation failed: out of vmalloc space": a log line, not a WARN.
  return null;
}

/** `__get_vm_area(size, flags, start, end)` */
export const __get_vm_area = kfn('__get_vm_area', function* (k: K, size: ulong, flags: number, start: ulong, end: ulong): Gen<VmStruct | null> {
  return yield* __get_vm_area_node(k, size, flags, start, end, -1, GFP_KERNEL, '__get_vm_area');
});

/** `get_vm_area(size, flags)` */
export const get_vm_area = kfn('get_vm_area', function* (k: K, size: ulong, flags: number): Gen<VmStruct | null> {
  return yield* __get_vm_area_node(k, size, flags, k.w.layout.VMALLOC_START, k.w.layout.VMALLOC_END, -1, GFP_KERNEL, 'get_vm_area');
});

/** `get_vm_area_caller(size, flags, caller)` (what vmap uses). */
export const get_vm_area_caller = kfn('get_vm_area_caller', function* (k: K, size: ulong, flags: number, caller: string): Gen<VmStruct | null> {
  return yield* __get_vm_area_node(k, size, flags, k.w.layout.VMALLOC_START, k.w.layout.VMALLOC_END, -1, GFP_KERNEL, caller);
});

const F = sites('__find_vm_area', {
  search: 'for (tmp = vmlist; tmp != NULL; tmp = tmp->next) if (tmp->addr == addr) break;',
});

/** `__find_vm_area(addr)`: caller must hold vmlist_lock (vmalloc_user & co; the API here does not call it). */
export const __find_vm_area = kfn('__find_vm_area', function* (k: K, addr: ulong): Gen<VmStruct | null> {
  yield F.search; // one step: the caller holds vmlist_lock
  let tmp: VmStruct | null;
  for (tmp = layer(k.w).vmlist; tmp !== null; tmp = tmp.next) {
    if (live(k, tmp, F.search).addr === addr) break;
  }
  return tmp;
});

const R = sites('__remove_vm_area', {
  search: 'for (p = &vmlist ; (tmp = *p) != NULL ;p = &tmp->next) if (tmp->addr == addr) goto found;',
  unlink: '*p = tmp->next; tmp->size -= PAGE_SIZE;',
});

/** `__remove_vm_area(addr)`: caller must hold vmlist_lock. Unmaps (with the TLB flush) before unlinking. */
export const __remove_vm_area = kfn('__remove_vm_area', function* (k: K, addr: ulong): Gen<VmStruct | null> {
  const l = layer(k.w);
  yield R.search; // one step: under write_lock(&vmlist_lock)
  let prev: VmStruct | null = null;
  let tmp: VmStruct | null;
  for (tmp = l.vmlist; tmp !== null; prev = tmp, tmp = tmp.next) {
    if (live(k, tmp, R.search).addr === addr) break;
  }
  if (tmp === null) return null;

  // found:
  // ghost: the user released [addr, addr + size) (guard page included): tell the alias
  // tracker before unmap_vm_area clears the PTEs.
  const mm = k.w.mm;
  const first = mm.vpn(tmp.addr);
  const n = Number(tmp.size >> BigInt(k.w.layout.PAGE_SHIFT));
  for (let i = 0; i < n; i++) mm.alias.release(first + i, k.w.stepNo);

  yield* unmap_vm_area(k, tmp);
  // `*p = tmp->next` and the guard-page removal are one step: both under vmlist_lock,
  // and tmp is off the list (private to this CPU) once unlinked.
  yield R.unlink;
  if (prev === null) l.vmlist = tmp.next;
  else prev.next = tmp.next;
  k.w.dirty = true;
  k.w.changes.area(tmp, false); // ghost: unlinked from vmlist
  // Remove the guard page.
  tmp.size = k.w.word.sub(tmp.size, PAGE_SIZE(k.w));
  return tmp;
});

const RV = sites('remove_vm_area', {
  lock: 'write_lock(&vmlist_lock)',
  unlock: 'write_unlock(&vmlist_lock)',
});

/** `remove_vm_area(addr)` */
export const remove_vm_area = kfn('remove_vm_area', function* (k: K, addr: ulong): Gen<VmStruct | null> {
  const l = layer(k.w);
  yield* write_lock(k, l.vmlist_lock, RV.lock);
  const v = yield* __remove_vm_area(k, addr);
  yield* write_unlock(k, l.vmlist_lock, RV.unlock);
  return v;
});
