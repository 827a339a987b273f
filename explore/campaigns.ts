/**
 * Campaign configurations, kept apart from the model (as TLA+ keeps .cfg files apart from
 * specs): which layout, how many CPUs, which operations, interrupts, speculative fills,
 * faults and misuse, and the CI budget. The expectations manifest is keyed by these names.
 */
import { LAYOUTS, type Layout } from '../model/config/layout';
import { validateLayout } from '../model/config/validate';

/** Operation kinds a program may contain. */
export type OpKind = 'vmalloc' | 'vmalloc_align' | 'vfree' | 'vmap' | 'vunmap' | 'vm_map_ram' | 'vm_unmap_ram' | 'touch' | 'vm_unmap_aliases' | 'unmap_again' | 'vm_unmap_ram_count';

/** One campaign. */
export interface Campaign {
  readonly name: string;
  readonly description: string;
  readonly layout: string;
  readonly cpus: number;
  /** Ops per run (all CPUs together). */
  readonly maxOps: number;
  readonly kinds: readonly OpKind[];
  /** Pages per map op: 1..maxPages. */
  readonly maxPages: number;
  /** Ops an interrupt handler may run ([] = no interrupts). */
  readonly irqOps: readonly OpKind[];
  readonly irqKinds: readonly ('hardirq' | 'softirq')[];
  /** Speculative TLB fills in schedules. */
  readonly spec: boolean;
  /** Allocation-failure injection. */
  readonly faults: boolean;
  /** Runs in the CI budget (fast-check numRuns). */
  readonly runs: number;
  readonly maxSteps: number;
  readonly maxCallSteps: number;
  /** Base seed: a run with the same seed and config is the same run. */
  readonly seed: number;
  /** Ops of these kinds run with irqs disabled (process context, local_irq_save). */
  readonly irqsOff?: readonly OpKind[];
}

const NORMAL: readonly OpKind[] = ['vmalloc', 'vfree', 'vmap', 'vunmap', 'vm_map_ram', 'vm_unmap_ram', 'touch', 'vm_unmap_aliases'];
const FREES: readonly OpKind[] = ['vfree', 'vunmap', 'vm_unmap_ram'];
const MAPS: readonly OpKind[] = ['vmalloc', 'vmap', 'vm_map_ram'];

const base = {
  kinds: NORMAL,
  maxPages: 5,
  irqOps: [] as readonly OpKind[],
  irqKinds: ['hardirq'] as const,
  spec: true,
  faults: false,
  maxSteps: 50_000,
  maxCallSteps: 5_000,
};

/** The named campaigns, in the order CI runs them. */
export const CAMPAIGNS: readonly Campaign[] = [
  { ...base, name: 'tiny-1cpu', description: 'one CPU, sequential programs: deterministic allocator and flush logic', layout: 'tiny', cpus: 1, maxOps: 14, runs: 1000, seed: 1001, spec: false },
  { ...base, name: 'tiny-2cpu', description: 'two CPUs, arbitrary interleavings and speculative TLB fills', layout: 'tiny', cpus: 2, maxOps: 12, runs: 1000, seed: 1002 },
  { ...base, name: 'tiny-3cpu', description: 'three CPUs, arbitrary interleavings and speculative TLB fills', layout: 'tiny', cpus: 3, maxOps: 12, runs: 600, seed: 1003 },
  { ...base, name: 'tiny-irq', description: 'two CPUs; frees and maps also injected from hardirq/softirq context', layout: 'tiny', cpus: 2, maxOps: 10, runs: 800, seed: 1004, irqOps: [...FREES, ...MAPS], irqKinds: ['hardirq', 'softirq'] },
  { ...base, name: 'tiny-faults', description: 'two CPUs with allocation failures injected', layout: 'tiny', cpus: 2, maxOps: 10, runs: 600, seed: 1005, faults: true },
  { ...base, name: 'tiny-misuse', description: 'one CPU; deliberate misuse: double unmap, wrong vm_unmap_ram count', layout: 'tiny', cpus: 1, maxOps: 10, runs: 600, seed: 1006, kinds: [...NORMAL, 'unmap_again', 'vm_unmap_ram_count'], spec: false },
  { ...base, name: 'tiny-top', description: 'tiny layout ending just below the top of the 32-bit address space', layout: 'tiny-top', cpus: 1, maxOps: 14, maxPages: 12, runs: 800, seed: 1007, spec: false },
  { ...base, name: 'x86-32-2cpu', description: 'two CPUs on the real x86-32 layout (1 MB blocks at NR_CPUS=8, lazy limit 16384 pages)', layout: 'x86-32', cpus: 2, maxOps: 12, maxPages: 8, runs: 300, seed: 1009 },
  { ...base, name: 'x86-64-2cpu', description: 'two CPUs on the real x86-64 layout (4 MB blocks, 128 TB of vmalloc space)', layout: 'x86-64', cpus: 2, maxOps: 12, maxPages: 8, runs: 300, seed: 1010 },
  {
    ...base,
    name: 'tiny-exhaust',
    description: 'two CPUs, long programs of small per-CPU maps and large vmallocs: vmalloc space runs out while per-CPU blocks hold space',
    layout: 'tiny',
    cpus: 2,
    maxOps: 18,
    maxPages: 24,
    runs: 600,
    seed: 1011,
    kinds: ['vm_map_ram', 'vm_map_ram', 'vm_map_ram', 'vm_unmap_ram', 'vm_unmap_ram', 'vmalloc', 'vfree', 'touch', 'vm_unmap_aliases'],
  },
  { ...base, name: 'tiny-nonpow2', description: 'VMAP_BBMAP_BITS not a power of two (as x86-32 with NR_CPUS=6)', layout: 'tiny-nonpow2', cpus: 1, maxOps: 12, runs: 600, seed: 1008, spec: false, kinds: ['vm_map_ram', 'vm_unmap_ram', 'touch', 'vm_unmap_aliases'] },
];

