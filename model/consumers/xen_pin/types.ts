/**
 * The xen_pin consumer's scenario and configuration types, as data.
 *
 * Shared by the run (program.ts) and by the consumer fixes (fixes/), which are deltas over
 * the run's config: they live here, below both, so a fix names the config it changes
 * without importing the program that applies it (and the program imports the fixes' code
 * one way). Types only: this file has no run-time content.
 */
import type { World } from '../../engine/world';
import type { CChoice, DriveResult } from '../driver';
import type { PinCaller, PinObserver } from './pin';

/** One op of a xen_pin program. */
export type XenOp =
  | { readonly id: number; readonly op: 'map'; readonly kind: 'vmalloc' | 'vmap' | 'vm_map_ram'; readonly pages: number }
  | { readonly id: number; readonly op: 'touch'; readonly h: number; readonly page: number }
  | { readonly id: number; readonly op: 'unmap'; readonly h: number }
  | { readonly id: number; readonly op: 'pin'; readonly h: number; readonly page: number; readonly highmem: boolean }
  | { readonly id: number; readonly op: 'vm_unmap_aliases' };

/** A xen_pin scenario, as data. */
export interface XenScenario {
  readonly programs: readonly (readonly XenOp[])[];
  readonly schedule: readonly CChoice[];
}

/** The switches of one run. */
export interface XenConfig {
  readonly variant: string;
  readonly caller: PinCaller;
  /** Layout name (default 'tiny'). */
  readonly layout?: string;
  /** Record the world's trace (locks, TLB events, violations). */
  readonly trace?: boolean;
}

/** The outcome of one xen_pin run. */
export interface XenRun extends DriveResult {
  readonly world: World;
}

/** What the properties attach to a run. */
export interface XenWatch {
  readonly hv: PinObserver;
  step?(): void;
}
