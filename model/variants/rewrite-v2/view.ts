/**
 * Read-only view of the rewrite's structures for properties and reports. Pure: no steps,
 * no writes, no checks that could oops.
 */
import type { World } from '../../engine/world';
import { bitmap_weight } from '../../kernel/bitmap';
import { fls } from '../../kernel/bitops';
import { ListHead, listEntries } from '../../kernel/list';
import { rbCheck, rb_first, rb_next } from '../../kernel/rbtree';
import type { AreaView, BlockView, LayerView, TreeStructure } from '../../engine/variant';
import type { Rw } from './state';
import { VM_LAZY_FREE, VM_LAZY_FREEING, VM_VM_AREA, type VmapArea } from './vmap_area';
import type { VmapBlock } from './vmap_block';
import type { VmStruct } from './vm_struct';

function flagNames(f: bigint): string[] {
  const out: string[] = [];
  if (f & VM_LAZY_FREE) out.push('VM_LAZY_FREE');
  if (f & VM_LAZY_FREEING) out.push('VM_LAZY_FREEING');
  if (f & VM_VM_AREA) out.push('VM_VM_AREA');
  return out;
}

function treeAreas(g: Rw): VmapArea[] {
  const out: VmapArea[] = [];
  for (let n = rb_first(g.vmap_area_root); n && out.length < 1 << 20; n = rb_next(n)) out.push(n as VmapArea);
  return out;
}

function onList(head: ListHead, e: ListHead): boolean {
  return listEntries(head).includes(e);
}

function areaView(va: VmapArea): AreaView {
  return { id: va.id, va_start: va.va_start, va_end: va.va_end, flags: flagNames(va.flags), vstart: va.vstart, vend: va.vend, state: va.life.stateName };
}

/**
 * The rewrite's LayerView. A class rather than an object of closures: a view is built after
 * every step that changed state, and under tsx (esbuild keepNames) each closure costs an
 * Object.defineProperty of its name (several percent of an exhaustive exploration).
 */
class RewriteView implements LayerView {
  private readonly g: Rw;
  constructor(private readonly w: World) {
    this.g = w.layer as Rw;
  }
  areas(): AreaView[] {
    return treeAreas(this.g).map(areaView);
  }
  areaOf(node: object): AreaView | null {
    return 'va_start' in node && 'rb_parent' in node ? areaView(node as VmapArea) : null;
  }
  treeStructure(): TreeStructure {
    const g = this.g;
    return {
      root: g.vmap_area_root,
      head: g.vmap_area_list,
      key: (n) => (n as VmapArea).va_start,
      list: (n) => (n as VmapArea).list,
      nodeOf: (l) => (l.owner instanceof Object && 'rb_parent' in l.owner && (l.owner as unknown as VmapArea).list === l ? (l.owner as unknown as VmapArea) : null),
    };
  }
  structureProblems(): string[] {
    const g = this.g;
    const problems = rbCheck<VmapArea>(g.vmap_area_root, byStart);
    const inOrder = treeAreas(g).map((va) => va.list);
    const listed = listEntries(g.vmap_area_list);
    if (listed.length !== inOrder.length || listed.some((l, i) => l !== inOrder[i])) {
      problems.push(`vmap_area_list (${listed.length} entries) differs from the rbtree in-order walk (${inOrder.length})`);
    }
    for (const l of listed) if (!(l.next instanceof ListHead) || l.next.prev !== l) problems.push(`vmap_area_list: ${l.owner?.kind}#${l.owner?.id} next/prev mismatch`);
    return problems;
  }
  blocks(): BlockView[] {
    return this.g.vmap_block_tree.entries().map(([, vb]: [bigint, VmapBlock]) => ({
      id: vb.id,
      cpu: vb.vbq?.cpu ?? -1,
      va_start: vb.va?.va_start ?? 0n,
      free: Number(vb.free),
      dirty: Number(vb.dirty),
      allocBits: bitmap_weight(vb.alloc_map),
      dirtyBits: bitmap_weight(vb.dirty_map),
      onFreeList: vb.vbq ? onList(vb.vbq.free, vb.free_list) : false,
      onDirtyList: vb.vbq ? onList(vb.vbq.dirty, vb.dirty_list) : false,
      state: vb.life.stateName,
    }));
  }
  lazyNr(): number | null {
    return this.g.vmap_lazy_nr.value;
  }
  lazyPages(): number {
    let n = 0;
    for (const va of treeAreas(this.g)) if (va.flags & VM_LAZY_FREE) n += Number((va.va_end - va.va_start) >> BigInt(this.g.c.PAGE_SHIFT));
    return n;
  }
  lazyFreed(): number[] {
    const out: number[] = [];
    for (const va of treeAreas(this.g)) if (va.flags & (VM_LAZY_FREE | VM_LAZY_FREEING)) out.push(va.id);
    return out;
  }
  reachable(): Set<number> {
    const g = this.g;
    const ids = new Set<number>();
    for (const va of treeAreas(g)) {
      ids.add(va.id);
      if (va.flags & VM_VM_AREA) addVm(ids, va.private_);
    }
    for (const [, vb] of g.vmap_block_tree.entries()) ids.add(vb.id);
    for (let s = g.vmlist; s !== null && !ids.has(-s.id); s = s.next) addVm(ids, s);
    return ids;
  }
  constants(): Record<string, string | number> {
    const g = this.g;
    const w = this.w;
    return {
      VMAP_BBMAP_BITS: g.c.VMAP_BBMAP_BITS,
      VMAP_BLOCK_SIZE: w.word.hex(g.c.VMAP_BLOCK_SIZE),
      VMAP_MAX_ALLOC: g.c.VMAP_MAX_ALLOC,
      lazy_max_pages: Number(w.word.mul(BigInt(fls(w.cpus.length)), w.layout.LAZY_BYTES_PER_LOG / g.c.PAGE_SIZE)),
    };
  }
}

function byStart(a: VmapArea, b: VmapArea): number {
  return a.va_start < b.va_start ? -1 : a.va_start > b.va_start ? 1 : 0;
}

/** A vm_struct and its pages array are reachable (kmemleak roots). */
function addVm(ids: Set<number>, s: VmStruct | null): void {
  if (s === null) return;
  ids.add(s.id);
  if (s.pages) ids.add(s.pages.id);
}

/** The LayerView of a rewrite-family world. */
export function rewriteView(w: World): LayerView {
  return new RewriteView(w);
}
