/**
 * The GRU-style secondary MMU's TLB miss (drivers/misc/sgi-gru/grufault.c gru_try_dropin,
 * 2008): it runs in the GRU interrupt with irqs off, checks ms_range_active, looks the PTE
 * up without a lock or a page reference (atomic_pte_lookup) and drops the translation into
 * the GRU TLB (tfh_write_restart). A miss on a missing PTE goes back to user context, which
 * faults the page in with get_user_pages (dropping the reference at once) and retries; an
 * active range makes it wait for ms_range_active to drop (ms_wait_queue). Divergence: the
 * interrupt is modelled as the op running with irqs disabled in process context.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { atomic_read } from '../../kernel/atomic';
import { local_irq_disable, local_irq_enable } from '../../kernel/irq';
import { mnHas, mnOf } from './state';
import { gruReadSeq, gruRecheck } from './fixes/C14_gru_dropin_recheck';
import { get_user_pages } from './gup';

const D = sites('gru_try_dropin', {
  hit: 'GRU TLB hit',
  irq: 'gru_intr: irqs disabled',
  active: 'if (atomic_read(&gts->ts_gms->ms_range_active)) goto failactive',
  lookup: 'gru_vtop: atomic_pte_lookup(vma, vaddr, write, &paddr, &pageshift)',
  drop: 'tfh_write_restart(tfh, gpa, GAA_RAM, vaddr, asid, write, GRU_PAGESIZE(pageshift))',
  wait: 'failactive: wait_event(gms->ms_wait_queue, atomic_read(&gms->ms_range_active) == 0)',
  upm: 'failupm: non_atomic_pte_lookup: get_user_pages(...); put_page(page)',
});

/** A GRU access at `vpn`: TLB hit, else the dropin (retried until it installs). */
export function* gru_access(k: K, vpn: number): Gen {
  const s = mnOf(k.w);
  if (s.gru.tlb.has(vpn)) {
    yield D.hit;
    return;
  }
  for (;;) {
    yield D.irq;
    local_irq_disable(k);
    const fixed = mnHas(s.cfg, 'C14');
    const seq = fixed ? yield* gruReadSeq(k) : 0;
    const active = yield* atomic_read(k, s.gru.ms_range_active, D.active);
    if (active !== 0) {
      local_irq_enable(k);
      s.retry.set(k.ctx, () => s.gru.ms_range_active.value === 0);
      yield D.wait;
      s.retry.delete(k.ctx);
      continue;
    }
    yield D.lookup;
    const pfn = s.pte.get(vpn);
    if (pfn !== undefined) {
      yield D.drop;
      s.gru.tlb.set(vpn, { pfn, gen: s.page(pfn)?.gen ?? 0, young: true });
      s.installs.push({ vpn, step: k.w.stepNo, cpu: k.cpu.id, what: 'GRU TLB dropin' }); // ghost
      if (fixed && !(yield* gruRecheck(k, vpn, seq))) {
        local_irq_enable(k);
        continue;
      }
      local_irq_enable(k);
      return;
    }
    local_irq_enable(k);
    yield D.upm;
    const got = yield* get_user_pages(k, vpn);
    const page = s.page(got);
    if (page) s.putPage(page);
  }
}
