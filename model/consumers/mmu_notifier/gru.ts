/**
 * The GRU-style secondary MMU's notifier callbacks (drivers/misc/sgi-gru/grutlbpurge.c,
 * 2008): no sptes, only a TLB. range_start counts the open range in ms_range_active and
 * purges the range; range_end drops the count and wakes waiters; invalidate_page purges
 * the page. GRU has no clear_flush_young.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { atomic_add, atomic_sub } from '../../kernel/atomic';
import { mnHas, mnOf } from './state';
import { gruBumpSeq } from './fixes/C14_gru_dropin_recheck';

const S = sites('gru_invalidate_range_start', {
  inc: 'atomic_inc(&gms->ms_range_active)',
  flush: 'gru_flush_tlb_range(gms, start, end - start)',
});
const E = sites('gru_invalidate_range_end', {
  dec: 'atomic_dec(&gms->ms_range_active)',
  wake: 'wake_up_all(&gms->ms_wait_queue)',
});
const P = sites('gru_invalidate_page', { flush: 'gru_flush_tlb_range(gms, address, PAGE_SIZE)' });

function purge(k: K, start: number, end: number): void {
  const t = mnOf(k.w).gru.tlb;
  for (const v of [...t.keys()]) if (v >= start && v < end) t.delete(v);
}

/** `->invalidate_range_start` */
export function* gru_invalidate_range_start(k: K, start: number, end: number): Gen {
  yield* atomic_add(k, mnOf(k.w).gru.ms_range_active, 1, S.inc);
  if (mnHas(mnOf(k.w).cfg, 'C14')) yield* gruBumpSeq(k);
  yield S.flush;
  purge(k, start, end);
}

/** `->invalidate_range_end` */
export function* gru_invalidate_range_end(k: K): Gen {
  yield* atomic_sub(k, mnOf(k.w).gru.ms_range_active, 1, E.dec);
  yield E.wake;
}

/** `->invalidate_page` */
export function* gru_invalidate_page(k: K, vpn: number): Gen {
  if (mnHas(mnOf(k.w).cfg, 'C14')) yield* gruBumpSeq(k);
  yield P.flush;
  purge(k, vpn, vpn + 1);
}
