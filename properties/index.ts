/**
 * The property registry, and the glue that turns predicates into engine checks.
 */
import type { RunChecks } from '../model/engine/runner';
import type { World } from '../model/engine/world';
import type { Variant } from '../model/engine/variant';
import { classOf, type Property } from './property';
import { memoView } from '../model/engine/view_memo';
import { no_redundant_flush } from './flushes';
import { areas_disjoint, areas_in_range, tree_wellformed } from './areas';
import { flush_cache_vmap_covers_mapping, live_mappings_translate, no_alias_after_unmap_aliases, no_reuse_with_lazy_alias } from './mappings';
import { block_counters_consistent, lazy_counter_consistent } from './counters';
import { no_kmemleak, no_kva_leak } from './leaks';
import { alloc_fails_only_when_full } from './alloc';
import * as kernel from './kernel';
import { misuse_asserted } from './misuse';
import * as sometimes from './sometimes';

export type { Property, PropertyClass, Snapshot, When } from './property';
export { classOf } from './property';

/** Every property, in report order. */
export const PROPERTIES: readonly Property[] = [
  areas_disjoint,
  areas_in_range,
  tree_wellformed,
  live_mappings_translate,
  no_reuse_with_lazy_alias,
  no_alias_after_unmap_aliases,
  lazy_counter_consistent,
  block_counters_consistent,
  no_kva_leak,
  no_kmemleak,
  alloc_fails_only_when_full,
  flush_cache_vmap_covers_mapping,
  kernel.no_bug,
  kernel.no_warn,
  kernel.no_oops,
  kernel.no_sleep_in_atomic,
  kernel.no_deadlock,
  kernel.no_livelock,
  kernel.irq_state_balanced,
  kernel.lifecycle_legal,
  kernel.lockdep_irq_safe,
  kernel.lockdep_lock_order,
  misuse_asserted,
  no_redundant_flush,
  sometimes.purge_happened,
  sometimes.block_filled,
  sometimes.block_freed,
  sometimes.alloc_failed_and_recovered,
  sometimes.alloc_failed_while_blocks_held_space,
  sometimes.vmalloc_exhausted_smp,
];

/** Safety properties (everything but the sometimes and the performance ones). */
export const SAFETY: readonly Property[] = PROPERTIES.filter((p) => p.when !== 'sometimes' && classOf(p) === 'safety');

/**
 * Performance properties: checked like safety ones (pass them to checksFor), reported and
 * recorded like findings, but a violation never fails CI on its own.
 */
export const PERFORMANCE: readonly Property[] = PROPERTIES.filter((p) => classOf(p) === 'performance');

/** The sometimes-properties that apply to a variant (a purge needs a lazy-purge design). */
export function sometimesFor(v: Variant): Property[] {
  const f = new Set(v.features ?? []);
  return PROPERTIES.filter((p) => p.when === 'sometimes' && (p.needs ?? []).every((x) => f.has(x)));
}

/** Look a property up by name. */
export function propertyByName(name: string): Property | undefined {
  return PROPERTIES.find((p) => p.name === name);
}

/** Report the first problem of `p` in this run (each property is reported once per run). */
function reportOnce(w: World, p: Property, problems: string[]): void {
  if (problems.length === 0 || w.violations.some((v) => v.property === p.name)) return;
  const cpu = w.cpus.find((c) => c.stack.length > 0 && c.top.frames.length > 0);
  const more = problems.length > 1 ? ` (+${problems.length - 1} more)` : '';
  w.reportGlobal(p.name, 'invariant', cpu?.id ?? 0, problems[0]! + more, cpu?.top.frames.at(-1) ?? '(checker)', p.when === 'step' ? 'after this step' : p.when);
}

/** Engine checks evaluating `props` on `variant`'s view. */
export function checksFor(variant: Variant, props: readonly Property[] = SAFETY): RunChecks {
  const at = (when: string): Property[] => props.filter((p) => p.when === when && p.check !== undefined);
  const group = (ps: Property[]) =>
    ps.length === 0
      ? []
      : [
          (w: World): void => {
            // The runner's reading of this step's state when it is this variant's, else one of our own.
            const view = w.stepView !== null && w.user?.variant === variant ? w.stepView : memoView(variant.view(w));
            const s = { w, view };
            for (const p of ps) reportOnce(w, p, p.check!(s));
          },
        ];
  const after = props.filter((p) => p.afterCall !== undefined);
  return {
    step: group(at('step')),
    quiescent: group(at('quiescent')),
    final: group(at('final')),
    afterCall: after.map((p) => (w: World, op, start) => reportOnce(w, p, p.afterCall!({ w, view: variant.view(w) }, op, start))),
  };
}
