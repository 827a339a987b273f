/**
 * Memory-management state under the vmap layer: physical pages, init_mm's kernel PTEs
 * (page granular, with page-table pages per PMD), one TLB per CPU, TLB fill on touch and
 * speculative fill of any present PTE, flush_tlb_kernel_range with its IPIs, and
 * flush_cache_vmap's range (kept for the cache-flush property).
 */
import type { Gen } from '../exec/gen';
import type { K, KernelMm, MmObserver } from './k';
import type { Site } from '../exec/site';
import { sites } from '../exec/site';
import { ALIAS_EV, type AliasTracker } from '../lifecycles/alias';
import type { Cpu } from './cpu';
import { WARN_ON, oops } from './assert';
import { allocAttempt, __GFP_REPEAT, GFP_KERNEL } from './slab';
import { local_irq_disable, local_irq_enable, preempt_disable, preempt_enable } from './irq';
import { Lock, spin_lock, spin_unlock } from './spinlock';
import { recorder } from './footprint';
import { WatchedMap } from './watched_map';

/** The PTE/TLB ghost hooks, declared in k.ts (KernelMm names them); re-exported for the observers. */
export type { MmObserver } from './k';

const S = sites('__pte_alloc_kernel', {
  alloc: 'new = pte_alloc_one_kernel(&init_mm, address)',
  lock: 'spin_lock(&init_mm.page_table_lock)',
  populate: 'if (pmd_present(*pmd)) pte_free_kernel(new); else pmd_populate_kernel(...)',
  unlock: 'spin_unlock(&init_mm.page_table_lock)',
});
const F = sites('flush_tlb_kernel_range', {
  ipi: 'on_each_cpu(do_flush_tlb_all, NULL, 1, 1)',
  warn: 'WARN_ON(irqs_disabled()) in native_smp_call_function_mask',
  lock: 'spin_lock(&call_lock)',
  wait: 'wait for every CPU to run the flush IPI',
  unlock: 'spin_unlock(&call_lock)',
  local: 'local_irq_disable(); func(info); local_irq_enable()',
});

/** The MM state of one run. */
export class Mm implements KernelMm {
  /** Present kernel PTEs: vpn -> pfn (writes observed: model/kernel/watched_map.ts). */
  readonly pte = new WatchedMap<number, number>();
  /** PMD indices that have a PTE page (never freed by the vmap layer). */
  readonly ptePages = new Set<number>();
  /** `init_mm.page_table_lock` */
  readonly page_table_lock = new Lock('init_mm.page_table_lock', 'init_mm.page_table_lock');
  /** arch/x86/kernel/smp.c `call_lock`, held by smp_call_function_mask while it waits. */
  readonly call_lock = new Lock('call_lock', 'call_lock');
  /** Physical pages handed out and not freed. */
  readonly livePages = new Set<number>();
  private nextPfn = 1;
  /** Metrics. */
  flushes = 0;
  ipis = 0;
  /** flush_cache_vmap calls: the range passed and the range just mapped, as vpns [start, end). */
  readonly cacheFlushes: { flushed: [number, number]; mapped: [number, number]; step: number; cpu: number; fn: string }[] = [];

  constructor(
    readonly PAGE_SHIFT: number,
    readonly PTRS_PER_PTE: number,
    readonly alias: AliasTracker,
  ) {}

  /** Virtual page number of a byte address. */
  vpn(addr: bigint): number {
    return Number(addr >> BigInt(this.PAGE_SHIFT));
  }

  /** A fresh physical page for the model's page allocator. */
  newPage(): number {
    const pfn = this.nextPfn++;
    this.livePages.add(pfn);
    return pfn;
  }

  /** `set_pte_at(&init_mm, addr, pte, mk_pte(page, prot))` */
  set_pte_at(vpn: number, pfn: number): void {
    this.pte.set(vpn, pfn);
    this.observer?.setPte(vpn);
    this.alias.send(vpn, -1, ALIAS_EV.SET_PTE);
  }

  /** `ptep_get_and_clear(&init_mm, addr, pte)`: returns the old pfn or undefined (pte_none). */
  ptep_get_and_clear(vpn: number): number | undefined {
    const old = this.pte.get(vpn);
    if (old !== undefined) this.pte.delete(vpn);
    this.alias.send(vpn, -1, ALIAS_EV.CLEAR_PTE);
    return old;
  }

  /** Does the PMD covering `vpn` have a PTE page (not pmd_none)? */
  hasPtePage(vpn: number): boolean {
    return this.ptePages.has(Math.floor(vpn / this.PTRS_PER_PTE));
  }

  /** `pte_none(*pte)` */
  pte_none(vpn: number): boolean {
    return !this.pte.has(vpn);
  }

  /** Ghost observer of PTE sets and flush calls (set by the world). */
  observer: MmObserver | null = null;

  /** Trace sink (set by the world); TLB fills and flushes are recorded when tracing. */
  onTlb: ((cpu: number, vpn: number, what: 'fill' | 'flush') => void) | null = null;

  /** Hardware fills `cpu`'s TLB from the PTE of `vpn` (touch or speculative walk). */
  fill(cpu: Cpu, vpn: number): number | undefined {
    const pfn = this.pte.get(vpn);
    if (pfn === undefined) return undefined;
    cpu.tlb.set(vpn, pfn);
    this.alias.send(vpn, cpu.id, ALIAS_EV.FILL);
    this.onTlb?.(cpu.id, vpn, 'fill');
    return pfn;
  }

