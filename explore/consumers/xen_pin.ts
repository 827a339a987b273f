/**
 * Campaigns for the xen_pin consumer (seeds 000, 002, 004), its audit entry point and its
 * replay function: for each vmap variant and each pin caller, does Xen ever refuse a pin,
 * and is a lazily kept PTE what it trips over?
 */
import seedrandom from 'seedrandom';
import { VARIANTS } from '../../model/variants/registry';
import { runXen, xenOpText, type XenConfig, type XenOp, type XenRun, type XenScenario } from '../../model/consumers/xen_pin/program';
import type { PinCaller } from '../../model/consumers/xen_pin/pin';
import type { CChooser } from '../../model/consumers/driver';
import { XEN_PIN_PROPERTIES, XenPinOracle } from '../../properties/consumers/xen_pin';
import { searchCampaign, type ConsumerAudit, type ConsumerCell, type SearchTarget } from './search';

/** One xen_pin campaign. */
export interface XenCampaign {
  readonly name: string;
  readonly description: string;
  readonly layout: string;
  readonly cpus: number;
  readonly maxOps: number;
  readonly runs: number;
  readonly seed: number;
  readonly depth: number;
  readonly k: number;
  /** Speculative TLB fills per step. */
  readonly spec: number;
  readonly handmade: readonly (readonly (readonly XenOp[])[])[];
}

/** Map, touch, unmap and pin one page on one CPU (each unmap kind). */
const SEQ = (kind: 'vmalloc' | 'vmap' | 'vm_map_ram'): XenOp[][] => [
  [
    { id: 1, op: 'map', kind, pages: 2 },
    { id: 2, op: 'touch', h: 1, page: 0 },
    { id: 3, op: 'unmap', h: 1 },
    { id: 4, op: 'pin', h: 1, page: 0, highmem: false },
  ],
];
/** Two vm_map_ram calls that fill a per-CPU block, then unmap and pin the first (a full block is off vbq->free). */
const FULL_BLOCK: XenOp[][] = [
  [
    { id: 1, op: 'map', kind: 'vm_map_ram', pages: 4 },
    { id: 2, op: 'map', kind: 'vm_map_ram', pages: 4 },
    { id: 3, op: 'unmap', h: 1 },
    { id: 4, op: 'pin', h: 1, page: 0, highmem: false },
  ],
];
/** Another CPU touched the page (a TLB entry there) while this one unmaps and pins it. */
const REMOTE_TLB: XenOp[][] = [
  [{ id: 1, op: 'map', kind: 'vmap', pages: 1 }, { id: 3, op: 'unmap', h: 1 }, { id: 4, op: 'pin', h: 1, page: 0, highmem: false }],
  [{ id: 2, op: 'touch', h: 1, page: 0 }, { id: 5, op: 'map', kind: 'vmalloc', pages: 2 }, { id: 6, op: 'unmap', h: 5 }],
];

/** The named campaigns. */
export const XEN_CAMPAIGNS: readonly XenCampaign[] = [
  { name: 'xen-pin-1cpu', description: 'one CPU: map/touch/unmap/pin sequences of every unmap kind', layout: 'tiny', cpus: 1, maxOps: 8, runs: 150, seed: 1201, depth: 1, k: 100, spec: 0, handmade: [SEQ('vmalloc'), SEQ('vmap'), SEQ('vm_map_ram'), FULL_BLOCK] },
  { name: 'xen-pin-2cpu', description: 'two CPUs with speculative TLB fills: remote TLB entries, concurrent purges and pins', layout: 'tiny', cpus: 2, maxOps: 6, runs: 200, seed: 1202, depth: 2, k: 150, spec: 0.03, handmade: [REMOTE_TLB, FULL_BLOCK.concat([[]])] },
];

/** The callers compared, in report order. */
export const XEN_CALLERS: readonly PinCaller[] = ['unaliased', 'no-unmap', 'seed-ptpage', 'seed-pgd-pin', 'ptpage-fixed', 'pgd-pin-fixed'];

