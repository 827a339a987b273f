/**
 * vanilla: the objects of the pre-rewrite layer — `struct vm_struct` (2.6.26) and the
 * `struct page **` array it points to — and the owner's read of an area, shared by the
 * vmlist code (vm_struct.ts) and the page-table code (page_range.ts), which call each other.
 */
import type { K } from '../../engine/exec';
import type { Site } from '../../exec/site';
import { oops } from '../../kernel/assert';
import { KObject } from '../../kernel/slab';
import type { ulong } from '../../kernel/word';

/**
 * A `struct page **` array: `slots[i]` is the pfn of `pages[i]` or null (NULL).
 * kmalloc_node'd arrays are slab objects; a VM_VPAGES array lives in vmalloc memory at
 * `vaddr` and is not a slab object (the model keeps its contents here, as a ghost).
 */
export class PageArray extends KObject {
  readonly slots: (number | null)[];
  constructor(id: number, n: number, readonly vaddr: ulong | null) {
    super('page_array', id);
    this.slots = new Array<number | null>(n).fill(null); // __GFP_ZERO
  }
}

/** `struct vm_struct` (2.6.26). */
export class VmStruct extends KObject {
  next: VmStruct | null = null;
  addr: ulong = 0n;
  size: ulong = 0n;
  flags = 0;
  pages: PageArray | null = null;
  nr_pages = 0;
  phys_addr: ulong = 0n;
  caller = '';
  // ghost: the [start, end) __get_vm_area_node searched, for the LayerView.
  vstart: ulong = 0n;
  vend: ulong = 0n;
  constructor(id: number) {
    super('vm_struct', id);
  }
}

/**
 * A read of `area->field` by its owner after a step: only a misuse (another CPU freeing the
 * same address) can have kfree'd it meanwhile; touching it then is a use-after-free.
 */
export function area_read(k: K, area: VmStruct, site: Site, field: string): VmStruct {
  if (area.freed) oops(k, site, `BUG: unable to handle kernel paging request: use-after-free of vm_struct#${area.id} via area->${field}`);
  return area;
}