  /** Flush [start, end) from one CPU's TLB. */
  flushLocal(cpu: Cpu, start: number, end: number): void {
    for (const vpn of [...cpu.tlb.keys()]) {
      if (vpn >= start && vpn < end) {
        cpu.tlb.delete(vpn);
        this.alias.send(vpn, cpu.id, ALIAS_EV.FLUSH);
        this.onTlb?.(cpu.id, vpn, 'flush');
      }
    }
  }

  /** Take every TLB-flush IPI pending on `cpu` (called when its irqs become enabled). */
  takeIpis(cpu: Cpu): void {
    // Another CPU's TLB and the sender's wait set change: not a describable footprint.
    if (recorder !== null) recorder.opaque('flush IPI taken');
    while (cpu.pendingFlush.length > 0) {
      const f = cpu.pendingFlush.shift()!;
      this.flushLocal(cpu, f.start, f.end);
      f.acks.delete(cpu);
    }
  }
}

/** The PMD index covering `vpn`. */
function pmdIndex(mm: KernelMm, vpn: number): number {
  return Math.floor(vpn / mm.PTRS_PER_PTE);
}

/**
 * `pte_alloc_kernel(pmd, addr)`: allocate the PTE page on first use of a PMD
 * (`__pte_alloc_kernel`, GFP_KERNEL: it may sleep and may fail). Returns false on -ENOMEM.
 */
export function* pte_alloc_kernel(k: K, vpn: number): Gen<boolean> {
  const mm = k.w.mm;
  const pmd = pmdIndex(mm, vpn);
  if (mm.ptePages.has(pmd)) return true;
  yield S.alloc;
  if (allocAttempt(k, S.alloc, GFP_KERNEL | __GFP_REPEAT, 'pte_alloc_one_kernel(GFP_KERNEL)')) return false;
  yield* spin_lock(k, mm.page_table_lock, S.lock);
  yield S.populate;
  mm.ptePages.add(pmd);
  yield* spin_unlock(k, mm.page_table_lock, S.unlock);
  return true;
}

/** True when `vpn` starts a new PMD relative to `prevVpn` (C's pmd_addr_end loop boundary). */
export function newPmd(mm: KernelMm, prevVpn: number | null, vpn: number): boolean {
  return prevVpn === null || pmdIndex(mm, prevVpn) !== pmdIndex(mm, vpn);
}

/**
 * `flush_cache_vmap(start, end)`: a no-op on x86, but on virtually indexed caches it must
 * cover what was just mapped; recorded (with the mapped range, a ghost argument that
 * defaults to the flushed one) for the cache-flush property.
 */
export function flush_cache_vmap(k: K, start: bigint, end: bigint, mappedStart = start, mappedEnd = end): void {
  const mm = k.w.mm;
  mm.observer?.cacheFlush(k, mm.vpn(start), mm.vpn(end));
  mm.cacheFlushes.push({ flushed: [mm.vpn(start), mm.vpn(end)], mapped: [mm.vpn(mappedStart), mm.vpn(mappedEnd)], step: k.w.stepNo, cpu: k.cpu.id, fn: k.ctx.frames.at(-1) ?? '' });
}

/**
 * `flush_tlb_kernel_range(start, end)` as 2.6.26 x86 does it: on_each_cpu() =
 * smp_call_function() (WARN_ON(irqs_disabled()), spin_lock(&call_lock), IPI every other
 * online CPU and wait until each has run the flush, spin_unlock) then
 * `local_irq_disable(); flush; local_irq_enable()` on this CPU — so a caller that had irqs
 * disabled returns with them enabled. A CPU with irqs disabled takes the IPI only when it
 * re-enables them, so the caller can deadlock against it. The range flushed is [start, end)
 * (the DESIGN's semantics; x86's do_flush_tlb_all flushes everything).
 */
export function* flush_tlb_kernel_range(k: K, start: bigint, end: bigint, site: Site): Gen {
  yield site;
  const mm = k.w.mm;
  const s = mm.vpn(start);
  const e = mm.vpn(end + (1n << BigInt(mm.PAGE_SHIFT)) - 1n);
  mm.observer?.flushRange(k, s, e);
  mm.flushes++;
  preempt_disable(k);
  WARN_ON(k, !k.cpu.irqsEnabled, F.warn, 'irqs_disabled() in smp_call_function_mask');
  yield* spin_lock(k, mm.call_lock, F.lock);
  const acks = new Set<Cpu>();
  for (const c of k.w.cpus) {
    if (c === k.cpu) continue;
    mm.ipis++;
    if (c.irqsEnabled) mm.flushLocal(c, s, e);
    else {
      acks.add(c);
      c.pendingFlush.push({ start: s, end: e, acks });
    }
  }
  if (acks.size > 0) {
    k.ctx.wait = { kind: 'ipi', pending: acks };
    yield F.wait;
    k.ctx.wait = null;
  }
  yield* spin_unlock(k, mm.call_lock, F.unlock);
  yield F.local;
  local_irq_disable(k);
  mm.flushLocal(k.cpu, s, e);
  local_irq_enable(k);
  preempt_enable(k);
}

/** The user touches `addr`: translate through this CPU's TLB, else walk the PTE and fill. */
export function touch(k: K, addr: bigint, site: Site): number {
  const mm = k.w.mm;
  const vpn = mm.vpn(addr);
  const cached = k.cpu.tlb.get(vpn);
  if (cached !== undefined) return cached;
  const pfn = mm.fill(k.cpu, vpn);
  if (pfn === undefined) oops(k, site, `BUG: unable to handle kernel paging request at ${k.w.word.hex(addr)} (no PTE)`);
  return pfn;
}
