/**
 * Address-space layouts: the arch constants the seed's formulas are evaluated with.
 *
 * A layout is data. The seed's derived constants (VMAP_BBMAP_BITS, VMAP_BLOCK_SIZE,
 * lazy_max_pages, ...) are computed by the variant code from these, with the seed's own
 * formulas; tiny layouts shrink the *inputs* (VMALLOC_SPACE, VMAP_MAX_ALLOC, ...), never
 * the formulas.
 */
import type { WordBits } from '../kernel/word';

/** One named layout. All addresses are byte addresses. */
export interface Layout {
  readonly name: string;
  readonly description: string;
  readonly BITS_PER_LONG: WordBits;
  readonly PAGE_SHIFT: number;
  readonly VMALLOC_START: bigint;
  readonly VMALLOC_END: bigint;
  /** Compile-time NR_CPUS used by VMAP_BBMAP_BITS (separate from CPUs simulated). */
  readonly NR_CPUS: number;
  /** PTEs per page-table page: one pte_alloc_kernel per PTRS_PER_PTE pages. */
  readonly PTRS_PER_PTE: number;
  /** The seed's `VMALLOC_SPACE` guess (128 MB on 32-bit, 128 GB on 64-bit). */
  readonly VMALLOC_SPACE: bigint;
  /** The seed's `VMAP_MAX_ALLOC` (defined as BITS_PER_LONG). */
  readonly VMAP_MAX_ALLOC: number;
  /** The seed's `VMAP_BBMAP_BITS_MAX` (1024). */
  readonly VMAP_BBMAP_BITS_MAX: number;
  /** The `32UL * 1024 * 1024` of lazy_max_pages (bytes of lazy KVA per log2 CPU). */
  readonly LAZY_BYTES_PER_LOG: bigint;
  /** include/linux/vmalloc.h IOREMAP_MAX_ORDER (7 + PAGE_SHIFT). */
  readonly IOREMAP_MAX_ORDER: number;
  /** `num_physpages`, which vmap and vmalloc compare the request against. */
  readonly num_physpages: number;
}

const MB = 1024n * 1024n;
const GB = 1024n * MB;

/** The real x86-32 layout of a 2008 non-PAE HIGHMEM kernel with 896 MB lowmem. */
export const X86_32: Layout = {
  name: 'x86-32',
  description: 'i386 non-PAE HIGHMEM, 896MB lowmem: vmalloc 0xf8800000-0xffbfe000 (dmesg "virtual kernel memory layout")',
  BITS_PER_LONG: 32,
  PAGE_SHIFT: 12,
  VMALLOC_START: 0xf8800000n,
  VMALLOC_END: 0xffbfe000n,
  NR_CPUS: 8,
  PTRS_PER_PTE: 1024,
  VMALLOC_SPACE: 128n * MB,
  VMAP_MAX_ALLOC: 32,
  VMAP_BBMAP_BITS_MAX: 1024,
  LAZY_BYTES_PER_LOG: 32n * MB,
  IOREMAP_MAX_ORDER: 7 + 12,
  num_physpages: 262144,
};

/** The real x86-64 layout (Documentation/x86_64/mm.txt, 2008). */
export const X86_64: Layout = {
  name: 'x86-64',
  description: 'x86_64: vmalloc 0xffffc20000000000-0xffffe1ffffffffff, NR_CPUS 64',
  BITS_PER_LONG: 64,
  PAGE_SHIFT: 12,
  VMALLOC_START: 0xffffc20000000000n,
  VMALLOC_END: 0xffffe1ffffffffffn,
  NR_CPUS: 64,
  PTRS_PER_PTE: 512,
  VMALLOC_SPACE: 128n * GB,
  VMAP_MAX_ALLOC: 64,
  VMAP_BBMAP_BITS_MAX: 1024,
  LAZY_BYTES_PER_LOG: 32n * MB,
  IOREMAP_MAX_ORDER: 7 + 12,
  num_physpages: 1048576,
};

/**
 * Tiny: 48 pages of vmalloc space, 8-page vmap blocks, a lazy limit of fls(cpus) * 4 pages,
 * 16 PTEs per page-table page, so purges, full blocks, block frees and allocation failures
 * happen within a few operations. Obtained by overriding VMALLOC_SPACE, VMAP_MAX_ALLOC,
 * VMAP_BBMAP_BITS_MAX and the lazy scale; the formulas are the seed's.
 */
export const TINY: Layout = {
  name: 'tiny',
  description: '32-bit, 48 vmalloc pages, 8-page blocks (VMAP_MAX_ALLOC 4), lazy limit fls(cpus)*4 pages',
  BITS_PER_LONG: 32,
  PAGE_SHIFT: 12,
  VMALLOC_START: 0xf8800000n,
  VMALLOC_END: 0xf8830000n,
  NR_CPUS: 4,
  PTRS_PER_PTE: 16,
  VMALLOC_SPACE: 0x30000n,
  VMAP_MAX_ALLOC: 4,
  VMAP_BBMAP_BITS_MAX: 8,
  LAZY_BYTES_PER_LOG: 4n * 4096n,
  IOREMAP_MAX_ORDER: 7 + 12,
  num_physpages: 4096,
};

/**
 * Tiny, placed at the top of the 32-bit address space, as on a !HIGHMEM i386 kernel whose
 * VMALLOC_END is FIXADDR_START - 2 pages: exposes ALIGN wrap-around past ULONG_MAX.
 */
export const TINY_TOP: Layout = {
  ...TINY,
  name: 'tiny-top',
  description: 'tiny, with vmalloc ending 2 pages below the top of the 32-bit address space',
  VMALLOC_START: 0xfffce000n,
  VMALLOC_END: 0xffffe000n,
};

/**
 * Tiny with 12-page blocks: VMALLOC_PAGES / NR_CPUS / 16 lands between the min and the
 * max and is not a power of two, as x86-32 gives for NR_CPUS=6 (341 bits).
 */
export const TINY_NONPOW2: Layout = {
  ...TINY,
  name: 'tiny-nonpow2',
  description: 'tiny, but VMAP_BBMAP_BITS = 12 (not a power of two), as x86-32 with NR_CPUS=6 gives 341',
  VMALLOC_SPACE: 0x30000n * 4n,
  NR_CPUS: 1,
  VMAP_BBMAP_BITS_MAX: 16,
};

/** Every named layout. */
export const LAYOUTS: Readonly<Record<string, Layout>> = {
  tiny: TINY,
  'tiny-top': TINY_TOP,
  'tiny-nonpow2': TINY_NONPOW2,
  'x86-32': X86_32,
  'x86-64': X86_64,
};
