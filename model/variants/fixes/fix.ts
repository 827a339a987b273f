/**
 * What a fix is: the smallest C change that removes one finding, as a delta over a
 * rewrite-family function table (the way irqsafe is a delta over v2's). Each fix lives in
 * its own file whose header carries the C hunk against the seed and the later kernel's
 * fix it follows (subject, year), or says why there is none.
 *
 * Fixes compose because each replaces its own table entries: where two fixes change the
 * same C function, the port carves the smallest fragment around each hunk out as a table
 * entry of its own (a "fix point", with the 2008 statements as its default), so no two
 * fixes replace the same entry. Composition checks that and refuses a clash.
 */
import type { RwFns } from '../rewrite-v2/state';

/** The bases that have a function table a fix can patch (vanilla has none). */
export const REWRITE_BASES = ['rewrite-v1', 'rewrite-v2', 'irqsafe'] as const;
/** One of them. */
export type RewriteBase = (typeof REWRITE_BASES)[number];

/** One fix. `id` is the finding it removes (docs/findings.md). */
export interface Fix {
  readonly id: string;
  /** One line: what the fix changes, in C terms. */
  readonly title: string;
  /** The later kernel's fix it follows (subject, author, year), or why there is none. */
  readonly upstream: string;
  /** The bases it has a delta for (a finding the base does not have has no delta there). */
  readonly bases: readonly RewriteBase[];
  /** The replaced entries of `base`'s table (`fns` is that table, for entries a fix wraps). */
  patch(base: RewriteBase, fns: RwFns): Partial<RwFns>;
}

/** A fix set that cannot be composed (two fixes replace the same entry, or a fix not for this base). */
export class FixCompositionError extends Error {}

/** Apply `fixes` to `base`'s table `fns`; each entry may be replaced by at most one fix. */
export function applyFixes(base: RewriteBase, fns: RwFns, fixes: readonly Fix[]): RwFns {
  const owner = new Map<string, string>();
  let out: RwFns = fns;
  for (const f of fixes) {
    if (!f.bases.includes(base)) throw new FixCompositionError(`fix ${f.id} has no delta for ${base} (it applies to ${f.bases.join(', ')})`);
    const delta = f.patch(base, fns);
    for (const key of Object.keys(delta)) {
      const prev = owner.get(key);
      if (prev !== undefined) throw new FixCompositionError(`fixes ${prev} and ${f.id} both replace ${key}: carve a fix point so each owns its own entry`);
      owner.set(key, f.id);
    }
    out = { ...out, ...delta };
  }
  return out;
}
