/**
 * Seed 000: alloc_vm_area, free_vm_area, lock_vm_area and unlock_vm_area in mm/vmalloc.c,
 * as posted (patch 12/21) and as the review turned it (`vmalloc_sync_all()` at the end of
 * alloc_vm_area, lock/unlock_vm_area killed — Keir Fraser's and Jeremy Fitzhardinge's
 * replies). The area's KVA comes from the vmap variant under audit: vanilla's
 * get_vm_area/remove_vm_area, or the rewrite's __get_vm_area_node/remove_vm_area
 * (2.6.28's get_vm_area is `__get_vm_area_node(size, flags, VMALLOC_START, VMALLOC_END,
 * -1, GFP_KERNEL)`), which VmapApi does not expose — hence the two adapters below.
 *
 * apply_to_page_range(&init_mm, addr, size, f, NULL) is modelled at the granularity the
 * consumer depends on: for each PMD of the range, pte_alloc_kernel (model/kernel/mm.ts,
 * the same primitive the variants' vmap_pte_range uses), then one step per PTE for the
 * no-op callback `f`. The PTEs stay empty: Xen fills them (a grant map into the area).
 */
import { kfn, type Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { kfree, GFP_KERNEL } from '../../kernel/slab';
import { pte_alloc_kernel } from '../../kernel/mm';
import { preempt_disable, preempt_enable } from '../../kernel/irq';
import type { KObject } from '../../kernel/slab';
import * as vanillaVm from '../../variants/vanilla/vm_struct';
import * as rwVm from '../../variants/rewrite-v2/vm_struct';
import { kernel_access, vmalloc_sync_all } from './fault';
import { pgs } from './state';

const A = sites('alloc_vm_area', {
  get: 'area = get_vm_area(size, VM_IOREMAP)',
  null: 'if (area == NULL) return NULL',
  apply: 'if (apply_to_page_range(&init_mm, (unsigned long)area->addr, area->size, f, NULL))',
  sync: 'vmalloc_sync_all() (as fixed after review)',
});
const AP = sites('apply_to_page_range', {
  f: 'err = fn(pte, pmd_page, addr, data) (f: "apply_to_page_range() does all the hard work")',
});
const FR = sites('free_vm_area', {
  bug: 'BUG_ON(ret != area)',
  kfree: 'kfree(area)',
});
const LK = sites('lock_vm_area', {
  preempt: 'preempt_disable()',
  touch: '(void)__get_user(c, (char __user *)area->addr + i)',
});
const UL = sites('unlock_vm_area', {
  preempt: 'preempt_enable()',
});

/** A vm_struct as the consumer uses it (either family's). */
export interface VmArea {
  readonly obj: KObject;
  readonly addr: bigint;
  readonly size: bigint;
}

/** The consumer versions of seed 000. */
export type VmAreaVersion = 'posted' | 'fixed';

function rewriteFamily(k: K): boolean {
  // Composite names ('rewrite-v2+F3', ...) and irqsafe share the rewrite's vm_struct code.
  return !pgs(k.w).variantName.startsWith('vanilla');
}

function* get_vm_area(k: K, size: bigint): Gen<VmArea | null> {
  if (!rewriteFamily(k)) {
    const v = yield* vanillaVm.get_vm_area(k, size, vanillaVm.VM_IOREMAP);
    return v === null ? null : { obj: v, addr: v.addr, size: v.size };
  }
  const v = yield* rwVm.__get_vm_area_node(k, size, rwVm.VM_IOREMAP, k.w.layout.VMALLOC_START, k.w.layout.VMALLOC_END, -1, GFP_KERNEL);
  return v === null ? null : { obj: v, addr: v.addr, size: v.size };
}

function* remove_vm_area(k: K, addr: bigint): Gen<KObject | null> {
  if (!rewriteFamily(k)) return yield* vanillaVm.remove_vm_area(k, addr);
  return yield* rwVm.remove_vm_area(k, addr);
}

/** `apply_to_page_range(&init_mm, addr, size, f, NULL)`: 0, or -ENOMEM when a PTE page cannot be allocated. */
export const apply_to_page_range = kfn('apply_to_page_range', function* (k: K, addr: bigint, size: bigint): Gen<number> {
  const mm = k.w.mm;
  const v0 = mm.vpn(addr);
  const n = Number(size >> BigInt(k.w.layout.PAGE_SHIFT));
  for (let i = 0; i < n; i++) {
    if (!(yield* pte_alloc_kernel(k, v0 + i))) return -12;
    yield AP.f;
  }
  return 0;
});

/** `free_vm_area(area)` */
export const free_vm_area = kfn('free_vm_area', function* (k: K, area: VmArea): Gen {
  const ret = yield* remove_vm_area(k, area.addr);
  yield FR.bug;
  BUG_ON(k, ret !== area.obj, FR.bug, 'ret != area');
  yield* kfree(k, area.obj, FR.kfree);
});

/** `alloc_vm_area(size)`, as posted or as fixed. */
export const alloc_vm_area = kfn('alloc_vm_area', function* (k: K, size: bigint, version: VmAreaVersion): Gen<VmArea | null> {
  const area = yield* get_vm_area(k, size);
  yield A.null;
  if (area === null) return null;
  yield A.apply;
  if ((yield* apply_to_page_range(k, area.addr, area.size)) !== 0) {
    yield* free_vm_area(k, area);
    return null;
  }
  if (version === 'fixed') {
    yield A.sync;
    yield* vmalloc_sync_all(k);
  }
  return area;
});

/**
 * `lock_vm_area(area)`: preempt_disable() (a real preempt count only with CONFIG_PREEMPT;
 * otherwise a compiler barrier), then __get_user on each page so the fault path copies the
 * page directory pointers from init_mm into the current mm. The guard page is included, as
 * area->size includes it in the C.
 */
export const lock_vm_area = kfn('lock_vm_area', function* (k: K, area: VmArea): Gen {
  yield LK.preempt;
  if (pgs(k.w).PREEMPT) preempt_disable(k);
  const PAGE_SIZE = 1n << BigInt(k.w.layout.PAGE_SHIFT);
  for (let i = 0n; i < area.size; i += PAGE_SIZE) {
    yield LK.touch;
    yield* kernel_access(k, k.w.word.add(area.addr, i), '__get_user');
  }
});

/** `unlock_vm_area(area)` */
export const unlock_vm_area = kfn('unlock_vm_area', function* (k: K, _area: VmArea): Gen {
  yield UL.preempt;
  if (pgs(k.w).PREEMPT) preempt_enable(k);
});
