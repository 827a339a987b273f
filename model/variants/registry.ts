/**
 * The variants under audit, by name.
 */
import type { Variant } from './variant';
import { vanilla } from './vanilla/index';
import { rewriteV1 } from './rewrite-v1/index';
import { rewriteV2 } from './rewrite-v2/index';
import { irqsafe } from './irqsafe/index';

/** Every variant, in the DESIGN's order. */
export const VARIANTS: readonly Variant[] = [vanilla, rewriteV1, rewriteV2, irqsafe];

/** Look a variant up by name, with an error that lists the known ones. */
export function variantByName(name: string): Variant {
  const v = VARIANTS.find((x) => x.name === name);
  if (v === undefined) throw new Error(`unknown variant '${name}': known variants are ${VARIANTS.map((x) => x.name).join(', ')}`);
  return v;
}
