/**
 * Properties of the xen_pin consumer: the hypervisor's side of a pin, as an oracle.
 *
 *  - pin_never_refused: when the kernel pins a page as a page table, no writable mapping of
 *    it exists — no present PTE maps it in any page table the model has (init_mm's kernel
 *    PTEs: the vmap layer's mappings are PAGE_KERNEL, writable) and no CPU's TLB holds an
 *    entry for it. Xen refuses the pin otherwise, and pin_pagetable_pfn BUG()s.
 *  - pin_lazy_pte: the same refusal, reported separately when a present PTE (not only a
 *    TLB entry) is what Xen trips over: a mapping the vmap layer keeps lazily (vm_unmap_ram's
 *    dirty ranges in a per-CPU block) rather than a TLB entry it has not yet flushed.
 *  - pinned_no_writable_alias: while a page is pinned, no writable PTE or TLB entry for it
 *    appears (checked after every step).
 *
 * Computed from the model's PTE map and TLBs by this file's own scan.
 */
import type { K } from '../../model/engine/exec';
import type { World } from '../../model/engine/world';
import type { PinObserver } from '../../model/consumers/xen_pin/pin';

/** The property names, in report order. */
export const XEN_PIN_PROPERTIES = ['pin_never_refused', 'pin_lazy_pte', 'pinned_no_writable_alias'] as const;

/** Writable mappings of `pfn`: PTEs (as addresses) and TLB entries (cpu, address). */
export function writableMappings(w: World, pfn: number): { ptes: string[]; tlbs: string[] } {
  const hex = (vpn: number): string => w.word.hex(BigInt(vpn) << BigInt(w.layout.PAGE_SHIFT));
  const ptes: string[] = [];
  for (const [vpn, p] of w.mm.pte) if (p === pfn) ptes.push(hex(vpn));
  const tlbs: string[] = [];
  for (const c of w.cpus) for (const [vpn, p] of c.tlb) if (p === pfn) tlbs.push(`cpu${c.id}:${hex(vpn)}`);
  return { ptes, tlbs };
}

/** The hypervisor oracle of one run. */
export class XenPinOracle implements PinObserver {
  /** Pages Xen accepted as page tables. */
  readonly pinned = new Set<number>();
  /** Pins attempted and refused (for reports). */
  refused = 0;
  private readonly seen = new Set<string>();
  constructor(private readonly w: World) {}

  pin(k: K, pfn: number, what: string): void {
    const { ptes, tlbs } = writableMappings(this.w, pfn);
    if (ptes.length === 0 && tlbs.length === 0) {
      this.pinned.add(pfn);
      return;
    }
    this.refused++;
    const fn = k.ctx.frames.at(-1) ?? 'pin';
    const parts = [...(ptes.length ? [`PTE ${ptes.join(', ')}`] : []), ...(tlbs.length ? [`TLB ${tlbs.join(', ')}`] : [])];
    this.w.reportGlobal('pin_never_refused', 'BUG', k.cpu.id, `Xen refused ${what} of pfn ${pfn}: writable mapping(s) ${parts.join('; ')} — pin_pagetable_pfn BUG()s`, fn);
    if (ptes.length > 0) this.w.reportGlobal('pin_lazy_pte', 'invariant', k.cpu.id, `pin of pfn ${pfn} trips over present PTE(s) ${ptes.join(', ')} the vmap layer still keeps after the unmap returned`, fn);
  }

  /** After each step: a pinned page gains no writable mapping. */
  step(): void {
    for (const pfn of this.pinned) {
      const { ptes, tlbs } = writableMappings(this.w, pfn);
      if (ptes.length === 0 && tlbs.length === 0) continue;
      const msg = `pinned pfn ${pfn} has writable mapping(s) ${[...ptes.map((p) => `PTE ${p}`), ...tlbs.map((t) => `TLB ${t}`)].join(', ')}`;
      if (this.seen.has(msg)) continue;
      this.seen.add(msg);
      this.w.reportGlobal('pinned_no_writable_alias', 'invariant', 0, msg, '(hypervisor)');
    }
  }
}
