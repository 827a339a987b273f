/**
 * The findings catalogue: each distinct C-level cause the suite has found, and how to
 * recognise its counterexamples (property, variant family, message). docs/findings.md
 * explains each in C terms; the ids here are its section ids.
 */

/** One finding. */
export interface Finding {
  readonly id: string;
  readonly title: string;
  /** Which variants it applies to. */
  readonly variants: readonly string[];
  /** Properties through which it shows. */
  readonly properties: readonly string[];
  /** Message (or fn) pattern; absent = any message of those properties. */
  readonly match?: RegExp;
  /** Ghost note the model records on this finding's path (see World.notes). */
  readonly note?: string;
}

const REWRITE = ['rewrite-v1', 'rewrite-v2', 'irqsafe'];
const ALL = ['vanilla', ...REWRITE];

/** Every finding, most specific first (the first match wins). */
export const FINDINGS: readonly Finding[] = [
  { id: 'F1', note: 'F1', title: "alloc_vmap_area's descent takes the hole below the lowest area without checking its size (`tmp->va_start <= addr`): an allocation overlaps the next area; vmap_page_range then WARNs on a present PTE (the warning of Andrew Morton's 2008-09-05 report)", variants: REWRITE, properties: ['areas_disjoint', 'no_warn', 'live_mappings_translate', 'no_kva_leak', 'no_oops', 'lifecycle_legal', 'tree_wellformed', 'no_reuse_with_lazy_alias'], match: /overlaps|!pte_none|PTE none|CLEAR_PTE rejected in state mapped|nonexistent vm area|\(allocated\) is still held/ },
  { id: 'F2', title: 'vmap_page_range calls flush_cache_vmap(addr, end) after the loop advanced addr to end: the cache flush covers nothing (harmless on x86, stale lines on virtually indexed caches)', variants: REWRITE, properties: ['flush_cache_vmap_covers_mapping'] },
  { id: 'F3', note: 'F3', title: 'vm_unmap_aliases walks only vbq->free: a block that filled up (list_del_init from vbq->free) keeps the PTEs of its vb_free()d parts, so aliases survive the call', variants: REWRITE, properties: ['no_alias_after_unmap_aliases'] },
  { id: 'F4', title: 'alloc_vmap_area returns ERR_PTR(-EBUSY) without kfree(va): every failed allocation leaks a struct vmap_area', variants: REWRITE, properties: ['no_kmemleak'], match: /vmap_area/ },
  { id: 'F5', note: 'F5', title: 'alloc_vmap_area does unsigned long arithmetic without overflow checks (the vanilla code had them): near the top of the address space ALIGN(first->va_end + PAGE_SIZE, align) or addr + size wraps past ULONG_MAX and the search succeeds with an area outside [vstart, vend] or ending at 0', variants: REWRITE, properties: ['areas_in_range', 'no_bug', 'areas_disjoint', 'tree_wellformed', 'no_warn', 'live_mappings_translate', 'no_oops', 'no_kva_leak'] },
  { id: 'F6', note: 'F6', title: 'VMAP_BBMAP_BITS is not a power of two when VMALLOC_PAGES / NR_CPUS / 16 falls between the bounds: ALIGN to VMAP_BLOCK_SIZE, addr_to_vb_idx and bitmap_find_free_region break', variants: REWRITE, properties: ['no_bug', 'block_counters_consistent', 'no_alias_after_unmap_aliases', 'live_mappings_translate', 'lifecycle_legal', 'no_oops', 'areas_disjoint'], match: /addr_to_vb_idx|dirty=|free=|KASAN|radix_tree_insert/ },
  { id: 'F7', note: 'F7', title: "alloc_vmap_area's purge-and-retry uses the trylock purge: when another CPU holds purge_lock the allocation fails although purging would make room", variants: REWRITE, properties: ['alloc_fails_only_when_full'] },
  { id: 'F8', title: 'free_unmap_vmap_area sets VM_LAZY_FREE before atomic_add to vmap_lazy_nr: a concurrent purge counts the area first and hits BUG_ON(nr > atomic_read(&vmap_lazy_nr))', variants: REWRITE, properties: ['no_bug', 'lazy_counter_consistent'], match: /nr > atomic_read|vmap_lazy_nr is/ },
  { id: 'F9', note: 'F9', title: "__get_vm_area_node keeps its vmap_area in a function-static `va`: two CPUs in it at once can swap areas (source-level data race)", variants: REWRITE, properties: ['no_kva_leak', 'areas_disjoint', 'no_warn', 'live_mappings_translate', 'lifecycle_legal', 'no_oops', 'no_kmemleak', 'lazy_counter_consistent', 'no_alias_after_unmap_aliases', 'tree_wellformed', 'no_reuse_with_lazy_alias'], match: /static va|VM_VM_AREA/ },
  { id: 'F10', title: "vb_alloc's list_del_init(&vb->free_list) under an RCU walker (vm_unmap_aliases on another CPU): the walker loops on the self-pointing entry, or follows the rcu_head that shares the union storage", variants: REWRITE, properties: ['no_livelock', 'no_oops'], match: /did not finish|rcu_free_vb|NULL pointer|function pointer/ },
  { id: 'F11', title: 'Not irq-safe (by design of vanilla, v1 and v2): vfree/vunmap/__get_vm_area_node BUG_ON(in_interrupt()); plain spinlocks and GFP_KERNEL allocations reached from interrupt context; with irqs disabled, the TLB flush (on_each_cpu: smp_call_function) WARNs, can deadlock, and its closing local_irq_enable() returns the caller with irqs enabled', variants: ['rewrite-v1', 'rewrite-v2', 'vanilla'], properties: ['no_bug', 'no_sleep_in_atomic', 'lockdep_irq_safe', 'lockdep_lock_order', 'no_deadlock', 'no_warn', 'irq_state_balanced'], match: /in_interrupt|sleeping function|inconsistent|irq|self-deadlock|recursive|deadlock/ },
  { id: 'F12', title: "irqsafe's vb_alloc takes vb->lock with spin_lock_irqsave but releases it with plain spin_unlock on success: vm_map_ram returns with irqs disabled", variants: ['irqsafe'], properties: ['irq_state_balanced', 'no_sleep_in_atomic', 'no_deadlock', 'no_warn'], match: /entered with irqs enabled and returned with irqs disabled|in_atomic\(\)=0, irqs_disabled\(\)=1|deadlock|irqs_disabled\(\) in smp_call_function/ },
  { id: 'F13', title: "irqsafe still BUGs from interrupt context on paths the patch did not touch: vfree/vunmap's BUG_ON(in_interrupt()), __purge_vmap_area_lazy's new BUG_ON(in_interrupt()) via alloc's purge-and-retry, pte_alloc_kernel's GFP_KERNEL and init_mm.page_table_lock", variants: ['irqsafe'], properties: ['no_bug', 'no_sleep_in_atomic', 'lockdep_irq_safe', 'lockdep_lock_order'] },
  { id: 'F15', title: "irqsafe's __purge_vmap_area_lazy and vm_unmap_aliases use spin_lock_irq/spin_unlock_irq, which re-enable irqs unconditionally: a caller that had irqs disabled (vfree/vunmap/vm_unmap_ram with irqs off reaching a purge) returns with them enabled", variants: ['irqsafe'], properties: ['irq_state_balanced'], match: /entered with irqs disabled and returned with irqs enabled/ },
  { id: 'F14', note: 'F14', title: 'Misuse goes unreported: a second vunmap/vfree/vm_unmap_ram or a wrong count corrupts the layer (double lazy free, dirty counted twice, use of a freed vm_struct) instead of hitting an assertion', variants: ALL, properties: ['misuse_asserted', 'block_counters_consistent', 'lifecycle_legal', 'no_oops', 'lazy_counter_consistent', 'no_kva_leak', 'no_kmemleak', 'areas_disjoint', 'no_alias_after_unmap_aliases', 'live_mappings_translate', 'no_warn', 'no_bug', 'no_reuse_with_lazy_alias'] },
];

/**
 * The finding a counterexample belongs to, if any: among the findings whose ghost note the
 * run recorded (World.notes) and that show through this property, the one noted earliest;
 * otherwise the first whose message pattern matches (misuse only with its note).
 */
export function classify(variant: string, property: string, message: string, fn = '', notes: ReadonlyMap<string, number> = new Map()): Finding | null {
  const applies = (f: Finding): boolean => f.variants.includes(variant) && f.properties.includes(property);
  const noted = FINDINGS.filter((f) => f.note !== undefined && notes.has(f.note) && applies(f)).sort((a, b) => notes.get(a.note!)! - notes.get(b.note!)!);
  if (noted.length > 0) return noted[0]!;
  for (const f of FINDINGS) {
    // A noted finding without a message pattern is recognised by its note only.
    if (!applies(f) || f.note === 'F14' || (f.note !== undefined && f.match === undefined)) continue;
    if (f.match === undefined || f.match.test(message) || f.match.test(fn)) return f;
  }
  return null;
}
