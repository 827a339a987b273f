/**
 * The variants under audit, by name: the four bases of the seed, and any base composed
 * with fixes.
 *
 *   rewrite-v2               the base, as posted
 *   rewrite-v2+F3+F9         the base with these fixes (each must have a delta for the base)
 *   rewrite-v2-fixed         the base with every fix that applies to it
 *   rewrite-v2-fixed-without-F3[,F9]   every fix but these (to dig for findings F3 masks);
 *                            a trailing +F3 adds a fix back: rewrite-v2-fixed-without-F3+F3
 */
import type { Variant } from '../engine/variant';
import { vanilla } from './vanilla/index';
import { rewriteV1, rewriteV1Fns, REWRITE_V1_DESCRIPTION } from './rewrite-v1/index';
import { rewriteV2, rewriteV2Fns, rewriteVariant, REWRITE_V2_DESCRIPTION } from './rewrite-v2/index';
import { irqsafe, irqsafeFns, irqsafeHooks, IRQSAFE_DESCRIPTION } from './irqsafe/index';
import type { RwFns } from './rewrite-v2/state';
import { FIXES, applyFixes, byFindingId, fixById, REWRITE_BASES, type Fix, type RewriteBase } from './fixes/index';

/** Every base variant, in the DESIGN's order. */
export const VARIANTS: readonly Variant[] = [vanilla, rewriteV1, rewriteV2, irqsafe];

/** The table and hooks of each base a fix can patch. */
const TABLES: Record<RewriteBase, { fns: RwFns; description: string; hooks: Pick<Variant, 'pendingWork' | 'run_workqueue'> }> = {
  'rewrite-v1': { fns: rewriteV1Fns, description: REWRITE_V1_DESCRIPTION, hooks: {} },
  'rewrite-v2': { fns: rewriteV2Fns, description: REWRITE_V2_DESCRIPTION, hooks: {} },
  irqsafe: { fns: irqsafeFns, description: IRQSAFE_DESCRIPTION, hooks: irqsafeHooks },
};

/** A bad variant name: what is wrong and what would be right. */
export class VariantNameError extends Error {}

/** What a variant name means: its base and the fixes applied (in finding order). */
export interface VariantSpec {
  readonly base: string;
  readonly fixes: readonly Fix[];
}

/** Is `name` a base that fixes can patch? */
export function isRewriteBase(name: string): name is RewriteBase {
  return (REWRITE_BASES as readonly string[]).includes(name);
}

/** The fixes that have a delta for `base` (none for vanilla). */
export function fixesFor(base: string): Fix[] {
  return isRewriteBase(base) ? FIXES.filter((f) => f.bases.includes(base)) : [];
}

/** The fixed variants' names (`<base>-fixed` for every base with a table). */
export const FIXED_VARIANT_NAMES: readonly string[] = REWRITE_BASES.map((b) => `${b}-fixed`);

function fixList(name: string, ids: string, base: string): Fix[] {
  return ids.split('+').map((id) => {
    const f = fixById(id);
    if (f === undefined) throw new VariantNameError(`unknown fix '${id}' in variant '${name}': known fixes are ${FIXES.map((x) => x.id).join(', ')}`);
    if (!isRewriteBase(base) || !f.bases.includes(base)) throw new VariantNameError(`fix ${id} has no delta for ${base} (it applies to ${f.bases.join(', ')}), in variant '${name}'`);
    return f;
  });
}

/** Parse a variant name (see the header) into its base and fixes. */
export function parseVariantName(name: string): VariantSpec {
  const m = /^(.*?)(?:-fixed(?:-without-(F\d+(?:,F\d+)*))?)?((?:\+F\d+)*)$/.exec(name)!;
  const base = m[1]!;
  if (!VARIANTS.some((v) => v.name === base)) throw new VariantNameError(`unknown variant '${name}': known variants are ${VARIANTS.map((x) => x.name).join(', ')} (each optionally +F<n>…, or <base>-fixed, <base>-fixed-without-F<n>)`);
  const fixed = name.slice(base.length).startsWith('-fixed');
  if (fixed && !isRewriteBase(base)) throw new VariantNameError(`'${name}': ${base} has no fixes (fixed variants exist for ${REWRITE_BASES.join(', ')})`);
  const without = m[2] ? fixList(name, m[2].replaceAll(',', '+'), base) : [];
  const plus = m[3] ? fixList(name, m[3].slice(1), base) : [];
  const chosen = new Set<Fix>(fixed ? fixesFor(base).filter((f) => !without.includes(f)) : []);
  for (const f of plus) chosen.add(f);
  return { base, fixes: [...chosen].sort(byFindingId) };
}

const cache = new Map<string, Variant>();

/** The variant `base` with `fixes` applied, named `name` (cached: checks are cached per Variant object). */
export function composeVariant(name: string, base: string, fixes: readonly Fix[]): Variant {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  let v: Variant;
  if (fixes.length === 0) v = VARIANTS.find((x) => x.name === base)!;
  else {
    if (!isRewriteBase(base)) throw new VariantNameError(`${base} has no fixes`);
    const t = TABLES[base];
    v = rewriteVariant(name, `${t.description}, with ${fixes.map((f) => f.id).join(', ')} fixed`, applyFixes(base, t.fns, fixes), t.hooks);
  }
  cache.set(name, v);
  return v;
}

/** Look a variant up by name (bases and compositions), with an error that lists the known ones. */
export function variantByName(name: string): Variant {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const spec = parseVariantName(name);
  return composeVariant(name, spec.base, spec.fixes);
}

/** The canonical name of `base` with `fixes` (`rewrite-v2+F3+F9`; the base alone when none). */
export function variantName(base: string, fixes: readonly Fix[]): string {
  return [base, ...[...fixes].sort(byFindingId).map((f) => f.id)].join('+');
}
