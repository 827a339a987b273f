/**
 * An allocation fails only when no fitting hole exists after the purge.
 *
 * Each failed alloc_vmap_area records the areas present when it gave up, marking those that
 * were already lazily freed when its purge-and-retry began. If the hole search (the same
 * first-fit rule as the C: one page between areas, ALIGN after each) fits the request once
 * those areas are gone, the purge the allocator relied on did not purge them — e.g. because
 * purge_vmap_area_lazy's trylock found another purge in progress.
 */
import type { World } from '../model/engine/world';
import { hex, type Property } from './property';

/**
 * Does `size` fit in [vstart, vend] among `areas` (sorted, disjoint) by the C's rule:
 * start at ALIGN(vstart), and while the request would reach the next area's start, move to
 * ALIGN(area end + PAGE_SIZE). Unlike the seed, a wrap past ULONG_MAX means "no hole".
 */
export function holeFits(w: World, areas: readonly { start: bigint; end: bigint }[], size: bigint, align: bigint, vstart: bigint, vend: bigint): boolean {
  const W = w.word;
  const PAGE = 1n << BigInt(w.layout.PAGE_SHIFT);
  let addr = W.ALIGN(vstart, align);
  let i = areas.findIndex((a) => a.end >= addr);
  if (i < 0) i = areas.length;
  for (; i < areas.length; i++) {
    const a = areas[i]!;
    if (!(W.add(addr, size) >= a.start && W.add(addr, size) <= vend)) break;
    const next = W.ALIGN(W.add(a.end, PAGE), align);
    if (next < addr) return false;
    addr = next;
  }
  return W.add(addr, size) <= vend && W.add(addr, size) > addr;
}

/** Forbids an allocation failure while a hole fits once the already-lazy areas are purged. */
export const alloc_fails_only_when_full: Property = {
  name: 'alloc_fails_only_when_full',
  forbids: 'alloc_vmap_area failing although the request fits once the areas lazily freed before its purge are gone',
  when: 'final',
  check: ({ w }) =>
    w.allocFailures
      .filter((f) => f.areas.some((a) => a.lazyAtPurge) && holeFits(w, f.areas.filter((a) => !a.lazyAtPurge), f.size, f.align, f.vstart, f.vend))
      .slice(0, 1)
      .map(
        (f) =>
          `cpu${f.cpu} ${f.fn.join(' > ')}: allocation of ${hex(w, f.size)} bytes failed at step ${f.step} although it fits once the ${f.areas.filter((a) => a.lazyAtPurge).length} area(s) lazily freed before its purge are purged`,
      ),
};
