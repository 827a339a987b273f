/**
 * A tiny variant used only by the engine tests and the benchmark: it exercises a spinlock,
 * an RCU list walk and a TLB flush on several CPUs without any of the vmap layer's logic.
 *
 * Each vm_map_ram allocates a `demo_map` object embedding a list_head, adds it to a global
 * list under `demo_lock`, and maps its pages at a fixed region per object
 * (VMALLOC_START + id * 16 pages). vm_unmap_ram walks the list one node per step under
 * rcu_read_lock to find the object, unlinks it under the lock, clears the PTEs, flushes the
 * TLB on every CPU and frees the object. By default removal is RCU-safe (list_del_rcu, the
 * free deferred with call_rcu); `unsafeFree` uses list_del + kfree, which oopses when another
 * CPU's walk stands on the removed node. vm_unmap_aliases runs a short irqs-off section that
 * writes `demo_flag`; `leakIrqs` makes it return with irqs still disabled.
 */
import seedrandom from 'seedrandom';
import { kfn, type Gen } from '../../model/exec/gen';
import type { K } from '../../model/engine/exec';
import type { Choice, Op } from '../../model/engine/program';
import { sites } from '../../model/exec/site';
import type { World } from '../../model/engine/world';
import type { LayerView, Variant } from '../../model/engine/variant';
import { BUG } from '../../model/kernel/assert';
import { local_irq_disable, local_irq_enable } from '../../model/kernel/irq';
import { ListHead, list_add, list_del, list_del_rcu, list_next, listEntries } from '../../model/kernel/list';
import { flush_tlb_kernel_range } from '../../model/kernel/mm';
import { rcu_read_lock, rcu_read_unlock } from '../../model/kernel/rcu';
import { KObject, kfree, kmalloc_node } from '../../model/kernel/slab';
import { Lock, spin_lock, spin_unlock } from '../../model/kernel/spinlock';

/** Pages of address space reserved per object. */
export const DEMO_SLOT_PAGES = 16;

/** One mapping: the kmalloc'ed object on the global list. */
export class DemoMap extends KObject {
  /** `struct list_head list`, linked on `demo_list`. */
  readonly list: ListHead = new ListHead(this, 'list');
  /** `struct rcu_head rcu_head` (its own storage: no union with `list`). */
  readonly rcu_head: ListHead = new ListHead(this, 'rcu_head');
  constructor(
    id: number,
    readonly addr: bigint,
    readonly count: number,
  ) {
    super('demo_map', id);
  }
}

/** The demo's globals, kept in `w.layer`. */
export interface DemoGlobals {
  readonly demo_lock: Lock;
  readonly demo_list: ListHead;
  /** Written inside vm_unmap_aliases' irqs-off section. */
  demo_flag: number;
}

/** Switches that turn the demo into a buggy one. */
export interface DemoOptions {
  /** list_del + kfree instead of list_del_rcu + call_rcu (a use-after-free under walkers). */
  readonly unsafeFree?: boolean;
  /** vm_unmap_aliases returns with irqs disabled. */
  readonly leakIrqs?: boolean;
}

/** The demo's statements, exported so tests can name expected steps. */
export const DEMO_MAP = sites('demo_vm_map_ram', {
  alloc: 'dm = kmalloc_node(sizeof(*dm), gfp, node)',
  lock: 'spin_lock(&demo_lock)',
  add: 'list_add_rcu(&dm->list, &demo_list)',
  unlock: 'spin_unlock(&demo_lock)',
  pte: 'set_pte_at(&init_mm, addr, pte, mk_pte(page, PAGE_KERNEL))',
});

/** Statements of the demo's vm_unmap_ram. */
export const DEMO_UNMAP = sites('demo_vm_unmap_ram', {
  walk: 'list_for_each_entry_rcu(dm, &demo_list, list)',
  lock: 'spin_lock(&demo_lock)',
  del: 'list_del_rcu(&dm->list)',
  unlock: 'spin_unlock(&demo_lock)',
  clear: 'ptep_get_and_clear(&init_mm, addr, pte)',
  flush: 'flush_tlb_kernel_range(addr, addr + size)',
  free: 'call_rcu(&dm->rcu_head, demo_free_rcu)',
});

