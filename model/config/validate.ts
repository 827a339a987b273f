/**
 * Layout and run validation: an impossible configuration is refused with an error that
 * names the field, the problem and the fix, before any step runs.
 */
import type { Layout } from './layout';

/** A configuration that cannot describe a kernel. */
export class ConfigError extends Error {}

function need(ok: boolean, layout: string, what: string, fix: string): void {
  if (!ok) throw new ConfigError(`layout '${layout}': ${what}; ${fix}`);
}

const isPow2 = (x: bigint): boolean => x > 0n && (x & (x - 1n)) === 0n;

/** Check a layout's constants; returns it unchanged when valid. */
export function validateLayout(l: Layout): Layout {
  const n = l.name;
  need(l.BITS_PER_LONG === 32 || l.BITS_PER_LONG === 64, n, `BITS_PER_LONG is ${l.BITS_PER_LONG}`, 'use 32 or 64');
  need(Number.isInteger(l.PAGE_SHIFT) && l.PAGE_SHIFT >= 10 && l.PAGE_SHIFT <= 16, n, `PAGE_SHIFT is ${l.PAGE_SHIFT}`, 'use 10..16 (12 for 4 KiB pages)');
  const max = (1n << BigInt(l.BITS_PER_LONG)) - 1n;
  const page = 1n << BigInt(l.PAGE_SHIFT);
  need(l.VMALLOC_START > 0n && l.VMALLOC_END <= max, n, `vmalloc range [0x${l.VMALLOC_START.toString(16)}, 0x${l.VMALLOC_END.toString(16)}] is outside a ${l.BITS_PER_LONG}-bit address space`, 'pick addresses below 2^BITS_PER_LONG');
  need(l.VMALLOC_START < l.VMALLOC_END, n, 'VMALLOC_START is not below VMALLOC_END', 'swap or fix them');
  need((l.VMALLOC_START & (page - 1n)) === 0n, n, 'VMALLOC_START is not page aligned', 'align it to PAGE_SIZE');
  need(l.VMALLOC_END - l.VMALLOC_START >= 8n * page, n, 'the vmalloc range is smaller than 8 pages', 'make it larger (tiny uses 48 pages)');
  need(Number.isInteger(l.NR_CPUS) && l.NR_CPUS >= 1, n, `NR_CPUS is ${l.NR_CPUS}`, 'use a positive integer');
  need(isPow2(BigInt(l.PTRS_PER_PTE)), n, `PTRS_PER_PTE is ${l.PTRS_PER_PTE}`, 'use a power of two (x86: 512 or 1024)');
  need(l.VMALLOC_SPACE >= page && l.VMALLOC_SPACE % page === 0n, n, 'VMALLOC_SPACE is not a positive multiple of PAGE_SIZE', 'the seed uses 128 MB (32-bit) or 128 GB (64-bit)');
  need(Number.isInteger(l.VMAP_MAX_ALLOC) && l.VMAP_MAX_ALLOC >= 1, n, `VMAP_MAX_ALLOC is ${l.VMAP_MAX_ALLOC}`, 'the seed uses BITS_PER_LONG');
  need(Number.isInteger(l.VMAP_BBMAP_BITS_MAX) && l.VMAP_BBMAP_BITS_MAX >= 1, n, `VMAP_BBMAP_BITS_MAX is ${l.VMAP_BBMAP_BITS_MAX}`, 'the seed uses 1024');
  need(l.LAZY_BYTES_PER_LOG >= page, n, 'the lazy scale is below one page', 'the seed uses 32 MB');
  need(l.IOREMAP_MAX_ORDER >= l.PAGE_SHIFT, n, 'IOREMAP_MAX_ORDER is below PAGE_SHIFT', 'the kernel uses 7 + PAGE_SHIFT');
  need(Number.isInteger(l.num_physpages) && l.num_physpages >= 1, n, `num_physpages is ${l.num_physpages}`, 'use a positive page count');
  return l;
}

/** Check a layout and the number of simulated (online) CPUs together. */
export function validateRun(l: Layout, cpus: number): void {
  validateLayout(l);
  if (!Number.isInteger(cpus) || cpus < 1) throw new ConfigError(`${cpus} simulated CPUs: simulate at least one CPU`);
  if (cpus > l.NR_CPUS) throw new ConfigError(`${cpus} CPUs online but layout '${l.name}' has NR_CPUS=${l.NR_CPUS}; raise NR_CPUS or simulate fewer CPUs`);
}
