/**
 * C11 (contract): a grant page is removed only after the CPU that added it has left the
 * lazy MMU section it added it in. xen_mc_flush() flushes the calling CPU's batch only, so
 * the patch's `if (map_op->handle == -1) xen_mc_flush();` cannot issue a map queued on
 * another CPU. gntdev keeps to this: gnttab_map_refs enters and leaves lazy mode itself
 * (`if (lazy) arch_leave_lazy_mmu_mode();` before it returns, 3.2's grant-table.c), and a
 * page is unmapped only through a later ioctl/munmap/notifier on a map whose map ioctl has
 * returned. Upstream kept the per-CPU flush (3.2's m2p_remove_override), so this is the
 * caller's contract, not a defect; there is no fix.
 *
 * The experiment: every op of another CPU that depends on an add (`after`) waits instead for
 * the adding CPU's next arch_leave_lazy_mmu_mode() after that add.
 */
import type { ConsumerFix } from '../../fix';
import type { GrantConfig } from '../state';
import type { GrantScenario } from '../run';
import type { GrantOp } from '../gntdev';

/** The scenario with cross-CPU dependents of an add waiting for the adder's lazy_end. */
export function withinLazyContract(scn: GrantScenario): GrantScenario {
  const lazyEndAfter = new Map<number, { cpu: number; end: number }>();
  scn.programs.forEach((p, cpu) => {
    p.forEach((o, i) => {
      if (o.op !== 'add') return;
      let inLazy = false;
      for (let j = i - 1; j >= 0; j--) {
        if (p[j]!.op === 'lazy_end') break;
        if (p[j]!.op === 'lazy_begin') inLazy = true;
      }
      const end = inLazy ? p.slice(i + 1).find((x) => x.op === 'lazy_end') : undefined;
      if (end !== undefined) lazyEndAfter.set(o.id, { cpu, end: end.id });
    });
  });
  let changed = false;
  const programs = scn.programs.map((p, cpu) =>
    p.map((o): GrantOp => {
      const w = o.after !== undefined ? lazyEndAfter.get(o.after) : undefined;
      if (w === undefined || w.cpu === cpu) return o;
      changed = true;
      return { ...o, after: w.end };
    }),
  );
  return changed ? { ...scn, programs } : scn;
}

/** C11: removing a page whose map is still in another CPU's lazy batch. */
export const C11: ConsumerFix<Omit<GrantConfig, 'mapErrors'>, GrantScenario> = {
  id: 'C11',
  consumer: 'grant_multicall',
  kind: 'contract',
  title:
    "m2p_remove_override on one CPU while the m2p_add_override of the same page is still queued in another CPU's multicall batch (that CPU has not left its lazy MMU section): xen_mc_flush() flushes only the local batch, the handle is still -1, the remove returns -1, and the map is issued later and never undone",
  fix: "— (contract: gnttab_map_refs leaves lazy mode before it returns, and gntdev removes only pages of a map whose map call returned; upstream keeps the per-CPU flush)",
  experiment: (cfg, scn) => {
    const s = withinLazyContract(scn);
    return s === scn ? null : { cfg, scn: s };
  },
};
