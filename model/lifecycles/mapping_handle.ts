/**
 * Lifecycle of the API user's handle for one vmalloc / vmap / vm_map_ram result.
 *
 * The model's users drive this machine: it records what the caller believes
 * about its mapping, so the kernel-side machines can be checked against it
 * (e.g. a TOUCH is only legal while `live`). `unmapping_again` is deliberate
 * misuse (a double vfree / vunmap) that the workload injects on purpose to see
 * whether the kernel notices.
 */
import { setup, type StateValueFrom } from 'xstate';
import { deriveTable, indexOf, type LifecycleTable } from './table.js';

/** Events a mapping handle can receive; see the machine below for where each is legal. */
export type MappingHandleEvent =
  | { type: 'MAP_BEGIN' } // caller entered vmalloc / vmap / vm_map_ram
  | { type: 'MAP_DONE' } // the call returned an address
  | { type: 'MAP_FAIL' } // the call returned NULL
  | { type: 'TOUCH' } // caller accessed a page of the mapping
  | { type: 'UNMAP_BEGIN' } // caller entered vfree / vunmap / vm_unmap_ram
  | { type: 'UNMAP_DONE' } // that call returned
  | { type: 'UNMAP_AGAIN' }; // caller released the same address a second time (misuse)

/** The mapping-handle lifecycle: the single source of truth for its legal transitions. */
export const mappingHandleMachine = setup({
  types: { events: {} as MappingHandleEvent },
}).createMachine({
  id: 'mapping_handle',
  initial: 'idle',
  states: {
    idle: { on: { MAP_BEGIN: 'mapping' } },
    mapping: { on: { MAP_DONE: 'live', MAP_FAIL: 'failed' } },
    // Only a live handle may be touched; touching after release is a use-after-free.
    live: { on: { TOUCH: 'live', UNMAP_BEGIN: 'unmapping' } },
    failed: { type: 'final' },
    unmapping: { on: { UNMAP_DONE: 'released' } },
    // Not final: misuse tests release it again from here.
    released: { on: { UNMAP_AGAIN: 'unmapping_again' } },
    unmapping_again: { on: { UNMAP_DONE: 'released' } },
  },
});

/** State names, inferred by XState from the machine config (no second list to keep in sync). */
export type MappingHandleState = Extract<StateValueFrom<typeof mappingHandleMachine>, string>;

/** Dense table derived from {@link mappingHandleMachine} for the model's hot path. */
export const MAPPING_HANDLE: LifecycleTable = deriveTable(mappingHandleMachine);

/** Event indices into {@link MAPPING_HANDLE}, e.g. `MH_EV.TOUCH`. */
export const MH_EV = indexOf<MappingHandleEvent['type']>(MAPPING_HANDLE.events);

/** State indices into {@link MAPPING_HANDLE}, e.g. `MH_ST.live`. */
export const MH_ST = indexOf<MappingHandleState>(MAPPING_HANDLE.states);
