/**
 * The MMU-notifier consumer's ops, as data: the secondary MMU's driver registering its
 * notifier, the secondary's accesses (KVM guest access / GRU TLB miss), and the primary MM's
 * events — a user fault, madvise(MADV_DONTNEED), reclaim of an anonymous page, aging, and
 * an XIP write that fills a hole (and so unmaps the sparse page there).
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import type { MnOp } from './types';
import { mnOf } from './state';
import { mmu_notifier_register } from './mmu_notifier';
import { page_referenced_one, reclaim_page, user_fault, zap_page_range } from './primary';
import { __xip_file_write } from './filemap_xip';
import { kvm_guest_access } from './kvm_fault';
import { gru_access } from './gru_fault';

/** The op type, declared in types.ts (below the fixes that name it); re-exported for the op's users. */
export type { MnOp } from './types';

/** C-like text of an op. */
export function mnOpText(o: MnOp): string {
  switch (o.op) {
    case 'register':
      return `#${o.id} mmu_notifier_register(&mn, mm)`;
    case 'saccess':
      return `#${o.id} secondary access vpn ${o.vpn}`;
    case 'fault':
      return `#${o.id} user fault vpn ${o.vpn}`;
    case 'zap':
      return `#${o.id} madvise(vpn ${o.vpn}, ${o.n} pages, MADV_DONTNEED)`;
    case 'reclaim':
      return `#${o.id} reclaim page at vpn ${o.vpn} (try_to_unmap_one)`;
    case 'young':
      return `#${o.id} page_referenced_one(vpn ${o.vpn})`;
    case 'xip_write':
      return `#${o.id} xip_file_write(pgoff ${o.pgoff})`;
  }
}

/** Run one op. */
export function* mnExec(k: K, o: MnOp): Gen {
  const s = mnOf(k.w);
  const sec = s.cfg.secondary === 'gru-counter' ? 'gru' : 'kvm';
  switch (o.op) {
    case 'register':
      yield* mmu_notifier_register(k, sec);
      return;
    case 'saccess':
      if (sec === 'kvm') yield* kvm_guest_access(k, o.vpn);
      else yield* gru_access(k, o.vpn);
      return;
    case 'fault':
      yield* user_fault(k, o.vpn);
      return;
    case 'zap':
      yield* zap_page_range(k, o.vpn, o.n);
      return;
    case 'reclaim':
      yield* reclaim_page(k, o.vpn);
      return;
    case 'young':
      yield* page_referenced_one(k, o.vpn);
      return;
    case 'xip_write':
      yield* __xip_file_write(k, o.pgoff);
      return;
  }
}