/** Statements of the demo's vm_unmap_aliases. */
export const DEMO_ALIASES = sites('demo_vm_unmap_aliases', {
  set: 'demo_flag = 1',
  clear: 'demo_flag = 0',
});

/** The demo's globals of a world. */
export function demoGlobals(w: World): DemoGlobals {
  return w.layer as DemoGlobals;
}

/** Build the demo variant with the given bug switches. */
export function makeDemoVariant(opts: DemoOptions = {}): Variant {
  const vm_map_ram = kfn('vm_map_ram', function* (k: K, pages: (number | null)[], count: number, gfp: number): Gen<bigint> {
    const { w } = k;
    const g = demoGlobals(w);
    if (count < 1 || count > DEMO_SLOT_PAGES) return 0n;
    const pageBytes = 1n << BigInt(w.layout.PAGE_SHIFT);
    const dm = yield* kmalloc_node(k, DEMO_MAP.alloc, gfp, (id) =>
      new DemoMap(id, w.word.add(w.layout.VMALLOC_START, BigInt(id * DEMO_SLOT_PAGES) * pageBytes), count),
    );
    if (dm === null) return 0n;
    yield* spin_lock(k, g.demo_lock, DEMO_MAP.lock);
    yield DEMO_MAP.add;
    list_add(k, DEMO_MAP.add, dm.list, g.demo_list);
    yield* spin_unlock(k, g.demo_lock, DEMO_MAP.unlock);
    const vpn = w.mm.vpn(dm.addr);
    for (let i = 0; i < count; i++) {
      yield DEMO_MAP.pte;
      w.mm.set_pte_at(vpn + i, pages[i] ?? 0);
    }
    return dm.addr;
  });

  const vm_unmap_ram = kfn('vm_unmap_ram', function* (k: K, addr: bigint, count: number): Gen {
    const { w } = k;
    const g = demoGlobals(w);
    let dm: DemoMap | null = null;
    rcu_read_lock(k);
    for (let p = yield* list_next(k, DEMO_UNMAP.walk, g.demo_list); p !== g.demo_list; p = yield* list_next(k, DEMO_UNMAP.walk, p)) {
      const o = p.owner as DemoMap;
      if (o.addr === addr) {
        dm = o;
        break;
      }
    }
    rcu_read_unlock(k);
    if (dm === null) BUG(k, DEMO_UNMAP.walk, `vm_unmap_ram(${w.word.hex(addr)}): no such mapping`);
    const found = dm;
    yield* spin_lock(k, g.demo_lock, DEMO_UNMAP.lock);
    yield DEMO_UNMAP.del;
    if (opts.unsafeFree) list_del(k, DEMO_UNMAP.del, found.list);
    else list_del_rcu(k, DEMO_UNMAP.del, found.list);
    yield* spin_unlock(k, g.demo_lock, DEMO_UNMAP.unlock);
    const vpn = w.mm.vpn(addr);
    // The user gave these pages up by calling us; variants send RELEASE themselves.
    for (let i = 0; i < count; i++) w.mm.alias.release(vpn + i, w.stepNo);
    for (let i = 0; i < count; i++) {
      yield DEMO_UNMAP.clear;
      w.mm.ptep_get_and_clear(vpn + i);
    }
    const end = w.word.add(addr, BigInt(count) << BigInt(w.layout.PAGE_SHIFT));
    yield* flush_tlb_kernel_range(k, addr, end, DEMO_UNMAP.flush);
    if (opts.unsafeFree) {
      yield* kfree(k, found, DEMO_UNMAP.free);
    } else {
      yield DEMO_UNMAP.free;
      w.rcu.call_rcu(k, found.rcu_head, 'demo_free_rcu', `demo_free_rcu(demo_map#${found.id})`, () => void w.slab.free(found));
    }
  });

  const vm_unmap_aliases = kfn('vm_unmap_aliases', function* (k: K): Gen {
    const g = demoGlobals(k.w);
    local_irq_disable(k);
    yield DEMO_ALIASES.set;
    g.demo_flag = 1;
    yield DEMO_ALIASES.clear;
    g.demo_flag = 0;
    if (!opts.leakIrqs) local_irq_enable(k);
  });

  return {
    name: 'demo',
    description: 'test-only demo: a lock, an RCU list walk and a TLB flush',
    init(w: World): void {
      const g: DemoGlobals = { demo_lock: new Lock('demo_lock', 'demo_lock'), demo_list: new ListHead(null, 'demo_list'), demo_flag: 0 };
      w.layer = g;
    },
    api: {
      *vmalloc(): Gen<bigint> {
        return 0n;
      },
      *vmalloc_align(): Gen<bigint> {
        return 0n;
      },
      *vfree(): Gen {},
      *vmap(): Gen<bigint> {
        return 0n;
      },
      *vunmap(): Gen {},
      vm_map_ram,
      vm_unmap_ram,
      vm_unmap_aliases,
    },
    view: demoView,
  };
}