/** Random programs: maps, touches and unmaps of earlier maps, pins of earlier maps, vm_unmap_aliases. */
export function randomXenPrograms(c: XenCampaign, rng: () => number): XenOp[][] {
  const int = (n: number): number => Math.floor(rng() * n);
  const progs: XenOp[][] = Array.from({ length: c.cpus }, () => []);
  const maps: { id: number; cpu: number }[] = [];
  const n = c.cpus * (2 + int(c.maxOps));
  for (let id = 1; id <= n; id++) {
    const cpu = int(c.cpus);
    const r = int(10);
    const kinds = ['vmalloc', 'vmap', 'vm_map_ram'] as const;
    const m = maps.length ? maps[int(maps.length)]! : null;
    let o: XenOp;
    if (r < 3 || m === null) {
      o = { id, op: 'map', kind: kinds[int(3)]!, pages: 1 + int(4) };
      maps.push({ id, cpu });
    } else if (r < 5) o = { id, op: 'touch', h: m.id, page: int(4) };
    else if (r < 7) o = { id, op: 'unmap', h: m.id };
    else if (r < 9) o = { id, op: 'pin', h: m.id, page: int(4), highmem: int(2) === 0 };
    else o = { id, op: 'vm_unmap_aliases' };
    progs[cpu]!.push(o);
  }
  return progs;
}

/** Replay a xen_pin scenario with the hypervisor oracle attached (deterministic without a chooser). */
export function replayXen(scn: XenScenario, cfg: XenConfig, chooser?: CChooser): XenRun {
  return runXen(scn, cfg, (w) => {
    const o = new XenPinOracle(w);
    return { hv: o, step: () => o.step() };
  }, { chooser });
}

function target(c: XenCampaign, cfg: XenConfig): SearchTarget<XenOp> {
  return {
    run: (s, chooser) => {
      const r = replayXen(s, cfg, chooser);
      return { violations: r.world.violations, executed: r.executed };
    },
    programs: (rng) => randomXenPrograms(c, rng),
    events: c.spec > 0 ? [{ kind: 'spec', p: c.spec }] : [],
    opText: xenOpText,
  };
}

/** Options of the xen_pin audit. */
export interface XenAuditOptions {
  readonly variants?: readonly string[];
  readonly callers?: readonly PinCaller[];
  readonly campaigns?: readonly string[];
  readonly scale?: number;
}

/** Audit the xen_pin consumer: every variant × caller × campaign. */
export function auditXenPin(opts: XenAuditOptions = {}): ConsumerAudit<XenOp, XenConfig> {
  const variants = opts.variants ?? VARIANTS.map((v) => v.name);
  const camps = XEN_CAMPAIGNS.filter((c) => opts.campaigns === undefined || opts.campaigns.includes(c.name));
  const cells: ConsumerCell<XenOp, XenConfig>[] = [];
  for (const variant of variants)
    for (const caller of opts.callers ?? XEN_CALLERS)
      for (const c of camps) {
        const cfg: XenConfig = { variant, caller, layout: c.layout };
        const r = searchCampaign(target(c, cfg), XEN_PIN_PROPERTIES, { seed: c.seed, runs: Math.max(1, Math.round(c.runs * (opts.scale ?? 1))), cpus: c.cpus, depth: c.depth, k: c.k, handmade: c.handmade, maxCut: 40 });
        cells.push({ config: cfg, variant, version: caller, campaign: c.name, ...r });
      }
  return { consumer: 'xen_pin', properties: XEN_PIN_PROPERTIES, cells };
}

/** A seeded random scenario of a campaign (tests, benches). */
export function sampleXenScenario(c: XenCampaign, seed: string): XenScenario {
  return { programs: randomXenPrograms(c, seedrandom(seed)), schedule: [] };
}
