/** The xen_pin consumer's findings with their experiments (one file each). */
import type { ConsumerFix } from '../../fix';
import type { XenConfig, XenScenario } from '../types';
import { C6 } from './C6_unmap_aliases_first';
import { C7 } from './C7_ptpage_unalias_before_pin';
import { C8 } from './C8_pgd_pin_unalias_always';

/** Every xen_pin finding, in id order (the vmap layer's own findings, F3/F9, come from model/variants/fixes). */
export const XEN_FIXES: readonly ConsumerFix<XenConfig, XenScenario>[] = [C6, C7, C8];
