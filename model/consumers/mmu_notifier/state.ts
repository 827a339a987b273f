/**
 * The state of the MMU-notifier consumer (seed 003): one user mm (its PTEs, the pte lock,
 * mmap_sem, the anon_vma lock, its mmu_notifier_mm list), the pages of a page allocator that
 * reuses freed pages, an XIP file mapped by two private read-only vmas (mm/filemap_xip.c's
 * __xip_sparse_page, xip_alloc_lock, i_mmap_lock, the file's allocated blocks), and the
 * secondary MMUs: KVM-style (sptes + a secondary TLB, under kvm->mmu_lock) or GRU-style
 * (a secondary TLB only, with an atomic ms_range_active).
 */
import type { World } from '../../engine/world';
import { Lock } from '../../kernel/spinlock';
import { Atomic } from '../../kernel/atomic';
import type { Context } from '../../kernel/cpu';

/** Which secondary MMU is attached and which fault-path rule it follows. */
export type SecondaryVersion =
  /** KVM-style, the seed's rule as stated: no spte while the invalidate-range count is non-zero (checked under mmu_lock). */
  | 'kvm-counter'
  /** KVM-style with the fix KVM merged (e930bffe, outside the seed): mmu_notifier_seq read before gfn_to_pfn, mmu_notifier_retry at install. */
  | 'kvm-seq'
  /** GRU-style: TLB only; gru_try_dropin checks ms_range_active, then looks the PTE up with irqs off and drops the translation in. */
  | 'gru-counter';

/** filemap_xip.c as posted; without xip_sparse_page's re-check under xip_alloc_lock; with vm_insert_mixed's -EBUSY tolerated; or also with later filemap_xip.c's xip_sparse_seq/xip_sparse_mutex (see filemap_xip.ts). */
export type XipVersion = 'as-posted' | 'without-recheck' | 'ebusy-fixed' | 'sparse-seq-fixed';

/** Configuration of one run. */
export interface MnConfig {
  readonly secondary: SecondaryVersion;
  readonly xip: XipVersion;
  /** Consumer fixes added (mmu_notifier/fixes/: C14 GRU dropin recheck, C15 -EBUSY tolerated, C16 xip_sparse_seq). */
  readonly fixes?: readonly string[];
}

/** Does the run's code have consumer fix `id`? (C15/C16 are also part of the later xip versions.) */
export function mnHas(cfg: MnConfig, id: string): boolean {
  if ((cfg.fixes ?? []).includes(id)) return true;
  if (id === 'C15') return cfg.xip === 'ebusy-fixed' || cfg.xip === 'sparse-seq-fixed';
  if (id === 'C16') return cfg.xip === 'sparse-seq-fixed';
  return false;
}

/** `struct page` of the model's allocator. */
export interface Page {
  readonly pfn: number;
  /** `_count` */
  count: number;
  freed: boolean;
  /** Incremented each time the allocator hands the page out again (reuse). */
  gen: number;
}

/** One secondary translation (spte or secondary-TLB entry): the page and its generation when made. */
export interface STrans {
  readonly pfn: number;
  readonly gen: number;
  young: boolean;
}

/** A vma of the user mm. */
export interface Vma {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** File-backed (the XIP file) with this vm_pgoff, or anonymous. */
  readonly file: boolean;
  readonly pgoff: number;
}

/** `struct kvm`'s MMU part. */
export class KvmMmu {
  readonly mmu_lock = new Lock('kvm->mmu_lock', 'kvm->mmu_lock');
  mmu_notifier_count = 0;
  mmu_notifier_seq = 0;
  readonly sptes = new Map<number, STrans>();
  /** The guest's hardware TLB (all vcpus): refilled from sptes, dropped by kvm_flush_remote_tlbs. */
  readonly tlb = new Map<number, STrans>();
}

/** `struct gru_mm_struct`'s part the notifier uses, plus the GRU TLB. */
export class GruMmu {
  readonly ms_range_active = new Atomic('gms->ms_range_active');
  readonly tlb = new Map<number, STrans>();
  /** C14's invalidate sequence (not in the 2008 driver): bumped by every invalidate before it purges. */
  ms_range_seq = 0;
}

/** A range the primary has opened: invalidate_range_start returned, invalidate_range_end not yet called (ghost). */
export interface OpenRange {
  readonly start: number;
  readonly end: number;
  readonly cpu: number;
}

