/**
 * The machine-readable block every bench prints as its last line, for bench/benchmarks_md.ts:
 * `BENCH_JSON {"bench": ..., "figures": [{name, value, unit, note?}], "tables"?: [...]}`.
 * A bench keeps its human output above it; the generator quotes both.
 */

/** One measured figure. */
export interface Figure {
  readonly name: string;
  readonly value: number | string;
  readonly unit?: string;
  readonly note?: string;
}

/** A table of rows (first row: the header). */
export interface Table {
  readonly title: string;
  readonly rows: readonly (readonly (string | number)[])[];
}

/** The line prefix the generator looks for. */
export const JSON_PREFIX = 'BENCH_JSON ';

/** Print the block (one line, last): name, figures, optional tables and notes. */
export function emitJson(bench: string, figures: readonly Figure[], tables: readonly Table[] = [], notes: readonly string[] = []): void {
  console.log(JSON_PREFIX + JSON.stringify({ bench, figures, tables, notes }));
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
