/**
 * The `vanilla` variant: mm/vmalloc.c before "mm: rewrite vmap layer" (2.6.26, the `-` side
 * of the seed's first posting plus the unchanged context functions).
 *
 * One address-sorted singly linked `vmlist` under one rwlock, `vmlist_lock`, taken for
 * write on every allocation and free; a linear first-fit search with a guard page after
 * every area; and an eager unmap: __remove_vm_area clears the PTEs and calls
 * flush_tlb_kernel_range (an IPI to every other CPU) before it unlinks the area, all
 * under write_lock(&vmlist_lock). There are no vmap_areas, no lazy purging, no per-CPU
 * vmap blocks.
 *
 * API mapping (vanilla has none of the rewrite's interfaces):
 *  - vm_map_ram(pages, count, node, prot) is vmap(pages, count, VM_MAP, PAGE_KERNEL); the
 *    gfp argument is ignored (vmap allocates with GFP_KERNEL).
 *  - vm_unmap_ram(mem, count) is vunmap(mem); count is ignored.
 *  - vm_unmap_aliases() is a no-op: vanilla leaves no lazy aliases to flush.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import type { World } from '../../engine/world';
import type { AreaView, LayerView, Variant } from '../../engine/variant';
import { PAGE_KERNEL } from './page_range';
import { VM_FLAG_NAMES, VM_MAP, layer, newLayer } from './vm_struct';
import type { VmStruct } from './struct';
import { vfree, vmalloc, vmalloc_align, vmap, vunmap } from './vmalloc';

/** Entries of vmlist in list order, stopping at a cycle (no steps, no checks). */
function vmlistEntries(w: World): VmStruct[] {
  const out: VmStruct[] = [];
  const seen = new Set<VmStruct>();
  for (let p = layer(w).vmlist; p !== null && !seen.has(p); p = p.next) {
    seen.add(p);
    out.push(p);
  }
  return out;
}

function flagNames(flags: number): string[] {
  return VM_FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
}

/** The read-only view of vmlist for properties and reports. */
function view(w: World): LayerView {
  const word = w.word;
  const one = (v: VmStruct): AreaView => ({
    id: v.id,
    va_start: v.addr,
    va_end: word.add(v.addr, v.size),
    flags: flagNames(v.flags),
    vstart: v.vstart,
    vend: v.vend,
    // vanilla has no vmap_area lifecycle: a vm_struct on vmlist is simply allocated.
    state: 'allocated',
  });
  return {
    areaOf: (node) => ('addr' in node && 'vstart' in node ? one(node as VmStruct) : null),
    areas(): AreaView[] {
      return vmlistEntries(w)
        .map(one)
        .sort((a, b) => (a.va_start < b.va_start ? -1 : a.va_start > b.va_start ? 1 : 0));
    },
    structureProblems(): string[] {
      const problems: string[] = [];
      const seen = new Set<VmStruct>();
      let prev: VmStruct | null = null;
      for (let p = layer(w).vmlist; p !== null; p = p.next) {
        if (seen.has(p)) {
          problems.push(`vmlist: cycle: vm_struct#${p.id} reached twice`);
          break;
        }
        seen.add(p);
        if (p.freed) problems.push(`vmlist: freed vm_struct#${p.id} is still linked`);
        if (p.addr + p.size > word.max + 1n) problems.push(`vmlist: vm_struct#${p.id} at ${word.hex(p.addr)} size ${p.size} wraps past ULONG_MAX`);
        if (prev !== null) {
          if (p.addr <= prev.addr) problems.push(`vmlist: not sorted: vm_struct#${p.id} at ${word.hex(p.addr)} follows vm_struct#${prev.id} at ${word.hex(prev.addr)}`);
          else if (prev.addr + prev.size > p.addr) {
            problems.push(`vmlist: overlap: vm_struct#${prev.id} [${word.hex(prev.addr)}, +${prev.size}) runs into vm_struct#${p.id} at ${word.hex(p.addr)}`);
          }
        }
        prev = p;
      }
      return problems;
    },
    vmlist: () => ({
      head: () => layer(w).vmlist,
      next: (n) => (n as VmStruct).next,
      start: (n) => (n as VmStruct).addr,
      end: (n) => (n as VmStruct).addr + (n as VmStruct).size,
      freed: (n) => (n as VmStruct).freed,
      limit: word.max + 1n,
    }),
    blocks: () => [],
    lazyNr: () => null,
    lazyPages: () => 0,
    // 2.6.26's vfree unmaps and flushes at once: no vm_struct is ever lazily freed.
    lazyFreed: () => [],
    reachable(): Set<number> {
      const ids = new Set<number>();
      for (const v of vmlistEntries(w)) {
        ids.add(v.id);
        if (v.pages !== null) ids.add(v.pages.id);
      }
      return ids;
    },
    constants(): Record<string, string | number> {
      const L = w.layout;
      const PAGE_SIZE = 1n << BigInt(L.PAGE_SHIFT);
      return {
        PAGE_SIZE: Number(PAGE_SIZE),
        VMALLOC_START: word.hex(L.VMALLOC_START),
        VMALLOC_END: word.hex(L.VMALLOC_END),
        VMALLOC_PAGES: Number((L.VMALLOC_END - L.VMALLOC_START) / PAGE_SIZE),
        'guard pages per area': 1,
        IOREMAP_MAX_ORDER: L.IOREMAP_MAX_ORDER,
        num_physpages: L.num_physpages,
        'sizeof(struct page *)': L.BITS_PER_LONG / 8,
        'kmalloc pages array up to (pages)': Number(PAGE_SIZE) / (L.BITS_PER_LONG / 8),
      };
    },
  };
}

/** The vanilla (2.6.26) vmap layer. */
export const vanilla: Variant = {
  name: 'vanilla',
  description: '2.6.26 mm/vmalloc.c before the rewrite: vmlist first fit under write_lock(&vmlist_lock), guard pages, eager global TLB flush on every unmap',
  // Neither 'lazy-purge' nor 'percpu-blocks': every unmap flushes at once, no vmap blocks.
  features: [],
  init(w: World): void {
    w.layer = newLayer();
  },
  api: {
    vmalloc: (k, size) => vmalloc(k, size),
    vmalloc_align: (k, size, align) => vmalloc_align(k, size, align),
    vfree: (k, addr) => vfree(k, addr),
    vmap: (k, pages, count) => vmap(k, pages, count, VM_MAP, PAGE_KERNEL),
    vunmap: (k, addr) => vunmap(k, addr),
    // Divergence: vanilla has no vm_map_ram; mapped onto vmap(pages, count, VM_MAP, PAGE_KERNEL), gfp unused.
    vm_map_ram: (k, pages, count, _gfp) => vmap(k, pages, count, VM_MAP, PAGE_KERNEL),
    // Divergence: vanilla has no vm_unmap_ram; mapped onto vunmap(mem), count unused.
    vm_unmap_ram: (k, addr, _count) => vunmap(k, addr),
    // Divergence: vanilla has no vm_unmap_aliases; every unmap already flushed, so a no-op.
    *vm_unmap_aliases(_k: K): Gen {},
  },
  view,
};