/** Everything of the MMU-notifier consumer in one run. */
export class MnState {
  readonly pages: Page[] = [];
  private readonly freeList: Page[] = [];
  /** The user mm's PTEs: vpn -> pfn (pfns >= XIP_PFN_BASE are XIP memory, not allocator pages). */
  readonly pte = new Map<number, number>();
  readonly ptl = new Lock('mm->page_table_lock', 'mm->page_table_lock');
  /** mmap_sem (an rw_semaphore; the model's rwlock blocks the same way). */
  readonly mmap_sem = new Lock('mm->mmap_sem', 'mm->mmap_sem', true);
  readonly anon_vma_lock = new Lock('anon_vma->lock', 'anon_vma->lock');
  readonly i_mmap_lock = new Lock('mapping->i_mmap_lock', 'mapping->i_mmap_lock');
  readonly i_mutex = new Lock('inode->i_mutex', 'inode->i_mutex');
  readonly xip_alloc_lock = new Lock('xip_alloc_lock', 'xip_alloc_lock');
  /** Later filemap_xip.c: `xip_sparse_mutex` (a mutex; blocking like the model's locks) and `xip_sparse_seq`. */
  readonly xip_sparse_mutex = new Lock('xip_sparse_mutex', 'xip_sparse_mutex');
  xip_sparse_seq = 0;
  readonly notifier_lock = new Lock('mm->mmu_notifier_mm->lock', 'mmu_notifier_mm->lock');
  /** `mm->mmu_notifier_mm->list`: the attached secondaries. */
  readonly notifiers: ('kvm' | 'gru')[] = [];
  readonly vmas: Vma[] = [
    { name: 'anon', start: 0, end: 4, file: false, pgoff: 0 },
    { name: 'xip0', start: 8, end: 10, file: true, pgoff: 0 },
    { name: 'xip1', start: 12, end: 14, file: true, pgoff: 0 },
  ];
  /** The XIP file's blocks that exist (get_xip_mem finds them); others are holes (-ENODATA). */
  readonly blocks = new Set<number>();
  /** `static struct page *__xip_sparse_page` */
  __xip_sparse_page: Page | null = null;
  readonly kvm = new KvmMmu();
  readonly gru = new GruMmu();
  /** Ghost: open invalidate ranges (for the property). */
  readonly open: OpenRange[] = [];
  /** Ghost: secondary translations established: vpn, step, cpu, what. */
  readonly installs: { vpn: number; step: number; cpu: number; what: string }[] = [];
  /** Ghost: pages xip_sparse_page allocated, and what each call returned. */
  readonly sparseAllocated: Page[] = [];
  readonly sparseReturned: (Page | null)[] = [];
  /** Contexts waiting to re-fault, with the condition that lets them run (see kvm_fault.ts). */
  readonly retry = new Map<Context, () => boolean>();

  constructor(readonly cfg: MnConfig) {}

  /** `alloc_page(GFP_HIGHUSER | __GFP_ZERO)`: reuses the most recently freed page (never fails in the model). */
  allocPage(): Page {
    const p = this.freeList.pop();
    if (p !== undefined) {
      p.freed = false;
      p.count = 1;
      p.gen++;
      return p;
    }
    const n: Page = { pfn: this.pages.length + 1, count: 1, freed: false, gen: 0 };
    this.pages.push(n);
    return n;
  }

  /** `put_page` / `page_cache_release` / `__free_page`: drop a reference, free at zero. */
  putPage(p: Page): void {
    if (p.freed) throw new Error(`put_page on free page pfn ${p.pfn}: the model's bug`);
    if (--p.count === 0) {
      p.freed = true;
      this.freeList.push(p);
    }
  }

  /** The page of a pfn, or undefined for XIP memory. */
  page(pfn: number): Page | undefined {
    return pfn >= XIP_PFN_BASE ? undefined : this.pages[pfn - 1];
  }

  /** The vma covering `vpn`. */
  vma(vpn: number): Vma | undefined {
    return this.vmas.find((v) => vpn >= v.start && vpn < v.end);
  }
}

/** XIP memory pfns (get_xip_mem's xip_pfn = XIP_PFN_BASE + pgoff): not allocator pages. */
export const XIP_PFN_BASE = 0x10000;

/** Build the state. */
export function initMn(w: World, cfg: MnConfig): MnState {
  const s = new MnState(cfg);
  w.layer = s;
  return s;
}

/** The MMU-notifier state of a world. */
export function mnOf(w: World): MnState {
  return w.layer as MnState;
}
