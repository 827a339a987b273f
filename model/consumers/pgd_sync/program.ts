/**
 * The pgd_sync consumer's programs and one run: per-CPU ops (fork/exit/switch of address
 * spaces, the Xen driver that maps an area and hands it to the hypervisor, vmalloc through
 * the variant, vmalloc_sync_all, the slab reaper), a schedule of CPU steps and preemption
 * events, and the world they run in.
 *
 * Every CPU starts on the page directory of one boot-time process (pid 1, made by
 * pgd_alloc before the programs start), as a kernel thread running on a lazy mm would.
 * A `preempt` event switches a CPU to another live address space; it applies only with
 * CONFIG_PREEMPT, at a point where the preempt count is 0 and interrupts are enabled
 * (preempt_schedule's test), and only inside a consumer call (between calls `switch_mm`
 * ops do it explicitly). Without CONFIG_PREEMPT there is no involuntary switch.
 */
import type { Gen } from '../../exec/gen';
import type { K } from '../../engine/exec';
import { sites } from '../../exec/site';
import { World } from '../../engine/world';
import { LAYOUTS } from '../../config/layout';
import { Lock } from '../../kernel/spinlock';
import { Context } from '../../kernel/cpu';
import { variantByName } from '../../variants/registry';
import { drive, type CChooser } from '../driver';
import { alloc_vm_area, free_vm_area, lock_vm_area, unlock_vm_area, type VmArea } from './vm_area';
import { kernel_access, vmalloc_sync_all } from './fault';
import { cache_reap, pgd_alloc, pgd_free } from './pgtable';
import { pgdFixPoints } from './fixes/index';
import { GEO, PmdPage, attachPgs, pgs, type PgdPage } from './state';
import type { PgdConfig, PgdOp, PgdRun, PgdScenario, PgdWatch } from './types';

/** The run's types, declared in types.ts (below the fixes that name them); re-exported for the run's users. */
export type { PgdConfig, PgdOp, PgdRun, PgdScenario, PgdWatch } from './types';

const U = sites('xen driver', {
  wait: 'wait for the object another CPU is creating',
  hypercall: 'HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, ...): Xen writes the PTEs of area->addr through the current page tables',
  switch: 'switch_mm(prev, next, tsk): load_cr3(next->pgd)',
  exit: 'mmdrop(mm) -> __mmdrop -> pgd_free(mm->pgd)',
  vmalloc: 'p = vmalloc(size)',
});

type Obj = { readonly kind: 'mm'; readonly pgd: PgdPage } | { readonly kind: 'area'; readonly area: VmArea; freed: boolean } | { readonly kind: 'vmalloc'; readonly addr: bigint; readonly pages: number; freed: boolean };

/** Short text of an op. */
export function pgdOpText(o: PgdOp): string {
  switch (o.op) {
    case 'fork':
    case 'vmalloc_sync_all':
    case 'cache_reap':
      return `#${o.id} ${o.op}()`;
    case 'xen_area':
    case 'vmalloc':
      return `#${o.id} ${o.op}(${o.pages})`;
    case 'touch':
      return `#${o.id} touch(#${o.h}, ${o.page})`;
    default:
      return `#${o.id} ${o.op}(#${o.h})`;
  }
}

