/**
 * The execution handle passed to variant and consumer code: the kernel's `K` with the
 * whole World (layout, the variant's globals, ghosts, metrics), which only code above the
 * engine may see. Kernel primitives take the narrower `K` of model/kernel/k.ts; this one
 * is assignable to it.
 */
import type { K as KernelK } from '../kernel/k';
import type { World } from './world';

/** The running context with the engine's World. */
export interface K extends KernelK {
  readonly w: World;
}
