/**
 * The findings catalogue: each distinct C-level root cause the suite has found. A finding is
 * identified by experiment (counterexamples/classify.ts), never by the property it breaks:
 *
 *  - a *defect* has a fix (model/variants/fixes/); a counterexample belongs to it when the
 *    fix alone makes it stop reproducing;
 *  - a *contract* is documented behaviour, not a defect (e.g. "not callable from interrupt
 *    context"): it has no fix, but the contract says which calls are outside the API; a
 *    counterexample belongs to it when keeping every call within the contract makes it stop
 *    reproducing;
 *  - a *performance* finding is recorded like a defect but never fails CI on its own.
 *
 * docs/findings.md explains each in C terms; the ids here are its section ids.
 */
import type { Op, Scenario } from '../engine/program';
import type { Layout } from '../config/layout';

/** What kind of root cause. */
export type FindingKind = 'defect' | 'contract' | 'performance';

/** A documented contract that excuses a behaviour: where it applies and what stays within it. */
export interface Contract {
  /** The bases whose documented API this is. */
  readonly bases: readonly string[];
  /** Where the contract is stated. */
  readonly cite: string;
  /** The scenario with every call outside the contract removed (the contract's "experiment"), on layout `L`. */
  within(s: Scenario, L: Layout): Scenario;
}

/** One finding. */
export interface Finding {
  readonly id: string;
  readonly kind: FindingKind;
  readonly title: string;
  readonly contract?: Contract;
}

/** Keep interrupt-context and irqs-off calls only for the ops `allowed` says may run there. */
function withoutIrqCalls(s: Scenario, allowed: (op: Op['op']) => boolean): Scenario {
  return {
    ...s,
    programs: s.programs.map((p) => p.map((o) => (o.irqsOff && !allowed(o.op) ? { ...o, irqsOff: false } : o))),
    schedule: s.schedule.filter((c) => c.t !== 'irq' || allowed(c.op.op)),
  };
}

/** vm_unmap_ram_count misuse where mapped and passed counts are both small: unmap with the mapped count instead. */
function withCorrectSmallCounts(s: Scenario, max: number): Scenario {
  const pages = new Map<number, number>();
  for (const p of s.programs) for (const o of p) if ('pages' in o) pages.set(o.id, o.pages);
  const fix = (o: Op): Op => {
    if (o.op !== 'vm_unmap_ram_count') return o;
    const mapped = pages.get(o.h);
    return mapped !== undefined && mapped <= max && o.count <= max ? { id: o.id, op: 'vm_unmap_ram', h: o.h } : o;
  };
  return { ...s, programs: s.programs.map((p) => p.map(fix)) };
}