/** API calls the irq audit injects, and the contexts it tries them in. */
export const IRQ_CALLS: readonly OpKind[] = ['vunmap', 'vfree', 'vm_unmap_ram', 'vmap', 'vmalloc', 'vm_map_ram'];
/** Contexts of the irq audit. */
export const IRQ_CONTEXTS = ['hardirq', 'softirq', 'irqs-off'] as const;
/** One irq-audit context. */
export type IrqContext = (typeof IRQ_CONTEXTS)[number];

/** The campaign that audits `call` in `ctx`: two CPUs of normal programs plus the call there. */
export function irqCampaign(call: OpKind, ctx: IrqContext): Campaign {
  const irq = ctx !== 'irqs-off';
  const maker: Partial<Record<OpKind, OpKind>> = { vunmap: 'vmap', vfree: 'vmalloc', vm_unmap_ram: 'vm_map_ram' };
  const pair = maker[call];
  // Weight the audited call and the op that creates its handle, so most runs exercise it.
  const kinds: OpKind[] = [...(pair ? [pair, pair, pair] : []), ...(irq ? [] : [call, call]), ...NORMAL];
  return {
    ...base,
    kinds,
    name: `irq-${ctx}-${call}`,
    description: `${call} called ${irq ? `from ${ctx} context` : 'in process context with irqs disabled'}, other CPUs running normal programs`,
    layout: 'tiny',
    cpus: 2,
    maxOps: 8,
    runs: 400,
    seed: 2000 + IRQ_CALLS.indexOf(call) * 10 + IRQ_CONTEXTS.indexOf(ctx),
    irqOps: irq ? [call] : [],
    irqKinds: irq ? [ctx] : ['hardirq'],
    ...(irq ? {} : { irqsOff: [call] }),
  };
}

/** Every irq-audit campaign. */
export const IRQ_CAMPAIGNS: readonly Campaign[] = IRQ_CALLS.flatMap((call) => IRQ_CONTEXTS.map((ctx) => irqCampaign(call, ctx)));

/** Look a campaign up by name (normal or irq audit), with a clear error. */
export function campaignByName(name: string): Campaign {
  const c = CAMPAIGNS.find((x) => x.name === name) ?? IRQ_CAMPAIGNS.find((x) => x.name === name);
  if (c === undefined) throw new Error(`unknown campaign '${name}': known campaigns are ${CAMPAIGNS.map((x) => x.name).join(', ')} and irq-<hardirq|softirq|irqs-off>-<${IRQ_CALLS.join('|')}>`);
  return c;
}

/** The layout of a campaign (validated). */
export function layoutOf(c: Campaign): Layout {
  const l = LAYOUTS[c.layout];
  if (l === undefined) throw new Error(`campaign ${c.name}: unknown layout '${c.layout}' (known: ${Object.keys(LAYOUTS).join(', ')})`);
  return validateLayout(l);
}
