/**
 * `atomic_t`: a 32-bit signed counter; each operation is one indivisible step.
 */
import type { Gen } from '../exec/gen';
import type { K } from './k';
import type { Site } from '../exec/site';
import { objId, recorder } from './footprint';

/** `atomic_t` */
export class Atomic {
  value = 0;
  /** Footprint id (construction order). */
  readonly fid = objId();
  constructor(readonly name: string) {}
}

/** C's conversion of an `unsigned long` argument to atomic_add's `int i`. */
export function toInt(x: bigint | number): number {
  return typeof x === 'number' ? x | 0 : Number(BigInt.asIntN(32, x));
}

/** Footprint of a step that is an atomic operation on `v`. */
function atomicStep(v: Atomic, write: boolean): void {
  recorder!.primitive();
  if (write) recorder!.write(`atomic#${v.fid}`);
  else recorder!.read(`atomic#${v.fid}`);
}

/** `atomic_add(i, v)` */
export function* atomic_add(k: K, v: Atomic, i: bigint | number, site: Site): Gen {
  yield site;
  if (recorder !== null) atomicStep(v, true);
  v.value = (v.value + toInt(i)) | 0;
  k.w.atomicChanged(v);
}

/** `atomic_sub(i, v)` */
export function* atomic_sub(k: K, v: Atomic, i: bigint | number, site: Site): Gen {
  yield site;
  if (recorder !== null) atomicStep(v, true);
  v.value = (v.value - toInt(i)) | 0;
  k.w.atomicChanged(v);
}

/** `atomic_read(v)`: a plain load, still a step (another CPU may change it). */
export function* atomic_read(_k: K, v: Atomic, site: Site): Gen<number> {
  yield site;
  if (recorder !== null) atomicStep(v, false);
  return v.value;
}
