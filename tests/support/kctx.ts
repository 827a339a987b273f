/**
 * Test support: a World with execution handles for each CPU, and a driver that runs a
 * model generator to completion without a scheduler (kernel-primitive unit tests).
 */
import { expect } from 'vitest';
import { World } from '../../model/engine/world';
import { KernelPanic, type Splat } from '../../model/kernel/assert';
import type { Gen } from '../../model/exec/gen';
import type { K } from '../../model/engine/exec';
import { Context } from '../../model/kernel/cpu';
import { TINY, type Layout } from '../../model/config/layout';

/** A world plus one process-context handle per CPU. */
export interface TestWorld {
  readonly w: World;
  readonly ks: K[];
}

/** Build a world of `cpus` CPUs, each with a process context pushed on its stack. */
export function mkWorld(cpus = 2, layout: Layout = TINY, faults: readonly number[] = []): TestWorld {
  const w = new World({ layout, cpus, faults, trace: true });
  const ks = w.cpus.map((cpu) => {
    const ctx = new Context(cpu, 'process', 0);
    cpu.stack.push(ctx);
    return { w, cpu, ctx };
  });
  return { w, ks };
}

/** Run a generator to completion, ignoring its scheduling points; returns its value. */
export function drain<R>(g: Gen<R>): R {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}


/** Run `f`, which must throw a KernelPanic (BUG or Oops), and return its splat. */
export function panicOf(f: () => unknown): Splat {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelPanic) return e.splat;
    throw e;
  }
  throw new Error('expected a kernel BUG or Oops, but the call returned normally');
}

/** Run `f` and check that it oopses or BUGs (`kind`) with a message matching `re`. */
export function expectPanic(f: () => unknown, kind: 'BUG' | 'Oops', re: RegExp): Splat {
  const s = panicOf(f);
  expect(s.kind).toBe(kind);
  expect(s.message).toMatch(re);
  return s;
}
