/**
 * C14 fix (proposed: no upstream fix was found): the GRU dropin closes its window the way
 * KVM's mmu_notifier_seq does. Every invalidate bumps a sequence before it purges; the
 * dropin reads it before the ms_range_active test and, after tfh_write_restart, re-reads it
 * together with ms_range_active: if either moved, it purges what it just dropped in and
 * retries. Against grufault.c/grutlbpurge.c (2008):
 *
 *   gru_invalidate_range_start():
 *   	atomic_inc(&gms->ms_range_active);
 *   +	atomic_inc(&gms->ms_range_seq);
 *   	gru_flush_tlb_range(gms, start, end - start);
 *   gru_invalidate_page():
 *   +	atomic_inc(&gms->ms_range_seq);
 *   	gru_flush_tlb_range(gms, address, PAGE_SIZE);
 *   gru_try_dropin():
 *   +	seq = atomic_read(&gms->ms_range_seq); smp_rmb();
 *   	if (atomic_read(&gts->ts_gms->ms_range_active))
 *   		goto failactive;
 *   	...
 *   	tfh_write_restart(tfh, gpa, GAA_RAM, vaddr, asid, write, GRU_PAGESIZE(pageshift));
 *   +	smp_mb();
 *   +	if (atomic_read(&gms->ms_range_seq) != seq || atomic_read(&gms->ms_range_active)) {
 *   +		gru_flush_tlb_range(gms, vaddr, PAGE_SIZE);
 *   +		goto again;
 *   +	}
 *
 * A range that opens and closes between the PTE lookup and the drop-in leaves the count at
 * 0 but moves the sequence: that is why a count alone (the 2008 code) cannot close it.
 */
import type { Gen } from '../../../exec/gen';
import type { K } from '../../../engine/exec';
import { sites } from '../../../exec/site';
import type { ConsumerFix } from '../../fix';
import { addFix } from '../../fix';
import { mnOf, type MnConfig } from '../state';
import type { MnScenario } from '../types';

const S = sites('gru (C14)', {
  bump: 'atomic_inc(&gms->ms_range_seq)',
  read: 'seq = atomic_read(&gms->ms_range_seq); smp_rmb()',
  recheck: 'smp_mb(); if (atomic_read(&gms->ms_range_seq) != seq || atomic_read(&gms->ms_range_active))',
  purge: 'gru_flush_tlb_range(gms, vaddr, PAGE_SIZE); goto again',
});

/** An invalidate's bump of the sequence. */
export function* gruBumpSeq(k: K): Gen {
  yield S.bump;
  mnOf(k.w).gru.ms_range_seq++;
}

/** The dropin's first read of the sequence. */
export function* gruReadSeq(k: K): Gen<number> {
  yield S.read;
  return mnOf(k.w).gru.ms_range_seq;
}

/** After the drop-in: true when it may stand, else it is purged (the caller retries). */
export function* gruRecheck(k: K, vpn: number, seq: number): Gen<boolean> {
  const g = mnOf(k.w).gru;
  yield S.recheck;
  if (g.ms_range_seq === seq && g.ms_range_active.value === 0) return true;
  yield S.purge;
  g.tlb.delete(vpn);
  return false;
}

/** C14: the GRU dropin's count-only test. */
export const C14: ConsumerFix<MnConfig, MnScenario> = {
  id: 'C14',
  consumer: 'mmu_notifier',
  kind: 'defect',
  title:
    "gru_try_dropin tests ms_range_active, then looks the PTE up without a lock or a page reference and writes the GRU TLB: a range that starts after the test (its purge runs before the drop-in) or that opens and closes between the lookup and the drop-in leaves a GRU TLB entry for a page the primary then frees; irqs off hold off the primary's flush IPI, not the notifier",
  fix: 'proposed (no upstream fix found): a sequence bumped by every invalidate, re-checked with ms_range_active after the drop-in, which is purged and retried when either moved',
  experiment: (cfg, scn) => {
    if (cfg.secondary !== 'gru-counter') return null;
    const c = addFix(cfg, 'C14');
    return c === null ? null : { cfg: c, scn };
  },
};
