/**
 * Properties of the MMU-notifier consumer (seed 003), judged from the page allocator's
 * state, the secondary MMUs' translations and ghost records of what the primary opened and
 * what the secondaries installed — never from the secondaries' own counters:
 * - mn_no_free_while_secondary_mapped: no spte or secondary-TLB entry translates to a page
 *   that has been freed, or freed and handed out again, since the entry was made;
 * - mn_no_secondary_map_in_open_range: no secondary translation is established for an
 *   address inside a range whose invalidate_range_start has returned and whose
 *   invalidate_range_end has not been called;
 * - xip_sparse_single: at the end, every page xip_sparse_page() allocated is either
 *   __xip_sparse_page or freed (or still held only by PTEs that map it: it is then not
 *   leaked yet, but its allocation reference must be gone), and every call returned the
 *   same page;
 * - xip_no_sparse_after_fill: at the end, no PTE of an XIP vma and no secondary translation
 *   at a file offset whose block now exists still maps the sparse page (a write that fills a
 *   hole must leave no reader of the old zeroes behind: __xip_unmap's purpose).
 */
import type { World } from '../../model/engine/world';
import { mnOf, type STrans } from '../../model/consumers/mmu_notifier/state';

/** The property names, in report order. */
export const MN_PROPERTIES = ['mn_no_free_while_secondary_mapped', 'mn_no_secondary_map_in_open_range', 'xip_sparse_single', 'xip_no_sparse_after_fill'] as const;

/** Fresh checks for one run. */
export function mnChecks(): { step: ((w: World) => void)[]; final: ((w: World) => void)[] } {
  const reported = new Set<string>();
  let installsSeen = 0;
  const once = (w: World, prop: string, key: string, cpu: number, msg: string, fn: string): void => {
    if (reported.has(prop + key)) return;
    reported.add(prop + key);
    w.reportGlobal(prop, 'invariant', cpu, msg, fn);
  };

  const freed = (w: World): void => {
    const s = mnOf(w);
    const scan = (what: string, m: ReadonlyMap<number, STrans>): void => {
      for (const [vpn, t] of m) {
        const p = s.page(t.pfn);
        if (p === undefined) continue; // XIP memory is not allocator memory: never freed
        if (p.freed || p.gen !== t.gen) {
          const how = p.freed ? 'freed' : `freed and reused (generation ${t.gen} -> ${p.gen})`;
          once(w, 'mn_no_free_while_secondary_mapped', `${what}${vpn}`, w.current >= 0 ? w.current : 0, `page pfn ${t.pfn} was ${how} while the ${what} of vpn ${vpn} still translates to it`, '(secondary MMU)');
        }
      }
    };
    scan('KVM spte', s.kvm.sptes);
    scan('KVM guest TLB entry', s.kvm.tlb);
    scan('GRU TLB entry', s.gru.tlb);
  };

  const inRange = (w: World): void => {
    const s = mnOf(w);
    for (; installsSeen < s.installs.length; installsSeen++) {
      const i = s.installs[installsSeen]!;
      const r = s.open.find((o) => i.vpn >= o.start && i.vpn < o.end);
      if (r) once(w, 'mn_no_secondary_map_in_open_range', `${i.vpn}@${i.step}`, i.cpu, `${i.what} for vpn ${i.vpn} established while cpu${r.cpu}'s invalidate range [${r.start}, ${r.end}) is open`, '(secondary MMU)');
    }
  };

  const sparse = (w: World): void => {
    const s = mnOf(w);
    const final = s.__xip_sparse_page;
    for (const p of s.sparseAllocated) {
      if (p === final || p.freed) continue;
      let ptes = 0;
      for (const pfn of s.pte.values()) if (pfn === p.pfn) ptes++;
      if (p.count > ptes) once(w, 'xip_sparse_single', `leak${p.pfn}`, 0, `xip_sparse_page() allocated page pfn ${p.pfn}, which is not __xip_sparse_page (pfn ${final?.pfn ?? 'NULL'}) and still holds its allocation reference: leaked`, 'xip_sparse_page');
    }
    const seen = new Set(s.sparseReturned.filter((p) => p !== null).map((p) => p!.pfn));
    if (seen.size > 1) once(w, 'xip_sparse_single', 'many', 0, `callers of xip_sparse_page() got ${seen.size} different sparse pages (pfns ${[...seen].join(', ')})`, 'xip_sparse_page');
  };

  const filled = (w: World): void => {
    const s = mnOf(w);
    const sp = s.__xip_sparse_page;
    if (sp === null) return;
    for (const v of s.vmas) {
      if (!v.file) continue;
      for (let vpn = v.start; vpn < v.end; vpn++) {
        const pgoff = v.pgoff + (vpn - v.start);
        if (!s.blocks.has(pgoff)) continue;
        const where: string[] = [];
        if (s.pte.get(vpn) === sp.pfn) where.push('its PTE');
        if (s.kvm.sptes.get(vpn)?.pfn === sp.pfn) where.push('a KVM spte');
        if (s.kvm.tlb.get(vpn)?.pfn === sp.pfn) where.push('a KVM guest TLB entry');
        if (s.gru.tlb.get(vpn)?.pfn === sp.pfn) where.push('a GRU TLB entry');
        if (where.length > 0) once(w, 'xip_no_sparse_after_fill', `${vpn}`, 0, `vpn ${vpn} (${v.name}, pgoff ${pgoff}) has a block now, but ${where.join(' and ')} still map${where.length > 1 ? '' : 's'} the sparse page pfn ${sp.pfn}`, '__xip_unmap');
      }
    }
  };

  return { step: [freed, inRange], final: [freed, inRange, sparse, filled] };
}
