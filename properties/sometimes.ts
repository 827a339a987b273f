/**
 * Sometimes-properties: states a campaign must reach, so that a green run cannot come from
 * a model that never gets anywhere interesting. The model marks them with `w.reach(name)`.
 */
import type { Property } from './property';

const sometimes = (name: string, forbids: string): Property => ({ name, forbids, when: 'sometimes' });

/** A purge unmapped and freed lazily freed areas. */
export const purge_happened = sometimes('purge_happened', 'a campaign in which no purge ever freed a lazy area');
/** A vmap block's free count reached 0. */
export const block_filled = sometimes('block_filled', 'a campaign in which no vmap block ever filled up');
/** A vmap block was freed (all of it dirty). */
export const block_freed = sometimes('block_freed', 'a campaign in which no vmap block was ever freed');
/** An allocation failed and a later one succeeded. */
export const alloc_failed_and_recovered = sometimes('alloc_failed_and_recovered', 'a campaign in which no allocation failed and later recovered');
