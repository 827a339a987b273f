/**
 * `--shard i/n`: split a check across CI machines. The units of work are the (variant,
 * campaign) pairs and each variant's irq-safety audit, in selection order; shard i takes
 * every n-th unit starting at the i-th. Each shard writes its own result.json; `vmapcheck
 * report --merge` of all n equals the unsharded run (tests/cli/shard.test.ts).
 */
import type { Campaign } from '../explore/campaigns';
import type { Variant } from '../model/engine/variant';
import { UsageError } from './exit';

/** A parsed `--shard i/n` (1-based i). */
export interface Shard {
  readonly i: number;
  readonly n: number;
}

/** Parse `i/n` with 1 <= i <= n. */
export function parseShard(command: string, s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1) || !(i >= 1) || i > n) throw new UsageError(`${command}: --shard must be i/n with 1 <= i <= n (e.g. --shard 2/4), not '${s}'`);
  return { i, n };
}

/** What one variant does in a shard. */
export interface ShardPart {
  readonly variant: Variant;
  readonly campaigns: Campaign[];
  readonly irq: boolean;
}

/** The parts of the selection that belong to `shard` (variants with nothing to do left out). */
export function shardParts(variants: readonly Variant[], campaigns: readonly Campaign[], irq: boolean, shard: Shard): ShardPart[] {
  let unit = 0;
  const mine = (): boolean => unit++ % shard.n === shard.i - 1;
  const out: ShardPart[] = [];
  for (const v of variants) {
    const cs = campaigns.filter(() => mine());
    const withIrq = irq && mine();
    if (cs.length > 0 || withIrq) out.push({ variant: v, campaigns: cs, irq: withIrq });
  }
  return out;
}
