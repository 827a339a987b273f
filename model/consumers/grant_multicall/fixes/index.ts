/** The grant_multicall consumer's findings with their experiments (one file each). */
import type { ConsumerFix } from '../../fix';
import type { GrantConfig } from '../state';
import type { GrantScenario } from '../run';
import { C9 } from './C9_flush_before_handle';
import { C10 } from './C10_failed_map_check';
import { C11 } from './C11_remove_after_lazy_section';
import { C12 } from './C12_set_page_private';

/** Every grant_multicall finding, in id order. */
export const GRANT_FIXES: readonly ConsumerFix<Omit<GrantConfig, 'mapErrors'>, GrantScenario>[] = [C9, C10, C11, C12];