/** Every finding, in id order. */
export const FINDINGS: readonly Finding[] = [
  { id: 'F1', kind: 'defect', title: "alloc_vmap_area's descent takes the hole below the lowest area without checking its size (`tmp->va_start <= addr`): an allocation overlaps the next area; vmap_page_range then WARNs on a present PTE (the warning of Andrew Morton's 2008-09-05 report)" },
  { id: 'F2', kind: 'defect', title: 'vmap_page_range calls flush_cache_vmap(addr, end) after the loop advanced addr to end: the cache flush covers nothing (harmless on x86, stale lines on virtually indexed caches)' },
  { id: 'F3', kind: 'defect', title: 'vm_unmap_aliases walks only vbq->free: a block that filled up (list_del_init from vbq->free) keeps the PTEs of its vb_free()d parts, so aliases survive the call' },
  { id: 'F4', kind: 'defect', title: 'alloc_vmap_area returns ERR_PTR(-EBUSY) without kfree(va): every failed allocation leaks a struct vmap_area' },
  { id: 'F5', kind: 'defect', title: 'alloc_vmap_area does unsigned long arithmetic without overflow checks (the vanilla code had them): near the top of the address space ALIGN(first->va_end + PAGE_SIZE, align) or addr + size wraps past ULONG_MAX and the search succeeds with an area outside [vstart, vend] or ending at 0' },
  { id: 'F6', kind: 'defect', title: 'VMAP_BBMAP_BITS is not a power of two when VMALLOC_PAGES / NR_CPUS / 16 falls between the bounds: ALIGN to VMAP_BLOCK_SIZE, addr_to_vb_idx and bitmap_find_free_region break' },
  { id: 'F7', kind: 'defect', title: "alloc_vmap_area's purge-and-retry uses the trylock purge: when another CPU holds purge_lock the allocation fails although purging would make room" },
  { id: 'F8', kind: 'defect', title: 'free_unmap_vmap_area sets VM_LAZY_FREE before atomic_add to vmap_lazy_nr: a concurrent purge counts the area first and hits BUG_ON(nr > atomic_read(&vmap_lazy_nr))' },
  { id: 'F9', kind: 'defect', title: "__get_vm_area_node keeps its vmap_area in a function-static `va`: two CPUs in it at once can swap areas (source-level data race)" },
  { id: 'F10', kind: 'defect', title: "vb_alloc's list_del_init(&vb->free_list) under an RCU walker (vm_unmap_aliases on another CPU): the walker loops on the self-pointing entry, or follows the rcu_head that shares the union storage" },
  {
    id: 'F11',
    kind: 'contract',
    title: 'Not irq-safe (by design of vanilla, v1 and v2): vfree/vunmap/__get_vm_area_node BUG_ON(in_interrupt()); plain spinlocks and GFP_KERNEL allocations reached from interrupt context; with irqs disabled, the TLB flush (on_each_cpu: smp_call_function) WARNs, can deadlock, and its closing local_irq_enable() returns the caller with irqs enabled',
    contract: {
      bases: ['vanilla', 'rewrite-v1', 'rewrite-v2'],
      cite: 'mm/vmalloc.c (2.6.26 and the rewrite): vfree/vunmap "may not be called in interrupt context" (BUG_ON(in_interrupt())); the layer takes its locks without disabling interrupts and allocates with GFP_KERNEL, and Nick Piggin in the 2008 thread: v1/v2 make no attempt at interrupt safety (his irq patch of 2008-08-20 is the attempt)',
      within: (s) => withoutIrqCalls(s, () => false),
    },
  },
  { id: 'F12', kind: 'defect', title: "irqsafe's vb_alloc takes vb->lock with spin_lock_irqsave but releases it with plain spin_unlock on success: vm_map_ram returns with irqs disabled" },
  {
    id: 'F13',
    kind: 'contract',
    title: "irqsafe still BUGs from interrupt context on paths the patch did not touch: vfree/vunmap's BUG_ON(in_interrupt()), __purge_vmap_area_lazy's new BUG_ON(in_interrupt()) via alloc's purge-and-retry, pte_alloc_kernel's GFP_KERNEL and init_mm.page_table_lock",
    contract: {
      bases: ['irqsafe'],
      cite: "Nick Piggin's 2008-08-20 incremental patch covers vm_unmap_ram only as far as this layer's locks go; he states that kernel page table allocations would still have to take a gfp mask and init_mm's page_table_lock be made interrupt safe, and vfree/vunmap keep BUG_ON(in_interrupt())",
      within: (s) => withoutIrqCalls(s, (op) => op === 'vm_unmap_ram'),
    },
  },
  { id: 'F14', kind: 'defect', title: 'Misuse goes unreported: a second vunmap/vfree/vm_unmap_ram or a wrong count corrupts the layer (double lazy free, dirty counted twice, use of a freed vm_struct) instead of hitting an assertion' },
  { id: 'F15', kind: 'defect', title: "irqsafe's __purge_vmap_area_lazy and vm_unmap_aliases use spin_lock_irq/spin_unlock_irq, which re-enable irqs unconditionally: a caller that had irqs disabled (vfree/vunmap/vm_unmap_ram with irqs off reaching a purge) returns with them enabled" },
  { id: 'F16', kind: 'defect', title: 'Per-CPU vmap blocks whose allocations were all freed keep their KVA forever: a block is freed only once fully dirty, so a partly used then fully freed block holds VMAP_BLOCK_SIZE of vmalloc space nothing else can allocate, even after vm_unmap_aliases() and a purge' },
  { id: 'F17', kind: 'defect', title: "irqsafe's free_unmap_vmap_area purges whenever !in_interrupt(): a caller with irqs disabled in process context runs the purge's TLB flush (on_each_cpu: smp_call_function) with irqs off — WARN, deadlock risk, and irqs re-enabled on return" },
  { id: 'F18', kind: 'defect', title: "alloc_vmap_area sets addr = ALIGN(vstart, align) before retry:, so the retry after the purge resumes from where the failed search stopped (near vend) and misses the space the purge freed below" },
  { id: 'F19', kind: 'defect', title: "alloc_vmap_area's hole walk tests addr + size >= first->va_start: a hole of exactly the requested size is skipped, and an allocation that fits fails" },
  {
    id: 'F20',
    kind: 'contract',
    title: 'vm_unmap_ram with a count other than the one mapped, both within VMAP_MAX_ALLOC: vb_free frees a range of a different order and nothing records the mapped size, so it corrupts the block silently',
    contract: {
      bases: ['rewrite-v1', 'rewrite-v2', 'irqsafe'],
      cite: "vm_unmap_ram's kerneldoc (the rewrite): \"@count: the count passed to that vm_map_ram call (cannot unmap partial)\"; the per-CPU bitmaps do not record allocation sizes (later kernels neither), so the layer cannot check it",
      within: (s, L) => withCorrectSmallCounts(s, L.VMAP_MAX_ALLOC),
    },
  },
  { id: 'F21', kind: 'defect', title: "alloc_vmap_area's hole walk resumes at ALIGN(first->va_end + PAGE_SIZE, align): one unusable page after every area on top of the guard page a vmalloc already counts in its size; naturally aligned vmap blocks lose a whole block of space each" },
];

/** Look a finding up by id. */
export function findingById(id: string): Finding | undefined {
  return FINDINGS.find((f) => f.id === id);
}
