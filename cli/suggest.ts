/**
 * "Did you mean": the nearest known name to a mistyped one, by edit distance, so a usage
 * error can name the likely fix (`--varaint` → `--variant`, `rewrite-v3` → `rewrite-v2`).
 */

/** Levenshtein distance (insert, delete, substitute all cost 1). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest of `known` to `name` when it is close enough to be a typo, else null. */
export function nearest(name: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  // A third of the length (at least 2 edits) is a typo; further away is another word.
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : null;
}

/** ` (did you mean 'X'?)` or the empty string. */
export function didYouMean(name: string, known: readonly string[], prefix = ''): string {
  const n = nearest(name, known);
  return n === null ? '' : ` (did you mean '${prefix}${n}'?)`;
}
