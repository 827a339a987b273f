/**
 * The pgd_sync consumer's scenario and configuration types, as data.
 *
 * Shared by the run (program.ts) and by the consumer fixes (fixes/: C1..C5), which are
 * deltas over the run's config: they live here, below both, so a fix names the config it
 * changes without importing the program that applies it (and the program imports the
 * fixes' code one way). Types only: this file has no run-time content.
 */
import type { World } from '../../engine/world';
import type { CChoice, DriveResult } from '../driver';
import type { PgMode, PgdObserver } from './state';
import type { VmAreaVersion } from './vm_area';

/** One op of a pgd_sync program; `h` names the op whose result it uses (-1: pid 1's mm). */
export type PgdOp =
  | { readonly id: number; readonly op: 'fork' }
  | { readonly id: number; readonly op: 'exit'; readonly h: number }
  | { readonly id: number; readonly op: 'switch_mm'; readonly h: number }
  | { readonly id: number; readonly op: 'xen_area'; readonly pages: number }
  | { readonly id: number; readonly op: 'xen_use'; readonly h: number }
  | { readonly id: number; readonly op: 'free_vm_area'; readonly h: number }
  | { readonly id: number; readonly op: 'vmalloc'; readonly pages: number }
  | { readonly id: number; readonly op: 'vfree'; readonly h: number }
  | { readonly id: number; readonly op: 'touch'; readonly h: number; readonly page: number }
  | { readonly id: number; readonly op: 'vmalloc_sync_all' }
  | { readonly id: number; readonly op: 'cache_reap' };

/** A pgd_sync scenario: programs and schedule, as data. */
export interface PgdScenario {
  readonly programs: readonly (readonly PgdOp[])[];
  readonly schedule: readonly CChoice[];
}

/** The switches of one run. */
export interface PgdConfig {
  readonly variant: string;
  readonly mode: PgMode;
  readonly PREEMPT: boolean;
  readonly faultPath: 'i386' | 'objection';
  readonly version: VmAreaVersion;
  /** Consumer fixes applied (pgd_sync/fixes/: C2..C5), in id order. */
  readonly fixes?: readonly string[];
}

/** The outcome of one pgd_sync run. */
export interface PgdRun extends DriveResult {
  readonly world: World;
}

/** What the properties attach to a run: hooks and a check after every step. */
export interface PgdWatch {
  readonly observers: readonly PgdObserver[];
  step?(): void;
}
