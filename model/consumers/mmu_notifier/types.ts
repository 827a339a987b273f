/**
 * The MMU-notifier consumer's ops and scenario, as data.
 *
 * Shared by the run (run.ts, ops.ts) and by the consumer fixes (fixes/: C13..C17), whose
 * experiments name the scenario type; the fixes' code is called from the consumer's own
 * files (gru.ts, gru_fault.ts), so the types live here, below both, and every import points
 * one way. The config (MnConfig) is in state.ts, with the state it switches. Types only:
 * this file has no run-time content.
 */
import type { World } from '../../engine/world';
import type { CChoice, CEnding, ConsumerOp } from '../driver';
import type { MnState } from './state';

/** One op; secondary accesses carry `after` = the register op's id. */
export type MnOp = ConsumerOp &
  (
    | { readonly op: 'register' }
    | { readonly op: 'saccess'; readonly vpn: number }
    | { readonly op: 'fault'; readonly vpn: number }
    | { readonly op: 'zap'; readonly vpn: number; readonly n: number }
    | { readonly op: 'reclaim'; readonly vpn: number }
    | { readonly op: 'young'; readonly vpn: number }
    | { readonly op: 'xip_write'; readonly pgoff: number }
  );

/** An MMU-notifier scenario as data (replayable). */
export interface MnScenario {
  readonly programs: readonly (readonly MnOp[])[];
  readonly schedule: readonly CChoice[];
  /** Pgoffs of the XIP file whose blocks exist at the start (the rest are holes). */
  readonly blocks: readonly number[];
}

/** The checks the properties module supplies. */
export interface MnChecks {
  readonly step?: readonly ((w: World) => void)[];
  readonly final?: readonly ((w: World) => void)[];
}

/** The outcome of one run. */
export interface MnRun {
  readonly world: World;
  readonly mn: MnState;
  readonly ending: CEnding;
  readonly executed: CChoice[];
}
