#!/usr/bin/env node
/**
 * vmapcheck: property-based verification and model checking of the 2008 vmap layer.
 *
 *   vmapcheck audit      run every variant under every campaign, compare with the manifest, write reports
 *   vmapcheck discover   find, shrink and (--write) record violations as counterexamples
 *   vmapcheck replay F   replay a counterexample file and print its per-CPU trace
 *   vmapcheck audit-irq  per API call: is it safe from hardirq / softirq / irqs-off?
 *   vmapcheck pct        long seeded PCT campaign (not fast-check generated)
 */
import { CAMPAIGNS, campaignByName, type Campaign } from '../explore/campaigns';
import { VARIANTS, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/variants/variant';
import { flagHelp, parseArgs, UsageError, type FlagSpec } from './args';
import { runAudit } from './audit_cmd';
import { discover } from './discover';
import { runReplay } from './replay_cmd';
import { runAuditIrq } from './audit_irq_cmd';
import { runPct } from './pct_cmd';
import { runScenarioFiles } from './run_cmd';
import { runWorkload, type WorkloadFlags } from './workload_cmd';
import { CounterexampleError } from '../counterexamples/format';
import { ConfigError } from '../model/config/validate';

const COMMON: FlagSpec[] = [
  { name: 'variant', kind: 'list', help: `variant(s): ${VARIANTS.map((v) => v.name).join(', ')} (default: all)` },
  { name: 'campaign', kind: 'list', help: `campaign(s): ${CAMPAIGNS.map((c) => c.name).join(', ')} (default: all)` },
  { name: 'runs', kind: 'int', help: 'runs per campaign (default: the campaign budget)' },
];

const COMMANDS: Record<string, { help: string; flags: FlagSpec[] }> = {
  audit: { help: 'audit variants against expectations.json and write reports', flags: [...COMMON, { name: 'out', kind: 'string', help: 'report directory (default: out)' }, { name: 'quiet', kind: 'bool', help: 'no progress lines' }, { name: 'no-irq', kind: 'bool', help: 'skip the irq-safety audit' }] },
  discover: { help: 'find and shrink violations; --write saves counterexamples and updates expectations.json', flags: [...COMMON, { name: 'write', kind: 'bool', help: 'write counterexamples/*.json and expectations.json' }, { name: 'pct', kind: 'int', help: 'also run this many PCT runs per campaign (default 0)' }] },
  replay: { help: 'replay a counterexample file: vmapcheck replay counterexamples/X.json', flags: [{ name: 'quiet', kind: 'bool', help: 'no trace, just the verdict' }] },
  'audit-irq': { help: 'irq-safety audit: per API call, safe from hardirq / softirq / irqs-off?', flags: [{ name: 'variant', kind: 'list', help: 'variant(s) to audit (default: all)' }, { name: 'runs', kind: 'int', help: 'runs per call and context (default: the irq campaign budget)' }, { name: 'out', kind: 'string', help: 'report directory (default: out)' }, { name: 'write', kind: 'bool', help: 'save counterexamples/*.json and record them in expectations.json' }] },
  workload: {
    help: "the kernel's lib/test_vmalloc.c workloads on the x86 layouts, with flush/IPI/purge/block metrics",
    flags: [
      { name: 'name', kind: 'string', help: 'workload (default: all)' },
      { name: 'variant', kind: 'list', help: 'variant(s) (default: all)' },
      { name: 'layout', kind: 'string', help: 'x86-64 or x86-32 (default: both)' },
      { name: 'loops', kind: 'int', help: 'loops per CPU (default: the workload size)' },
      { name: 'cpus', kind: 'int', help: 'CPUs (default 2)' },
    ],
  },
  run: { help: 'check .vmc scenario files exhaustively: vmapcheck run scenarios/F3_full_block_aliases.vmc', flags: [{ name: 'out', kind: 'string', help: 'directory for witness counterexample files' }, { name: 'preemptions', kind: 'int', help: "preemption bound (default: the file's, else 2)" }] },
  pct: { help: 'seeded PCT campaign', flags: [...COMMON, { name: 'seed', kind: 'int', help: 'seed (default 1)' }, { name: 'depth', kind: 'int', help: 'bug depth d (default 3)' }] },
};

function usage(): string {
  return ['usage: vmapcheck <command> [flags]', '', ...Object.entries(COMMANDS).map(([n, c]) => `${n}: ${c.help}\n${flagHelp(c.flags)}`)].join('\n');
}

/** Resolve --variant/--campaign lists (default: all). */
export function pick(flags: Record<string, unknown>): { variants: Variant[]; campaigns: Campaign[] } {
  const vs = (flags.variant as string[] | undefined) ?? VARIANTS.map((v) => v.name);
  const cs = (flags.campaign as string[] | undefined) ?? CAMPAIGNS.map((c) => c.name);
  try {
    return { variants: vs.map(variantByName), campaigns: cs.map(campaignByName) };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === 'help') {
    console.log(usage());
    return cmd === undefined ? 2 : 0;
  }
  const spec = COMMANDS[cmd];
  if (spec === undefined) throw new UsageError(`unknown command '${cmd}'; commands: ${Object.keys(COMMANDS).join(', ')}`);
  const { flags, positional } = parseArgs(cmd, rest, spec.flags);
  switch (cmd) {
    case 'audit':
      return runAudit(flags, pick(flags));
    case 'discover': {
      const { variants, campaigns } = pick(flags);
      discover(variants, campaigns, flags.write === true, flags.runs as number | undefined, console.log, (flags.pct as number | undefined) ?? 0);
      return 0;
    }
    case 'replay':
      if (positional.length !== 1) throw new UsageError('replay: give exactly one counterexample file, e.g. vmapcheck replay counterexamples/rewrite-v2.tiny-1cpu.areas_disjoint.json');
      return runReplay(positional[0]!, flags.quiet === true);
    case 'audit-irq':
      return runAuditIrq(flags, pick({ variant: flags.variant }).variants);
    case 'pct':
      return runPct(flags, pick(flags));
    case 'workload':
      return runWorkload(flags as WorkloadFlags);
    case 'run':
      if (positional.length === 0) throw new UsageError('run: give one or more .vmc files, e.g. vmapcheck run scenarios/*.vmc');
      return runScenarioFiles(positional, { ...(flags.out ? { out: flags.out as string } : {}), ...(flags.preemptions !== undefined ? { preemptions: flags.preemptions as number } : {}) });
  }
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError || e instanceof CounterexampleError || e instanceof ConfigError) {
    console.error(`vmapcheck: ${e.message}`);
    process.exitCode = 2;
  } else throw e;
}
