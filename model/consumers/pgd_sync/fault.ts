/**
 * arch/i386/mm/fault.c: vmalloc_sync_one, vmalloc_fault, the kernel-address part of
 * do_page_fault, and _vmalloc_sync_all / vmalloc_sync_all as seed 001 has them.
 *
 * The seed shows _vmalloc_sync_all's header, statics, `BUG_ON(SHARED_KERNEL_PMD)`, the
 * loop `for (address = start; address >= TASK_SIZE; address += PGDIR_SIZE)` and its last
 * statement; the loop body, vmalloc_sync_one and vmalloc_fault are not in the seeds and are
 * ported from 2.6.20's arch/i386/mm/fault.c, which the seed's diff applies to (DIVERGENCE:
 * from the tree, not from a seed). The walk of pgd_list is the seed's singly linked
 * `page->index` chain.
 *
 * do_page_fault has two orders (config `faultPath`):
 *  - 'i386' (2.6.20 as merged): `if (address >= TASK_SIZE) { if (!(error_code & 0x0000000d)
 *    && vmalloc_fault(address) >= 0) return; ... goto bad_area_nosemaphore; }` comes BEFORE
 *    `if (in_atomic() || !mm) goto bad_area_nosemaphore;` — a vmalloc fault is handled in
 *    atomic context, even in hardirq (Andrew Morton's second reply in seed 000).
 *  - 'objection': the order the review's first objection assumed ("the pagefault handler
 *    will see in_atomic() and will scram"): the in_atomic() test first. `!mm` is not
 *    modelled (the consumer runs in a task with an mm).
 */