/** Read-only view: one area per object on the list; no blocks, no lazy state. */
function demoView(w: World): LayerView {
  const g = demoGlobals(w);
  const objs = (): DemoMap[] => listEntries(g.demo_list).map((l) => l.owner as DemoMap);
  const pageBytes = 1n << BigInt(w.layout.PAGE_SHIFT);
  return {
    areas: () =>
      objs()
        .map((o) => ({ id: o.id, va_start: o.addr, va_end: o.addr + BigInt(o.count) * pageBytes, flags: [], vstart: w.layout.VMALLOC_START, vend: w.layout.VMALLOC_END, state: 'busy' }))
        .sort((a, b) => (a.va_start < b.va_start ? -1 : 1)),
    structureProblems: () => [],
    blocks: () => [],
    lazyNr: () => null,
    lazyPages: () => 0,
    reachable: () => new Set(objs().map((o) => o.id)),
    constants: () => ({ DEMO_SLOT_PAGES }),
  };
}

/** The demo variant without bugs. */
export const DEMO: Variant = makeDemoVariant();

/** A seeded schedule of `length` run choices (1..maxRun steps each), optionally with speculative fills. */
export function seededSchedule(seed: string, length: number, cpus = 2, maxRun = 4, specRate = 0): Choice[] {
  const rng = seedrandom(seed);
  const out: Choice[] = [];
  for (let i = 0; i < length; i++) {
    const cpu = Math.floor(rng() * cpus);
    if (specRate > 0 && rng() < specRate) out.push({ t: 'spec', cpu, pick: Math.floor(rng() * 1024) });
    out.push({ t: 'run', cpu, n: 1 + Math.floor(rng() * maxRun) });
  }
  return out;
}

/**
 * Seeded per-CPU programs of exactly `opsPerCpu` map/touch/unmap ops each, at most
 * `maxLive` handles live per CPU; op ids are unique across CPUs and increase per CPU.
 */
export function demoPrograms(seed: string, opsPerCpu: number, cpus = 2, maxLive = 3): Op[][] {
  const rng = seedrandom(seed);
  return Array.from({ length: cpus }, (_, c) => {
    const ops: Op[] = [];
    const live: number[] = [];
    for (let j = 0; j < opsPerCpu; j++) {
      const id = c * 1_000_000 + j + 1;
      const r = rng();
      if (live.length === 0 || (live.length < maxLive && r < 0.4)) {
        ops.push({ id, op: 'vm_map_ram', pages: 1 + Math.floor(rng() * 4) });
        live.push(id);
      } else if (r < 0.7) {
        ops.push({ id, op: 'touch', h: live[Math.floor(rng() * live.length)]!, page: Math.floor(rng() * 4) });
      } else {
        const h = live.splice(Math.floor(rng() * live.length), 1)[0]!;
        ops.push({ id, op: 'vm_unmap_ram', h });
      }
    }
    return ops;
  });
}
