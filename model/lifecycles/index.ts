/**
 * The object lifecycles of the vmap layer: XState machines (source of truth)
 * and the dense tables derived from them for the model's hot path.
 */
import type { AnyStateMachine } from 'xstate';
import type { LifecycleTable } from './table.js';
import { VMAP_AREA, vmapAreaMachine } from './vmap_area.js';
import { VMAP_BLOCK, vmapBlockMachine } from './vmap_block.js';
import { TLB_ALIAS, tlbAliasMachine } from './tlb_alias.js';
import { MAPPING_HANDLE, mappingHandleMachine } from './mapping_handle.js';

export * from './table.js';
export * from './coverage.js';
export * from './instance.js';
export * from './vmap_area.js';
export * from './vmap_block.js';
export * from './tlb_alias.js';
export * from './mapping_handle.js';

/** Every lifecycle table, in a fixed order (e.g. to pre-register coverage). */
export const ALL_LIFECYCLES: readonly LifecycleTable[] = Object.freeze([
  VMAP_AREA,
  VMAP_BLOCK,
  TLB_ALIAS,
  MAPPING_HANDLE,
]);

/** Each machine with the table derived from it, in the same order as {@link ALL_LIFECYCLES}. */
export const LIFECYCLE_MACHINES: ReadonlyArray<{ machine: AnyStateMachine; table: LifecycleTable }> =
  Object.freeze([
    { machine: vmapAreaMachine, table: VMAP_AREA },
    { machine: vmapBlockMachine, table: VMAP_BLOCK },
    { machine: tlbAliasMachine, table: TLB_ALIAS },
    { machine: mappingHandleMachine, table: MAPPING_HANDLE },
  ]);

/** The table whose machine id is `name` (as printed in violations and coverage), or undefined. */
export function lifecycleTable(name: string): LifecycleTable | undefined {
  return ALL_LIFECYCLES.find((t) => t.name === name);
}
