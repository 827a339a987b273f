/**
 * Properties of the grant-mapping consumer (seed 002), judged from the hypervisor's record
 * of what it processed and from the kernel's page tables and TLBs, never from the m2p code's
 * own checks:
 * - grant_no_unmap_before_map: no GNTTABOP_unmap_grant_ref reaches the hypervisor for a
 *   page whose GNTTABOP_map_grant_ref had not been issued when the unmap was made (its
 *   handle read and queued) — the hypervisor's record against a ghost step of the queueing;
 * - grant_no_unmap_of_failed_map: no unmap carries the handle of a map the hypervisor failed
 *   (or any handle other than the one it returned for that page);
 * - grant_kernel_mapping_restored: once m2p_remove_override has returned and no CPU has a
 *   batched hypercall pending, the page's linear-map PTE holds the page's own frame again and
 *   no CPU's TLB still translates it to the granted frame;
 * - grant_page_fields_at_remove: when the remove path reads them, page->index is the
 *   kmap_op m2p_add_override was given and page->private is that call's mfn | GRANT_FRAME_BIT.
 */
import type { World } from '../../model/engine/world';
import { grantOf, GRANT_FRAME_BIT } from '../../model/consumers/grant_multicall/state';

/** The property names, in report order. */
export const GRANT_PROPERTIES = ['grant_no_unmap_before_map', 'grant_no_unmap_of_failed_map', 'grant_kernel_mapping_restored', 'grant_page_fields_at_remove'] as const;
/** One grant property name. */
export type GrantProperty = (typeof GRANT_PROPERTIES)[number];

const hex = (x: number): string => '0x' + x.toString(16);

/** Fresh checks for one run (they remember what they already reported). */
export function grantChecks(): { step: ((w: World) => void)[]; final: ((w: World) => void)[] } {
  let unmapsSeen = 0;
  const reported = new Set<string>();
  const once = (w: World, prop: GrantProperty, key: string, cpu: number, msg: string, fn: string): void => {
    if (reported.has(prop + key)) return;
    reported.add(prop + key);
    w.reportGlobal(prop, 'invariant', cpu, msg, fn);
  };

  const unmaps = (w: World): void => {
    const g = grantOf(w);
    for (; unmapsSeen < g.unmaps.length; unmapsSeen++) {
      const u = g.unmaps[unmapsSeen]!;
      const rec = g.maps.get(g.kmapOps[u.page]!.id);
      if (rec === undefined || rec.issuedAt === null || rec.issuedAt > u.queuedAt) {
        const when = rec?.issuedAt == null ? 'before its GNTTABOP_map_grant_ref was issued' : `queued (handle read) at step ${u.queuedAt}, before its GNTTABOP_map_grant_ref was issued at step ${rec.issuedAt}`;
        once(w, 'grant_no_unmap_before_map', `${u.page}`, u.cpu, `GNTTABOP_unmap_grant_ref(handle ${u.handle}) for page ${u.page} reached the hypervisor ${when}`, 'HYPERVISOR_multicall');
      } else if (!rec.ok || u.handle !== rec.handle) {
        const why = rec.ok ? `but the map of that page returned handle ${rec.handle}` : 'the handle of a map the hypervisor failed (GNTST_general_error)';
        once(w, 'grant_no_unmap_of_failed_map', `${u.page}`, u.cpu, `GNTTABOP_unmap_grant_ref for page ${u.page} with handle ${u.handle}: ${why}`, 'HYPERVISOR_multicall');
      }
    }
  };

  const restored = (w: World, atEnd: boolean): void => {
    const g = grantOf(w);
    if (!atEnd && g.mc.some((b) => b.entries.length > 0)) return; // batched hypercalls still pending
    for (const [i] of g.removed) {
      const vpn = g.vpnOf(i);
      const pte = w.mm.pte.get(vpn);
      if (pte !== g.ownMfn(i)) {
        const now = pte === undefined ? 'no PTE' : pte === g.grantFrame(i) ? `the granted frame ${hex(pte)}` : `frame ${hex(pte)}`;
        once(w, 'grant_kernel_mapping_restored', `pte${i}`, 0, `after m2p_remove_override(page ${i}) returned ${g.removed.get(i)} and every batch was issued, its kernel PTE maps ${now}, not its own frame ${hex(g.ownMfn(i))}`, 'm2p_remove_override');
      }
      for (const c of w.cpus) {
        if (c.tlb.get(vpn) === g.grantFrame(i)) {
          once(w, 'grant_kernel_mapping_restored', `tlb${i}`, c.id, `after m2p_remove_override(page ${i}) returned, cpu${c.id}'s TLB still translates its kernel address to the granted frame ${hex(g.grantFrame(i))}`, 'm2p_remove_override');
        }
      }
    }
  };

  const fields = (w: World): void => {
    const g = grantOf(w);
    for (const [i, seen] of g.atRemove) {
      const mfn = g.addedMfn.get(i);
      const kmap = g.kmapOps[i]!;
      if (seen.index !== kmap) {
        once(w, 'grant_page_fields_at_remove', `idx${i}`, 0, `m2p_remove_override(page ${i}) found page->index = ${typeof seen.index === 'number' ? hex(seen.index) : `kmap_op#${seen.index.id}`}, not the kmap_op it was added with`, 'm2p_remove_override');
      }
      if (mfn !== undefined && seen.private_ !== ((mfn | GRANT_FRAME_BIT) >>> 0)) {
        once(w, 'grant_page_fields_at_remove', `priv${i}`, 0, `m2p_remove_override(page ${i}) found page->private = ${hex(seen.private_)}, not mfn ${hex(mfn)} | GRANT_FRAME_BIT (another page->private user overwrote it)`, 'm2p_remove_override');
      }
    }
  };

  return {
    step: [unmaps, (w) => restored(w, false), fields],
    final: [unmaps, (w) => restored(w, true), fields],
  };
}
