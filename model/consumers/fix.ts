/**
 * A consumer finding's experiment (the consumer analogue of model/variants/fixes/fix.ts and
 * of the vmap findings' contracts): what the finding's fix, or its contract, changes about a
 * run. A counterexample belongs to the finding when this change alone makes it stop
 * reproducing (explore/consumers/classify.ts).
 *
 *  - a defect's fix changes the run's configuration: it switches to the version the seed
 *    shows as fixed, or adds the fix's id to the config's `fixes`, which installs the fixed
 *    C function at a fix point (the unfixed run executes the seed's statements only);
 *  - a contract's experiment keeps the scenario's calls within the documented use.
 *
 * Each fix lives in its own file under model/consumers/<consumer>/fixes/ with the C hunk
 * against the seed in its header.
 */

/** What kind of root cause (as model/variants/findings.ts). */
export type ConsumerFindingKind = 'defect' | 'contract';

/** One consumer finding with its experiment, over the consumer's config C and scenario S. */
export interface ConsumerFix<C, S> {
  readonly id: string;
  readonly consumer: string;
  readonly kind: ConsumerFindingKind;
  /** The root cause, in C terms. */
  readonly title: string;
  /** The fix (or the contract) and where it comes from. */
  readonly fix: string;
  /** The run with the fix applied (or the scenario kept within the contract); null when it does not apply to this run. */
  experiment(cfg: C, scn: S): { readonly cfg: C; readonly scn: S } | null;
}

/** `cfg` with fix `id` added to its `fixes`, or null when it is there already. */
export function addFix<C extends { readonly fixes?: readonly string[] }>(cfg: C, id: string): C | null {
  const have = cfg.fixes ?? [];
  if (have.includes(id)) return null;
  return { ...cfg, fixes: [...have, id].sort(byId) };
}

/** Finding ids in numeric order (C2 before C10). */
export function byId(a: string, b: string): number {
  return Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b);
}
