/**
 * Resolve the names a user gave (--variant, --campaign, --property, --layout, --cpus) into
 * the registries' objects. Every name goes through the registry's own lookup (variantByName
 * also knows composite names such as 'rewrite-v2+F3'); an unknown name is a UsageError with
 * "did you mean", and a selection that comes out empty is an error, never a green no-op.
 */
import { CAMPAIGNS, IRQ_CAMPAIGNS, campaignByName, type Campaign } from '../explore/campaigns';
import { LAYOUTS } from '../model/config/layout';
import { FIXED_VARIANT_NAMES, VARIANTS, variantByName } from '../model/variants/registry';
import type { Variant } from '../model/engine/variant';
import { PROPERTIES } from '../properties/index';
import { UsageError } from './exit';
import { didYouMean } from './suggest';

/** Variants by name (default: every base and every `-fixed` variant). */
export function pickVariants(command: string, names: readonly string[] | undefined): Variant[] {
  const list = names ?? [...VARIANTS.map((v) => v.name), ...FIXED_VARIANT_NAMES];
  return list.map((n) => {
    try {
      return variantByName(n);
    } catch (e) {
      throw new UsageError(`${command}: ${(e as Error).message}${didYouMean(n, VARIANTS.map((v) => v.name))}; see 'vmapcheck list variants'`);
    }
  });
}

/** Campaigns by name (default: every normal campaign), then filtered by layout and CPUs when given. */
export function pickCampaigns(command: string, names: readonly string[] | undefined, filter: { layout?: string; cpus?: number } = {}): Campaign[] {
  if (filter.layout !== undefined && LAYOUTS[filter.layout] === undefined) throw new UsageError(`${command}: unknown layout '${filter.layout}'${didYouMean(filter.layout, Object.keys(LAYOUTS))}; known: ${Object.keys(LAYOUTS).join(', ')}`);
  const list = (names ?? CAMPAIGNS.map((c) => c.name)).map((n) => {
    try {
      return campaignByName(n);
    } catch (e) {
      throw new UsageError(`${command}: ${(e as Error).message}${didYouMean(n, [...CAMPAIGNS, ...IRQ_CAMPAIGNS].map((c) => c.name))}; see 'vmapcheck list campaigns'`);
    }
  });
  const out = list.filter((c) => (filter.layout === undefined || c.layout === filter.layout) && (filter.cpus === undefined || c.cpus === filter.cpus));
  if (out.length === 0) {
    const what = [filter.layout !== undefined ? `layout ${filter.layout}` : '', filter.cpus !== undefined ? `${filter.cpus} CPU(s)` : ''].filter(Boolean).join(' and ');
    throw new UsageError(`${command}: no campaign ${names ? `among ${names.join(', ')} ` : ''}has ${what}: the selection is empty, nothing would be checked; see 'vmapcheck list campaigns'`);
  }
  return out;
}

/** Property names (validated; default: null = all). */
export function pickProperties(command: string, names: readonly string[] | undefined): Set<string> | null {
  if (names === undefined) return null;
  const known = PROPERTIES.map((p) => p.name);
  for (const n of names) if (!known.includes(n)) throw new UsageError(`${command}: unknown property '${n}'${didYouMean(n, known)}; see 'vmapcheck list properties'`);
  return new Set(names);
}
