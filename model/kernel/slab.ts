/**
 * kmalloc_node/kfree and the page allocator's contract, with kmemleak bookkeeping.
 *
 * The model does not simulate bytes: an allocation creates a typed object, kfree marks it
 * freed (never reused, so any later touch is caught as use-after-free), and the registry of
 * live objects is what kmemleak would scan. A `__GFP_WAIT` allocation may sleep (so it
 * checks might_sleep) and any allocation may fail when the run's fault plan says so.
 */
import type { Gen } from '../exec/gen';
import type { K, KernelSlab } from './k';
import type { Site } from '../exec/site';
import { BUG } from './assert';
import { might_sleep } from './irq';

/** gfp bits of 2.6.26 include/linux/gfp.h that the vmap layer uses. */
export const __GFP_HIGHMEM = 0x02;
export const __GFP_WAIT = 0x10;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_REPEAT = 0x400;
export const __GFP_ZERO = 0x8000;
/** `GFP_ATOMIC` */
export const GFP_ATOMIC = __GFP_HIGH;
/** `GFP_KERNEL` */
export const GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS;
/** `GFP_RECLAIM_MASK` (mm/internal.h): the bits kmalloc_node keeps. */
export const GFP_RECLAIM_MASK = __GFP_WAIT | __GFP_HIGH | __GFP_IO | __GFP_FS | 0x200 | 0x400 | 0x800 | 0x1000 | 0x10000;

/** Base of every object the layer allocates with kmalloc_node. */
export abstract class KObject {
  freed = false;
  /** Site of the kmalloc, for kmemleak reports. */
  allocSite: Site | null = null;
  constructor(
    readonly kind: string,
    readonly id: number,
  ) {}
}

/** Which allocation attempts fail: the n-th attempt (0-based) fails when n is in the set. */
export class FaultPlan {
  private attempts = 0;
  constructor(private readonly failing: ReadonlySet<number> = new Set()) {}
  /** Count one attempt; true if it must fail. */
  shouldFail(): boolean {
    return this.failing.has(this.attempts++);
  }
  /** Attempts made so far. */
  get count(): number {
    return this.attempts;
  }
}

/** Live kmalloc objects (kmemleak's view) and id allocation for one run. */
export class Slab implements KernelSlab {
  private nextId = 1;
  readonly live = new Map<number, KObject>();
  allocated = 0;
  freedCount = 0;
  /** Ghost: told of every object freed (model/engine/changes.ts onFree); null until someone listens. */
  onFree: ((o: KObject) => void) | null = null;
  constructor(readonly faults: FaultPlan) {}

  /** A fresh object id (per run, so runs are reproducible within one process). */
  newId(): number {
    return this.nextId++;
  }

  /** Record a new object. */
  add(o: KObject, site: Site | null): void {
    o.allocSite = site;
    this.live.set(o.id, o);
    this.allocated++;
  }

  /** Free an object outside any CPU (RCU callbacks); false if it was already freed. */
  free(o: KObject): boolean {
    if (o.freed) return false;
    o.freed = true;
    this.live.delete(o.id);
    this.freedCount++;
    this.onFree?.(o);
    return true;
  }
}

/** Check gfp for sleeping, then consult the fault plan. True if the allocation fails. */
export function allocAttempt(k: K, site: Site, gfp: number, what: string): boolean {
  if (gfp & __GFP_WAIT) might_sleep(k, site, what);
  return k.w.slab.faults.shouldFail();
}

/** `kmalloc_node(size, gfp, node)`: `make` builds the object from its id; null on failure. */
export function* kmalloc_node<T extends KObject>(k: K, site: Site, gfp: number, make: (id: number) => T): Gen<T | null> {
  yield site;
  if (allocAttempt(k, site, gfp, 'kmalloc_node')) return null;
  const o = make(k.w.slab.newId());
  k.w.slab.add(o, site);
  return o;
}

/** `kfree(p)`; kfree(NULL) is a no-op, a double free is a BUG. */
export function* kfree(k: K, o: KObject | null, site: Site): Gen {
  yield site;
  if (o === null) return;
  if (!k.w.slab.free(o)) BUG(k, site, `kfree of already freed ${o.kind}#${o.id} (double free)`);
}
