/**
 * arch/x86/xen/multicalls.[ch] and the lazy-MMU hooks (2011): each CPU batches hypercalls
 * in its `mc_buffer`; `xen_mc_entry` disables irqs and reserves an entry, flushing first
 * when the batch is full (MC_BATCH); `xen_mc_issue(PARAVIRT_LAZY_MMU)` flushes unless the
 * CPU is in lazy MMU mode and restores irqs; `xen_mc_flush` hands the batch to the
 * hypervisor; leaving lazy MMU mode flushes. set_pte_at on init_mm and __flush_tlb_single
 * go through the same batch in lazy mode (xen_set_pte_at, xen_flush_tlb_single).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON } from '../../kernel/assert';
import { local_irq_restore, local_irq_save, preempt_disable, preempt_enable } from '../../kernel/irq';
import { grantOf, type McEntry } from './state';
import { HYPERVISOR_multicall, HYPERVISOR_update_va_mapping } from './hypervisor';

const E = sites('xen_mc_entry', {
  full: 'if (b->mcidx == MC_BATCH || (argidx + args) > MC_ARGS) xen_mc_flush()',
  add: 'ret.mc = &b->entries[b->mcidx]; b->mcidx++',
});
const F = sites('xen_mc_flush', {
  bug: 'BUG_ON(preemptible())',
  call: 'if (HYPERVISOR_multicall(b->entries, b->mcidx) != 0) BUG()',
  reset: 'b->mcidx = 0; b->argidx = 0',
});
const I = sites('xen_mc_issue', { check: 'if ((paravirt_get_lazy_mode() & mode) == 0) xen_mc_flush()' });
const L = sites('paravirt_enter_lazy_mmu', { bug: 'BUG_ON(percpu_read(paravirt_lazy_mode) != PARAVIRT_LAZY_NONE)' });
const V = sites('xen_set_pte_at', { lazy: 'if (paravirt_get_lazy_mode() == PARAVIRT_LAZY_MMU) MULTI_update_va_mapping(...)' });

/** `xen_mc_flush()` */
export function* xen_mc_flush(k: K): Gen {
  const b = grantOf(k.w).mc[k.cpu.id]!;
  // preemptible() with CONFIG_PREEMPT: no preempt count and irqs enabled.
  BUG_ON(k, k.cpu.preempt === 0 && k.cpu.irqsEnabled, F.bug, 'preemptible()');
  const flags = local_irq_save(k);
  if (b.entries.length > 0) {
    yield F.call;
    const batch = b.entries.slice();
    yield* HYPERVISOR_multicall(k, batch);
    yield F.reset;
    b.entries.splice(0, batch.length);
  }
  local_irq_restore(k, flags);
}

/** `xen_mc_entry(args)` + `MULTI_*(mcs.mc, ...)`: reserve and fill one entry of this CPU's batch. */
export function* xen_mc_entry(k: K, e: McEntry): Gen {
  const g = grantOf(k.w);
  const b = g.mc[k.cpu.id]!;
  b.irqFlags = local_irq_save(k);
  yield E.full;
  if (b.entries.length === g.cfg.MC_BATCH) yield* xen_mc_flush(k);
  yield E.add;
  b.entries.push(e);
}

/** `xen_mc_issue(PARAVIRT_LAZY_MMU)` */
export function* xen_mc_issue(k: K): Gen {
  const b = grantOf(k.w).mc[k.cpu.id]!;
  yield I.check;
  if (!b.lazyMmu) yield* xen_mc_flush(k);
  local_irq_restore(k, b.irqFlags);
}

/** `arch_enter_lazy_mmu_mode()` (paravirt_enter_lazy_mmu); the caller has preemption disabled. */
export function* arch_enter_lazy_mmu_mode(k: K): Gen {
  const b = grantOf(k.w).mc[k.cpu.id]!;
  yield L.bug;
  BUG_ON(k, b.lazyMmu, L.bug, 'percpu_read(paravirt_lazy_mode) != PARAVIRT_LAZY_NONE');
  b.lazyMmu = true;
}

/** `arch_leave_lazy_mmu_mode()` = xen_leave_lazy_mmu: preempt_disable; xen_mc_flush; paravirt_leave_lazy_mmu; preempt_enable. */
export function* arch_leave_lazy_mmu_mode(k: K): Gen {
  const b = grantOf(k.w).mc[k.cpu.id]!;
  preempt_disable(k);
  yield* xen_mc_flush(k);
  b.lazyMmu = false;
  preempt_enable(k);
}

/** `set_pte_at(&init_mm, address, ptep, pte)` under Xen PV (xen_set_pte_at). */
export function* set_pte_at_init_mm(k: K, vpn: number, mfn: number): Gen {
  const b = grantOf(k.w).mc[k.cpu.id]!;
  yield V.lazy;
  if (b.lazyMmu) {
    yield* xen_mc_entry(k, { op: 'update_va_mapping', vpn, mfn, cpu: k.cpu.id });
    yield* xen_mc_issue(k);
  } else yield* HYPERVISOR_update_va_mapping(k, vpn, mfn);
}

/** `__flush_tlb_single(address)` = xen_flush_tlb_single: MMUEXT_INVLPG_LOCAL through the batch. */
export function* __flush_tlb_single(k: K, vpn: number): Gen {
  preempt_disable(k);
  yield* xen_mc_entry(k, { op: 'invlpg_local', vpn, cpu: k.cpu.id });
  yield* xen_mc_issue(k);
  preempt_enable(k);
}