import { kfn, type Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { BUG_ON, oops } from '../../kernel/assert';
import { spin_lock_irqsave, spin_unlock_irqrestore } from '../../kernel/spinlock';
import { GEO, PGDIR_SHIFT, type PgdPage, type PmdPage, pgs, pmdIndex, swapperHas } from './state';
import { SHARED_KERNEL_PMD } from './pgtable';

const O = sites('vmalloc_sync_one', {
  pmd_k: 'pmd_k = pmd_offset(pud_k, address); if (!pmd_present(*pmd_k)) return NULL',
  pmd: 'pmd = pmd_offset(pud, address) (reads pgd[index])',
  set: 'if (!pmd_present(*pmd)) set_pmd(pmd, *pmd_k); else BUG_ON(pmd_page(*pmd) != pmd_page(*pmd_k))',
});
const V = sites('vmalloc_fault', {
  cr3: 'pgd_paddr = read_cr3()',
  pte: 'pte_k = pte_offset_kernel(pmd_k, address); if (!pte_present(*pte_k)) return -1',
});
const D = sites('do_page_fault', {
  atomic: 'if (in_atomic() || !mm) goto bad_area_nosemaphore',
  vmalloc: 'if (!(error_code & 0x0000000d) && vmalloc_fault(address) >= 0) return',
  fixup: 'no_context: if (fixup_exception(regs)) return',
});
const S = sites('_vmalloc_sync_all', {
  bug: 'BUG_ON(SHARED_KERNEL_PMD)',
  start: 'for (address = start; address >= TASK_SIZE; address += PGDIR_SIZE)',
  test: 'if (!test_bit(pgd_index(address), insync))',
  lock: 'spin_lock_irqsave(&pgd_lock, flags)',
  walk: 'for (page = pgd_list; page; page = (struct page *)page->index)',
  bugon: 'BUG_ON(page != pgd_list)',
  unlock: 'spin_unlock_irqrestore(&pgd_lock, flags)',
  set: 'if (!page) set_bit(pgd_index(address), insync)',
  cursor: 'if (address == start && test_bit(pgd_index(address), insync)) start = address + PGDIR_SIZE',
});
const W = sites('(hardware) page walk', {
  walk: 'MMU walks cr3 -> pgd -> pmd -> pte',
});

/** Does `pgd` (or init_mm) have kernel PMD entry `i`? Model reading, no step. */
export function pgdHasPmd(k: K, pgd: PgdPage | 'swapper', i: number): boolean {
  if (pgd === 'swapper') return swapperHas(k.w, i);
  const s = pgs(k.w);
  if (s.mode === 'non-pae') return pgd.kent.entries.has(i);
  const t = pgd.pae[GEO.PAE_USER_PTRS] ?? null;
  if (t === null || t.freed) return false;
  return t === s.swapperPmd ? swapperHas(k.w, i) : t.entries.has(i);
}

/** `vmalloc_sync_one(pgd, address)`: copy init_mm's pmd entry for `address` into `pgd`; pmd_k or null. */
export const vmalloc_sync_one = kfn('vmalloc_sync_one', function* (k: K, pgd: PgdPage | 'swapper', address: bigint): Gen<boolean> {
  const s = pgs(k.w);
  const i = pmdIndex(address);
  // pgd_present(*pgd_k) and pud_present(*pud_k) are constant 1 here: 2-level folding, or
  // swapper_pg_dir[3] on PAE. The test that can fail is pmd_present(*pmd_k).
  yield O.pmd_k;
  if (!swapperHas(k.w, i)) return false;
  if (pgd === 'swapper') return true;
  let table: PmdPage | null;
  if (s.mode === 'non-pae') table = pgd.kent;
  else {
    yield O.pmd;
    table = pgd.pae[GEO.PAE_USER_PTRS] ?? null;
    if (table === null) {
      // pgd[3] not present: pmd_offset computes __va(0) + index, physical page 0, and the
      // set_pmd below writes there. The model reports it and drops the write.
      s.observers.forEach((o) => o.wildPmd?.(k, pgd, `pgd#${pgd.id}[3] is not present (pgd_alloc has not installed its kernel pmd): set_pmd would write into physical page 0`));
      yield O.set;
      return true;
    }
    if (table.freed) s.observers.forEach((o) => o.wildPmd?.(k, pgd, `pgd#${pgd.id}[3] points to ${table!.what}#${table!.id}, freed by pgd_free: vmalloc_sync_one reads (and may write) a freed page`));
  }
  yield O.set;
  const present = table === s.swapperPmd ? swapperHas(k.w, i) : table.entries.has(i);
  // pmd_page(*pmd) != pmd_page(*pmd_k) cannot happen: a kernel PMD's PTE page is never replaced.
  if (!present) table.entries.add(i);
  return true;
});

/** `vmalloc_fault(address)`: 0 when the fault is resolved, -1 otherwise. */
const vmalloc_fault = kfn('vmalloc_fault', function* (k: K, address: bigint): Gen<number> {
  const s = pgs(k.w);
  yield V.cr3;
  const pgd = s.cr3[k.cpu.id]!;
  if (!(yield* vmalloc_sync_one(k, pgd, address))) return -1;
  yield V.pte;
  if (!k.w.mm.pte.has(k.w.mm.vpn(address))) return -1;
  return 0;
});

/** The kernel-address path of `do_page_fault` (error_code 0: a read of a non-present page): true when handled. */
export const do_page_fault = kfn('do_page_fault', function* (k: K, address: bigint): Gen<boolean> {
  const s = pgs(k.w);
  if (s.faultPath === 'objection') {
    yield D.atomic;
    if (k.cpu.inAtomic()) {
      s.observers.forEach((o) => o.faultRefused?.(k, address, 'in_atomic() is tested before the vmalloc fault: the handler goes to bad_area_nosemaphore'));
      return false;
    }
  }
  yield D.vmalloc;
  if ((yield* vmalloc_fault(k, address)) >= 0) return true;
  return false;
});

/**
 * A kernel access of `addr` through this CPU's page tables (the MMU): TLB, else walk cr3's
 * pgd and pmd to init_mm's PTE; a miss faults. `__get_user` returns -EFAULT through the
 * exception fixup when the fault is not handled; a plain access oopses.
 */
export function* kernel_access(k: K, addr: bigint, how: '__get_user' | 'access'): Gen<number> {
  const mm = k.w.mm;
  const vpn = mm.vpn(addr);
  for (let tries = 0; tries < 2; tries++) {
    yield W.walk;
    if (k.cpu.tlb.has(vpn)) return 0;
    if (pgdHasPmd(k, pgs(k.w).cr3[k.cpu.id]!, pmdIndex(addr)) && mm.pte.has(vpn)) {
      mm.fill(k.cpu, vpn);
      return 0;
    }
    if (tries === 1 || !(yield* do_page_fault(k, addr))) break;
  }
  yield D.fixup;
  if (how === '__get_user') return -14; // -EFAULT
  oops(k, D.fixup, `BUG: unable to handle kernel paging request at ${k.w.word.hex(addr)}`);
}

/** `_vmalloc_sync_all()`; a fix point. */
export const _vmalloc_sync_all = kfn('_vmalloc_sync_all', function* (k: K): Gen {
  const s = pgs(k.w);
  if (s.fixed._vmalloc_sync_all) return yield* s.fixed._vmalloc_sync_all(k);
  const W32 = k.w.word;
  const PGDIR_SIZE = 1n << BigInt(PGDIR_SHIFT(s.mode));
  const pgd_index = (a: bigint): number => Number(a >> BigInt(PGDIR_SHIFT(s.mode)));
  yield S.bug;
  BUG_ON(k, SHARED_KERNEL_PMD(k), S.bug, 'SHARED_KERNEL_PMD');
  yield S.start;
  for (let address = s.start; address >= GEO.TASK_SIZE; address = W32.add(address, PGDIR_SIZE)) {
    yield S.test;
    if (!s.insync.has(pgd_index(address))) {
      const flags = yield* spin_lock_irqsave(k, s.pgd_lock, S.lock);
      let page: PgdPage | null = s.pgd_list;
      for (; page !== null; page = page.index) {
        yield S.walk;
        if (!(yield* vmalloc_sync_one(k, page, address))) {
          yield S.bugon;
          BUG_ON(k, page !== s.pgd_list, S.bugon, 'page != pgd_list');
          break;
        }
      }
      yield* spin_unlock_irqrestore(k, s.pgd_lock, flags, S.unlock);
      yield S.set;
      if (page === null) s.insync.add(pgd_index(address));
    }
    yield S.cursor;
    if (address === s.start && s.insync.has(pgd_index(address))) s.start = W32.add(address, PGDIR_SIZE);
  }
});

/** `vmalloc_sync_all()`: `if (!SHARED_KERNEL_PMD) _vmalloc_sync_all();` (the seed's inline). */
export const vmalloc_sync_all = kfn('vmalloc_sync_all', function* (k: K): Gen {
  const s = pgs(k.w);
  s.observers.forEach((o) => o.syncAllBegin?.(k));
  if (!SHARED_KERNEL_PMD(k)) yield* _vmalloc_sync_all(k);
  s.observers.forEach((o) => o.syncAllEnd?.(k));
});
