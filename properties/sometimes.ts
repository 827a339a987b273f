/**
 * Sometimes-properties: states a campaign must reach, so that a green run cannot come from
 * a model that never gets anywhere interesting. The model marks them with `w.reach(name)`.
 */
import type { Property } from './property';
import { judgeFailure } from './alloc';

const sometimes = (name: string, forbids: string, needs: readonly string[] = []): Property => ({ name, forbids, when: 'sometimes', needs });

/** A purge unmapped and freed lazily freed areas. */
export const purge_happened = sometimes('purge_happened', 'a campaign in which no purge ever freed a lazy area', ['lazy-purge']);
/** A vmap block's free count reached 0. */
export const block_filled = sometimes('block_filled', 'a campaign in which no vmap block ever filled up', ['percpu-blocks']);
/** A vmap block was freed (all of it dirty). */
export const block_freed = sometimes('block_freed', 'a campaign in which no vmap block was ever freed', ['percpu-blocks']);
/** An allocation failed and a later one succeeded. */
export const alloc_failed_and_recovered = sometimes('alloc_failed_and_recovered', 'a campaign in which no allocation failed and later recovered');

/** A KVA allocation failed while per-CPU blocks with nothing live in them held space (judged as the allocation oracle judges it). */
export const alloc_failed_while_blocks_held_space: Property = {
  name: 'alloc_failed_while_blocks_held_space',
  forbids: 'a campaign in which no allocation failed while per-CPU vmap blocks with no live allocation held vmalloc space',
  when: 'sometimes',
  needs: ['percpu-blocks'],
  reachedBy: (w) => w.allocFailures.some((f) => judgeFailure(w, f).emptyBlocks > 0),
};

/** vmalloc space ran out in a run with more than one CPU. */
export const vmalloc_exhausted_smp: Property = {
  name: 'vmalloc_exhausted_smp',
  forbids: 'a campaign in which vmalloc space never ran out (a KVA allocation failed) with more than one CPU running',
  when: 'sometimes',
  reachedBy: (w) => w.cpus.length > 1 && w.allocFailures.length > 0,
};