/** Run one scenario; `watch` (the properties) is attached before any step. */
export function runPgd(scn: PgdScenario, cfg: PgdConfig, watch: (w: World) => PgdWatch, opts: { chooser?: CChooser; maxSteps?: number } = {}): PgdRun {
  const variant = variantByName(cfg.variant);
  const w = new World({ layout: LAYOUTS['tiny-top']!, cpus: Math.max(1, scn.programs.length) });
  variant.init(w);
  const swapperPmd = new PmdPage(0, 'swapper_pg_dir kernel pmd');
  attachPgs(w, {
    mode: cfg.mode,
    variantName: cfg.variant,
    PREEMPT: cfg.PREEMPT,
    faultPath: cfg.faultPath,
    pgd_list: null,
    pgd_lock: new Lock('pgd_lock', 'pgd_lock'),
    swapperPmd,
    pgdCacheFree: [],
    allPgds: [],
    insync: new Set(),
    start: GEO.TASK_SIZE,
    cr3: w.cpus.map(() => 'swapper' as const),
    mms: new Map(),
    observers: [],
    fixed: pgdFixPoints(cfg.fixes ?? []),
  });
  const s = pgs(w);
  const watcher = watch(w);
  s.observers.push(...watcher.observers);
  const objs = new Map<number, Obj>();
  const done = new Set<number>();
  const present = new Set<number>(scn.programs.flat().map((o) => o.id));
  // Boot: pid 1's pgd, made sequentially on CPU 0 before the programs start.
  const bootCtx = new Context(w.cpus[0]!, 'process', 0);
  const boot = pgd_alloc({ w, cpu: w.cpus[0]!, ctx: bootCtx });
  let r = boot.next();
  while (!r.done) r = boot.next();
  const init = r.value!;
  init.mm = -1;
  s.mms.set(-1, init);
  objs.set(-1, { kind: 'mm', pgd: init });
  w.cpus.forEach((_, i) => (s.cr3[i] = init));
  w.stepNo = 0;

  const get = (h: number): Obj | undefined => objs.get(h);
  function* op(k: K, o: PgdOp): Gen {
    const h = 'h' in o ? o.h : null;
    if (h !== null && h >= 0 && present.has(h) && !done.has(h)) {
      k.ctx.wait = { kind: 'handle', op: h };
      yield U.wait;
      k.ctx.wait = null;
    }
    k.ctx.call = pgdOpText(o);
    k.ctx.callSteps = 0;
    const PAGE = BigInt(w.layout.PAGE_SHIFT);
    switch (o.op) {
      case 'fork': {
        const pgd = yield* pgd_alloc(k);
        if (pgd !== null) {
          pgd.mm = o.id;
          s.mms.set(o.id, pgd);
          objs.set(o.id, { kind: 'mm', pgd });
          s.observers.forEach((x) => x.pgdAllocReturn?.(k, pgd));
        }
        break;
      }
      case 'exit': {
        const m = get(o.h);
        if (m?.kind !== 'mm' || !s.mms.has(o.h) || o.h === -1 || s.cr3.includes(m.pgd)) break; // still active somewhere: mmdrop later
        yield U.exit;
        s.mms.delete(o.h);
        yield* pgd_free(k, m.pgd);
        break;
      }
      case 'switch_mm': {
        const m = get(o.h);
        if (m?.kind !== 'mm' || !s.mms.has(o.h)) break;
        yield U.switch;
        s.cr3[k.cpu.id] = m.pgd;
        break;
      }
      case 'xen_area': {
        const area = yield* alloc_vm_area(k, BigInt(o.pages) << PAGE, cfg.version);
        if (area === null) break;
        objs.set(o.id, { kind: 'area', area, freed: false });
        yield* use(k, area);
        break;
      }
      case 'xen_use': {
        const a = get(o.h);
        if (a?.kind !== 'area' || a.freed) break;
        yield* use(k, a.area);
        break;
      }
      case 'free_vm_area': {
        const a = get(o.h);
        if (a?.kind !== 'area' || a.freed) break;
        a.freed = true;
        yield* free_vm_area(k, a.area);
        break;
      }
      case 'vmalloc': {
        yield U.vmalloc;
        const addr = yield* variant.api.vmalloc(k, BigInt(o.pages) << PAGE);
        if (addr !== 0n) objs.set(o.id, { kind: 'vmalloc', addr, pages: o.pages, freed: false });
        break;
      }
      case 'vfree': {
        const a = get(o.h);
        if (a?.kind !== 'vmalloc' || a.freed) break;
        a.freed = true;
        yield* variant.api.vfree(k, a.addr);
        break;
      }
      case 'touch': {
        const a = get(o.h);
        if (a?.kind !== 'vmalloc' || a.freed) break;
        yield* kernel_access(k, w.word.add(a.addr, BigInt(o.page % a.pages) << PAGE), 'access');
        break;
      }
      case 'vmalloc_sync_all':
        yield* vmalloc_sync_all(k);
        break;
      case 'cache_reap':
        yield* cache_reap(k);
        break;
    }
    k.ctx.call = null;
    done.add(o.id);
  }
  /** The driver hands the area to Xen: posted, inside lock_vm_area/unlock_vm_area. */
  function* use(k: K, area: VmArea): Gen {
    if (cfg.version === 'posted') yield* lock_vm_area(k, area);
    yield U.hypercall;
    s.observers.forEach((x) => x.used?.(k, s.cr3[k.cpu.id]!, area.addr, area.size, 'hypercall'));
    if (cfg.version === 'posted') yield* unlock_vm_area(k, area);
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
      if (ev.kind !== 'preempt') return false;
      const c = w.cpus[ev.cpu]!;
      if (!cfg.PREEMPT || c.done || c.preempt !== 0 || !c.irqsEnabled || c.top.call === null || c.top.wait !== null) return false;
      const live = [...s.mms.values()];
      const to = live[ev.pick % live.length]!;
      if (to === s.cr3[ev.cpu]) return false;
      s.cr3[ev.cpu] = to;
      return true;
    },
  });
  return { ...res, world: w };
}
