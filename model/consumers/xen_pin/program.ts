/**
 * The xen_pin consumer's programs and one run: map pages through the vmap variant (vmalloc,
 * vmap, vm_map_ram), touch them (TLB fills), unmap them (vfree, vunmap, vm_unmap_ram), then
 * reuse a page that was mapped as a page table and pin it (pin.ts), possibly on another
 * CPU; plus explicit vm_unmap_aliases calls. Schedule events `spec` fill a TLB entry from
 * any present PTE on a CPU (the speculative walks of model/engine/scheduler.ts).
 *
 * A pin op names the map op whose page it reuses; it runs only once that mapping's unmap
 * has returned (before that the page is not the caller's to reuse) and is skipped otherwise.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { World } from '../../engine/world';
import { LAYOUTS } from '../../config/layout';
import { GFP_KERNEL } from '../../kernel/slab';
import { variantByName } from '../../variants/registry';
import { drive, type CChooser } from '../driver';
import { touch } from '../../kernel/mm';
import { xen_alloc_ptpage_fixed } from './fixes/C7_ptpage_unalias_before_pin';
import { xen_pgd_pin_fixed } from './fixes/C8_pgd_pin_unalias_always';
import { reuse_and_pin } from './pin';
import type { XenConfig, XenOp, XenRun, XenScenario, XenWatch } from './types';

/** The run's types, declared in types.ts (below the fixes that name them); re-exported for the run's users. */
export type { XenConfig, XenOp, XenRun, XenScenario, XenWatch } from './types';

/** Short text of an op. */
export function xenOpText(o: XenOp): string {
  switch (o.op) {
    case 'map':
      return `#${o.id} ${o.kind}(${o.pages})`;
    case 'touch':
      return `#${o.id} touch(#${o.h}, ${o.page})`;
    case 'unmap':
      return `#${o.id} unmap(#${o.h})`;
    case 'pin':
      return `#${o.id} pin(#${o.h} page ${o.page}${o.highmem ? ', highmem' : ''})`;
    case 'vm_unmap_aliases':
      return `#${o.id} vm_unmap_aliases()`;
  }
}

const U = sites('xen_pin user', {
  wait: 'wait for the mapping another CPU is creating',
  map: 'p = vmalloc(size) / vmap(pages, count, VM_MAP, PAGE_KERNEL) / vm_map_ram(pages, count, -1, PAGE_KERNEL)',
  unmap: 'vfree(p) / vunmap(p) / vm_unmap_ram(p, count)',
  touch: '*(volatile char *)(p + i * PAGE_SIZE)',
});

interface Mapping {
  readonly kind: 'vmalloc' | 'vmap' | 'vm_map_ram';
  readonly addr: bigint;
  readonly pfns: readonly number[];
  state: 'live' | 'unmapping' | 'unmapped';
}

/** Run one scenario. */
export function runXen(scn: XenScenario, cfg: XenConfig, watch: (w: World) => XenWatch, opts: { chooser?: CChooser; maxSteps?: number } = {}): XenRun {
  const variant = variantByName(cfg.variant);
  const w = new World({ layout: LAYOUTS[cfg.layout ?? 'tiny']!, cpus: Math.max(1, scn.programs.length), trace: cfg.trace ?? false });
  variant.init(w);
  const watcher = watch(w);
  const maps = new Map<number, Mapping>();
  const done = new Set<number>();
  const present = new Set(scn.programs.flat().map((o) => o.id));
  const PAGE = BigInt(w.layout.PAGE_SHIFT);

  function* op(k: K, o: XenOp): Gen {
    const h = 'h' in o ? o.h : null;
    if (h !== null && present.has(h) && !done.has(h)) {
      k.ctx.wait = { kind: 'handle', op: h };
      yield U.wait;
      k.ctx.wait = null;
    }
    k.ctx.call = xenOpText(o);
    k.ctx.callSteps = 0;
    switch (o.op) {
      case 'map': {
        yield U.map;
        const size = BigInt(o.pages) << PAGE;
        const user = o.kind === 'vmalloc' ? [] : Array.from({ length: o.pages }, () => w.mm.newPage());
        const addr = o.kind === 'vmalloc' ? yield* variant.api.vmalloc(k, size) : o.kind === 'vmap' ? yield* variant.api.vmap(k, user, o.pages) : yield* variant.api.vm_map_ram(k, user, o.pages, GFP_KERNEL);
        if (addr === 0n) break;
        const v0 = w.mm.vpn(addr);
        const pfns = o.kind === 'vmalloc' ? Array.from({ length: o.pages }, (_, i) => w.mm.pte.get(v0 + i) ?? -1) : user;
        maps.set(o.id, { kind: o.kind, addr, pfns, state: 'live' });
        break;
      }
      case 'touch': {
        const m = maps.get(o.h);
        if (m?.state !== 'live') break;
        yield U.touch;
        touch(k, w.word.add(m.addr, BigInt(o.page % m.pfns.length) << PAGE), U.touch);
        break;
      }
      case 'unmap': {
        const m = maps.get(o.h);
        if (m?.state !== 'live') break;
        m.state = 'unmapping';
        yield U.unmap;
        if (m.kind === 'vmalloc') yield* variant.api.vfree(k, m.addr);
        else if (m.kind === 'vmap') yield* variant.api.vunmap(k, m.addr);
        else yield* variant.api.vm_unmap_ram(k, m.addr, m.pfns.length);
        m.state = 'unmapped';
        break;
      }
      case 'pin': {
        const m = maps.get(o.h);
        if (m?.state !== 'unmapped') break;
        const pfn = m.pfns[o.page % m.pfns.length]!;
        if (pfn < 0) break;
        if (cfg.caller === 'ptpage-fixed') yield* xen_alloc_ptpage_fixed(k, variant, pfn, o.highmem, watcher.hv);
        else if (cfg.caller === 'pgd-pin-fixed') yield* xen_pgd_pin_fixed(k, variant, pfn, o.highmem, watcher.hv);
        else yield* reuse_and_pin(k, variant, cfg.caller, pfn, o.highmem, watcher.hv);
        break;
      }
      case 'vm_unmap_aliases':
        yield* variant.api.vm_unmap_aliases(k);
        break;
    }
    k.ctx.call = null;
    done.add(o.id);
  }
  const programs = scn.programs.map((p) =>
    function* (k: K): Gen {
      for (const o of p) yield* op(k, o);
    },
  );
  const res = drive({
    w,
    variant,
    programs,
    schedule: scn.schedule,
    chooser: opts.chooser,
    maxSteps: opts.maxSteps ?? 20_000,
    afterStep: () => watcher.step?.(),
    waitOver: (ctx) => (ctx.wait?.kind === 'handle' ? done.has(ctx.wait.op) : true),
    applyEvent: (_w, ev) => {
      if (ev.kind !== 'spec' || w.mm.pte.size === 0) return false;
      let i = ev.pick % w.mm.pte.size;
      for (const vpn of w.mm.pte.keys()) {
        if (i-- === 0) {
          w.mm.fill(w.cpus[ev.cpu]!, vpn);
          return true;
        }
      }
      return false;
    },
  });
  return { ...res, world: w };
}
