/** The mmu_notifier consumer's findings with their experiments (one file each). */
import type { ConsumerFix } from '../../fix';
import type { MnConfig } from '../state';
import type { MnScenario } from '../types';
import { C13 } from './C13_mmu_notifier_seq';
import { C14 } from './C14_gru_dropin_recheck';
import { C15 } from './C15_xip_tolerate_ebusy';
import { C16 } from './C16_xip_sparse_seq';
import { C17 } from './C17_sparse_page_recheck';

/** Every mmu_notifier finding, in id order. */
export const MN_FIXES: readonly ConsumerFix<MnConfig, MnScenario>[] = [C13, C14, C15, C16, C17];
