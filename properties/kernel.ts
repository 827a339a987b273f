/**
 * Properties the engine reports where they happen: kernel BUG/WARN/oops, sleeping in
 * atomic context, deadlock, livelock, irq-state leaks, lifecycle rejections and lockdep.
 */
import type { Property } from './property';

const event = (name: string, forbids: string): Property => ({ name, forbids, when: 'event' });

/** Forbids reaching a BUG_ON/BUG() (kernel BUG). */
export const no_bug = event('no_bug', 'reaching a BUG_ON() or BUG() in the kernel code');
/** Forbids reaching a WARN_ON (a violation by default, as the DESIGN says). */
export const no_warn = event('no_warn', 'reaching a WARN_ON() in the kernel code');
/** Forbids an oops: following a poisoned or NULL pointer, touching freed memory, or an out-of-bounds access. */
export const no_oops = event('no_oops', 'following a poisoned or NULL pointer, touching freed memory, or an access outside an object');
/** Forbids a sleeping call (GFP_KERNEL allocation) in atomic context or with irqs disabled. */
export const no_sleep_in_atomic = event('no_sleep_in_atomic', 'a call that may sleep (GFP_KERNEL allocation) in atomic context or with irqs disabled');
/** Forbids a state where every CPU with work is blocked, or a CPU spinning on a lock its interrupted context holds. */
export const no_deadlock = event('no_deadlock', 'every CPU with work blocked on a lock or an IPI, or a handler spinning on a lock its own CPU holds');
/** Forbids an API call that does not finish within the step bound (e.g. a list walk that never ends). */
export const no_livelock = event('no_livelock', 'an API call that does not return within the step bound (a walk that never terminates)');
/** Forbids an API call returning with a different irq state than it was entered with. */
export const irq_state_balanced = event('irq_state_balanced', 'an API call that returns with irqs enabled/disabled differently from how it was entered');
/** Forbids an object event its XState lifecycle does not accept. */
export const lifecycle_legal = event('lifecycle_legal', 'a vmap_area, vmap_block, TLB/alias or handle transition its lifecycle machine does not accept');
/** Forbids lockdep's irq rules: a lock used in irq context and taken with irqs enabled; irq-safe -> irq-unsafe order. */
export const lockdep_irq_safe = event('lockdep_irq_safe', 'a lock class used in hardirq/softirq context that is also taken with irqs enabled, or held while taking an irq-unsafe lock');
/** Forbids lock-order inversions and recursive locking between lock classes. */
export const lockdep_lock_order = event('lockdep_lock_order', 'two lock classes taken in both orders, or a class taken while already held');
