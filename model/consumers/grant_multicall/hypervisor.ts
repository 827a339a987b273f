/**
 * The hypervisor: an oracle of the environment, not kernel code. It processes a multicall
 * batch entry by entry (one step per entry: the other vCPUs run while Xen works through a
 * batch), fills each GNTTABOP_map_grant_ref's `handle` (or -1 with GNTST_general_error when
 * the run's error choices say this map fails), tears grant mappings down on
 * GNTTABOP_unmap_grant_ref, and applies update_va_mapping / MMUEXT_INVLPG_LOCAL. It records
 * every map and unmap for the properties.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import type { World } from '../../engine/world';
import { grantOf, GNTST_general_error, type McEntry } from './state';

const S = sites('HYPERVISOR_multicall', {
  entry: 'Xen: do_multicall: process entries[i]',
  va: 'Xen: HYPERVISOR_update_va_mapping(addr, pte, 0)',
});

/** Remove `vpn` from every CPU's TLB (Xen's gnttab_flush_tlb: the domain's dirty cpumask). */
function flushAllTlbs(w: World, vpn: number): void {
  for (const c of w.cpus) c.tlb.delete(vpn);
}

/** Apply one multicall entry; `cpu` is the vCPU that issued the batch. */
function apply(w: World, e: McEntry, cpu: number): void {
  const g = grantOf(w);
  if (e.op === 'map_grant_ref') {
    const op = e.arg;
    const rec = g.maps.get(op.id)!;
    const n = g.mapsIssued++;
    rec.issuedAt = w.stepNo;
    if (g.cfg.mapErrors.includes(n)) {
      op.status = GNTST_general_error;
      op.handle = -1;
      rec.ok = false;
      rec.handle = -1;
      return;
    }
    const handle = g.nextHandle++;
    op.status = 0;
    op.handle = handle;
    rec.ok = true;
    rec.handle = handle;
    // GNTMAP_host_map | GNTMAP_contains_pte: Xen writes the PTE at host_addr to map the
    // granted frame. Xen does not flush the old translation (create_grant_pte_mapping).
    w.mm.pte.set(op.host_addr, g.grantFrame(rec.page));
    g.handles.set(handle, { page: rec.page, vpn: op.host_addr, frame: g.grantFrame(rec.page) });
  } else if (e.op === 'unmap_grant_ref') {
    const m = g.handles.get(e.handle);
    const ok = m !== undefined && m.vpn === e.host_addr;
    g.unmaps.push({ handle: e.handle, page: e.page, step: w.stepNo, cpu, ok, queuedAt: e.queuedAt });
    if (!ok) return; // GNTST_bad_handle: nothing changes
    g.handles.delete(e.handle);
    for (const r of g.maps.values()) if (r.handle === e.handle && r.ok) r.unmapped = true;
    w.mm.pte.delete(e.host_addr);
    flushAllTlbs(w, e.host_addr);
  } else if (e.op === 'update_va_mapping') {
    // Overwriting a PTE that still holds a grant mapping: a release build of Xen accepts it
    // and the grant stays active with no PTE left to unmap it by (a debug build crashes the
    // domain: "Attempt to implicitly unmap a granted PTE"). Recorded, not refused.
    for (const [h, m] of g.handles) if (m.vpn === e.vpn && w.mm.pte.get(e.vpn) === m.frame) g.implicitUnmaps.push({ handle: h, page: m.page, step: w.stepNo });
    w.mm.pte.set(e.vpn, e.mfn);
  } else {
    w.cpus[cpu]!.tlb.delete(e.vpn); // MMUEXT_INVLPG_LOCAL: the issuing vCPU only
  }
  w.dirty = true;
}

/** `HYPERVISOR_multicall(entries, n)`: the guest vCPU is inside the hypercall until the last entry is done. */
export function* HYPERVISOR_multicall(k: K, entries: readonly McEntry[]): Gen {
  for (const e of entries) {
    yield S.entry;
    apply(k.w, e, k.cpu.id);
  }
}

/** `HYPERVISOR_update_va_mapping(addr, pte, 0)`: outside lazy mode, set_pte_at on init_mm is this hypercall. */
export function* HYPERVISOR_update_va_mapping(k: K, vpn: number, mfn: number): Gen {
  yield S.va;
  apply(k.w, { op: 'update_va_mapping', vpn, mfn, cpu: k.cpu.id }, k.cpu.id);
}
