/**
 * Translation state of ONE (CPU, virtual page) pair under lazy TLB flushing.
 *
 * The 2008 rewrite stopped flushing the TLB on every vunmap: a released
 * address keeps its PTE or at least its TLB entries ("lazy aliases") until
 * __purge_vmap_area_lazy calls flush_tlb_kernel_range. The hazard this machine
 * exists to catch is SET_PTE in `alias_stale`: the address was handed out again
 * while some CPU still caches the old translation.
 */
import { setup, type StateValueFrom } from 'xstate';
import { deriveTable, indexOf, type LifecycleTable } from './table.js';

/** Events a (CPU, page) translation can receive; see the machine below for where each is legal. */
export type TlbAliasEvent =
  | { type: 'SET_PTE' } // set_pte_at for a new mapping of this page
  | { type: 'CLEAR_PTE' } // ptep_get_and_clear (vunmap_pte_range)
  | { type: 'FILL' } // this CPU loaded the translation: a touch or a speculative walk
  | { type: 'FLUSH' } // flush_tlb_kernel_range reached this CPU and covered this page
  | { type: 'RELEASE' }; // the user unmapped it (vunmap / vm_unmap_ram / vfree)

/** The (CPU, page) translation lifecycle: the single source of truth for its legal transitions. */
export const tlbAliasMachine = setup({
  types: { events: {} as TlbAliasEvent },
}).createMachine({
  id: 'tlb_alias',
  initial: 'unmapped',
  states: {
    // No PTE, no TLB entry here. Clearing or flushing an absent entry is harmless.
    unmapped: { on: { SET_PTE: 'mapped', CLEAR_PTE: 'unmapped', FLUSH: 'unmapped' } },
    // Live mapping, not cached here. CLEAR_PTE is rejected: a live mapping lost its PTE.
    mapped: { on: { FILL: 'mapped_cached', RELEASE: 'alias_pte', FLUSH: 'mapped' } },
    // Live mapping cached by this CPU; a flush only drops the cache.
    mapped_cached: { on: { FLUSH: 'mapped', RELEASE: 'alias_cached', FILL: 'mapped_cached' } },
    // Released, PTE still present (lazy unmap not yet done); a speculative walk may cache it.
    alias_pte: { on: { CLEAR_PTE: 'unmapped', FILL: 'alias_cached', FLUSH: 'alias_pte' } },
    // Released, PTE present and cached here.
    alias_cached: { on: { CLEAR_PTE: 'alias_stale', FLUSH: 'alias_pte', FILL: 'alias_cached' } },
    // Released, PTE gone, old translation still in this CPU's TLB: only a flush makes it safe.
    alias_stale: { on: { FLUSH: 'unmapped', CLEAR_PTE: 'alias_stale' } },
  },
});

/** State names, inferred by XState from the machine config (no second list to keep in sync). */
export type TlbAliasState = Extract<StateValueFrom<typeof tlbAliasMachine>, string>;

/** Dense table derived from {@link tlbAliasMachine} for the model's hot path. */
export const TLB_ALIAS: LifecycleTable = deriveTable(tlbAliasMachine);

/** Event indices into {@link TLB_ALIAS}, e.g. `TLB_EV.SET_PTE`. */
export const TLB_EV = indexOf<TlbAliasEvent['type']>(TLB_ALIAS.events);

/** State indices into {@link TLB_ALIAS}, e.g. `TLB_ST.alias_stale`. */
export const TLB_ST = indexOf<TlbAliasState>(TLB_ALIAS.states);

/** Lazy-alias flags per state index of {@link TLB_ALIAS}, computed once for the hot path. */
const LAZY_BY_INDEX: readonly boolean[] = TLB_ALIAS.states.map((s) => s.startsWith('alias_'));

/** True for the `alias_*` states: released by its user but still translatable or cached. */
export function isLazyAlias(state: string | number): boolean {
  return typeof state === 'number' ? LAZY_BY_INDEX[state] === true : state.startsWith('alias_');
}
