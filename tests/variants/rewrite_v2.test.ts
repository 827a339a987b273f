/**
 * rewrite-v2 scenarios: the behaviour the seed documents, under fixed schedules.
 */
import { describe, expect, it } from 'vitest';
import { run, type RunResult } from '../../model/engine/runner';
import type { Op, Scenario } from '../../model/engine/program';
import { TINY } from '../../model/config/layout';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import type { Rw } from '../../model/variants/rewrite-v2/state';
import { vanilla } from '../../model/variants/vanilla/index';
import type { Variant } from '../../model/engine/variant';

const go = (v: Variant, scn: Scenario, cpus = 1): RunResult => run(scn, { variant: v, layout: TINY, cpus, trace: true, teardown: false });
const one = (ops: Op[]): Scenario => ({ programs: [ops], schedule: [] });
const PAGE = 1n << 12n;

describe('lazy unmapping', () => {
  const ops: Op[] = [{ id: 1, op: 'vmap', pages: 2 }, { id: 2, op: 'touch', h: 1, page: 0 }, { id: 3, op: 'vunmap', h: 1 }];

  it('after vunmap on rewrite-v2 the PTEs stay and no flush happens until a purge', () => {
    const r = go(rewriteV2, one(ops));
    expect(r.world.mm.pte.size).toBe(2);
    expect(r.world.mm.flushes).toBe(0);
    expect(rewriteV2.view(r.world).areas().map((a) => a.flags)).toEqual([['VM_LAZY_FREE', 'VM_VM_AREA']]);
    expect(rewriteV2.view(r.world).lazyNr()).toBe(3); // 2 pages + the guard page
    expect(r.world.mm.alias.aliases().length).toBeGreaterThan(0); // lazy aliases, legal until a purge
  });

  it('on vanilla the PTEs are gone and a global flush happened at once', () => {
    const r = go(vanilla, one(ops), 2);
    expect(r.world.mm.pte.size).toBe(0);
    expect([r.world.mm.flushes, r.world.mm.ipis]).toEqual([1, 1]);
    expect(r.world.mm.alias.aliases()).toEqual([]);
  });

  it('vm_unmap_aliases purges the lazy area: PTEs cleared, one flush, KVA released', () => {
    const r = go(rewriteV2, one([...ops, { id: 4, op: 'vm_unmap_aliases' }]));
    expect(r.world.mm.pte.size).toBe(0);
    expect(r.world.mm.flushes).toBe(1);
    expect(rewriteV2.view(r.world).areas()).toEqual([]);
    expect(rewriteV2.view(r.world).lazyNr()).toBe(0);
    expect(r.world.reached.has('purge_happened')).toBe(true);
  });

  it('the lazy limit triggers a purge: lazy_max_pages() = fls(1) * 4 pages on tiny', () => {
    // Two 1-page vmallocs account 2 lazy pages each (guard page included); the third passes 4.
    const seq: Op[] = [];
    for (let i = 0; i < 3; i++) seq.push({ id: 10 + 2 * i, op: 'vmalloc', pages: 1 }, { id: 11 + 2 * i, op: 'vfree', h: 10 + 2 * i });
    const r = go(rewriteV2, one(seq));
    expect(r.world.metrics.purges).toBe(1);
    expect(rewriteV2.view(r.world).lazyNr()).toBe(0);
    expect(r.world.mm.flushes).toBe(1);
  });
});

describe('per-CPU vmap blocks', () => {
  const bits = (r: RunResult): number => (r.world.layer as Rw).c.VMAP_BBMAP_BITS;

  it('a block leaves vbq->free when free reaches 0', () => {
    // tiny: VMAP_BBMAP_BITS = 8; two 4-page vm_map_rams fill one block.
    const r = go(rewriteV2, one([{ id: 1, op: 'vm_map_ram', pages: 4 }, { id: 2, op: 'vm_map_ram', pages: 4 }]));
    expect(bits(r)).toBe(8);
    const [b] = rewriteV2.view(r.world).blocks();
    expect(b).toMatchObject({ free: 0, onFreeList: false, state: 'full' });
    expect(r.world.reached.has('block_filled')).toBe(true);
  });

  it('a block is freed when dirty reaches VMAP_BBMAP_BITS; its 8 lazy pages pass the limit and are purged', () => {
    const r = go(rewriteV2, one([
      { id: 1, op: 'vm_map_ram', pages: 4 }, { id: 2, op: 'vm_map_ram', pages: 4 },
      { id: 3, op: 'vm_unmap_ram', h: 1 }, { id: 4, op: 'vm_unmap_ram', h: 2 },
    ]));
    expect(rewriteV2.view(r.world).blocks()).toEqual([]);
    expect(r.world.metrics.blocksFreed).toBe(1);
    // free_vmap_block -> free_unmap_vmap_area: vmap_lazy_nr 8 > lazy_max_pages() 4 -> purge.
    expect(r.world.metrics.purges).toBe(1);
    expect(rewriteV2.view(r.world).areas()).toEqual([]);
    expect(r.world.mm.pte.size).toBe(0);
  });

  it('vm_unmap_aliases unmaps the dirty ranges of blocks on vbq->free and flushes them', () => {
    const r = go(rewriteV2, one([{ id: 1, op: 'vm_map_ram', pages: 2 }, { id: 2, op: 'vm_unmap_ram', h: 1 }, { id: 3, op: 'vm_unmap_aliases' }]));
    const [b] = rewriteV2.view(r.world).blocks();
    expect(b).toMatchObject({ dirty: 2, onFreeList: true });
    expect(r.world.mm.pte.size).toBe(0);
    expect(r.world.mm.flushes).toBe(1);
    expect(r.world.mm.alias.aliases()).toEqual([]);
  });

  it('the PTEs of a freed part stay until vm_unmap_aliases (vb_free does not unmap)', () => {
    const r = go(rewriteV2, one([{ id: 1, op: 'vm_map_ram', pages: 2 }, { id: 2, op: 'vm_unmap_ram', h: 1 }]));
    expect(r.world.mm.pte.size).toBe(2);
    expect(r.world.mm.flushes).toBe(0);
  });

  it('addresses come from the block: consecutive small maps share one block', () => {
    const r = go(rewriteV2, one([{ id: 1, op: 'vm_map_ram', pages: 1 }, { id: 2, op: 'vm_map_ram', pages: 1 }]));
    const h = r.harness.handles;
    expect(h.get(2)!.addr - h.get(1)!.addr).toBe(PAGE);
    expect(r.world.metrics.blocksCreated).toBe(1);
  });
});

describe('the hole search', () => {
  it('vmalloc areas are placed first-fit with a guard page and one more free page between them', () => {
    const r = go(rewriteV2, one([{ id: 1, op: 'vmalloc', pages: 1 }, { id: 2, op: 'vmalloc', pages: 1 }]));
    const [a, b] = rewriteV2.view(r.world).areas();
    expect(a!.va_end - a!.va_start).toBe(2n * PAGE); // the page and its guard page
    expect(b!.va_start - a!.va_end).toBe(PAGE); // addr + size >= first->va_start skips an adjacent hole
  });

  it('an allocation that does not fit fails after the purge-and-retry, and the failure is recorded', () => {
    const r = go(rewriteV2, one([{ id: 1, op: 'vmalloc', pages: 60 }]));
    expect(r.harness.handles.size).toBe(0);
    expect(r.world.allocFailures).toHaveLength(1);
    expect(r.world.metrics.purges).toBe(1);
  });
});
