/**
 * RCU grace periods: a call_rcu callback waits exactly for the CPUs that were inside a
 * read-side section when it was queued, and for nothing else; nesting does not end a
 * section early; call_rcu writes the rcu_head's storage as 2.6.26 does.
 */
import { describe, it, expect } from 'vitest';
import { mkWorld } from '../support/kctx';
import type { K } from '../../model/engine/exec';
import { FuncPtr, ListHead } from '../../model/kernel/list';
import { rcu_read_lock, rcu_read_unlock } from '../../model/kernel/rcu';

/** Queue a callback from `k` that records its run in `log`. */
function queue(k: K, log: string[], label: string): ListHead {
  const head = new ListHead(null, `${label}.rcu_head`);
  k.w.rcu.call_rcu(k, head, `${label}_rcu`, label, () => log.push(label));
  return head;
}

describe('call_rcu grace periods', () => {
  it('runs at once when no CPU is inside a read-side section', () => {
    const { w, ks } = mkWorld(2);
    const log: string[] = [];
    queue(ks[0]!, log, 'cb');
    expect(w.rcu.maybeReady).toBe(true);
    expect(w.rcu.runReady()).toEqual(['cb']);
    expect(log).toEqual(['cb']);
    expect(w.rcu.callbacksRun).toBe(1);
  });

  it('never runs while a CPU that was inside at queue time is still inside, even after others exit', () => {
    const { w, ks } = mkWorld(3);
    const [a, b, c] = ks as [K, K, K];
    const log: string[] = [];
    rcu_read_lock(a);
    rcu_read_lock(b);
    queue(c, log, 'cb');
    expect(w.rcu.runReady()).toEqual([]);
    rcu_read_unlock(b);
    expect(w.rcu.runReady()).toEqual([]);
    // b re-enters and leaves again: still a's old section that holds it back.
    rcu_read_lock(b);
    rcu_read_unlock(b);
    expect(w.rcu.runReady()).toEqual([]);
    expect(log).toEqual([]);
    rcu_read_unlock(a);
    expect(w.rcu.maybeReady).toBe(true);
    expect(w.rcu.runReady()).toEqual(['cb']);
    expect(log).toEqual(['cb']);
  });

  it('a CPU that enters a section after the callback was queued does not delay it', () => {
    const { w, ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    const log: string[] = [];
    rcu_read_lock(a);
    queue(b, log, 'cb');
    rcu_read_lock(b);
    rcu_read_unlock(a);
    expect(w.rcu.runReady()).toEqual(['cb']);
    expect(b.cpu.rcuNesting).toBe(1);
  });

  it('a new section started by the same CPU after leaving the old one does not delay it', () => {
    const { w, ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    const log: string[] = [];
    rcu_read_lock(a);
    queue(b, log, 'cb');
    rcu_read_unlock(a);
    rcu_read_lock(a);
    expect(w.rcu.runReady()).toEqual(['cb']);
  });

  it('a CPU that queues from inside its own section delays the callback until it leaves', () => {
    const { w, ks } = mkWorld(2);
    const a = ks[0]!;
    const log: string[] = [];
    rcu_read_lock(a);
    queue(a, log, 'cb');
    expect(w.rcu.runReady()).toEqual([]);
    rcu_read_unlock(a);
    expect(w.rcu.runReady()).toEqual(['cb']);
  });

  it('nesting: two rcu_read_lock and one unlock does not end the section', () => {
    const { w, ks } = mkWorld(2);
    const [a, b] = ks as [K, K];
    const log: string[] = [];
    rcu_read_lock(a);
    rcu_read_lock(a);
    queue(b, log, 'cb');
    rcu_read_unlock(a);
    expect(a.cpu.rcuNesting).toBe(1);
    expect(w.rcu.runReady()).toEqual([]);
    rcu_read_unlock(a);
    expect(w.rcu.runReady()).toEqual(['cb']);
  });

  it('rcu_read_lock disables preemption for the whole nested section', () => {
    const { ks } = mkWorld(1);
    const a = ks[0]!;
    rcu_read_lock(a);
    rcu_read_lock(a);
    expect(a.cpu.preempt).toBe(2);
    expect(a.cpu.inAtomic()).toBe(true);
    rcu_read_unlock(a);
    rcu_read_unlock(a);
    expect(a.cpu.preempt).toBe(0);
  });

  it('callbacks waiting on different CPUs run independently, in queue order', () => {
    const { w, ks } = mkWorld(3);
    const [a, b, c] = ks as [K, K, K];
    const log: string[] = [];
    rcu_read_lock(a);
    queue(c, log, 'first');
    rcu_read_lock(b);
    queue(c, log, 'second');
    rcu_read_unlock(b);
    expect(w.rcu.runReady()).toEqual([]);
    rcu_read_unlock(a);
    expect(w.rcu.runReady()).toEqual(['first', 'second']);
  });

  it('rcu_barrier runs everything still queued', () => {
    const { w, ks } = mkWorld(2);
    const log: string[] = [];
    rcu_read_lock(ks[0]!);
    queue(ks[1]!, log, 'x');
    queue(ks[1]!, log, 'y');
    expect(w.rcu.barrier()).toEqual(['x', 'y']);
    expect(w.rcu.queue.length).toBe(0);
  });
});

describe('call_rcu storage writes', () => {
  it('writes func over prev and NULL over next, and chains the per-CPU tail', () => {
    const { ks } = mkWorld(1);
    const log: string[] = [];
    rcu_read_lock(ks[0]!);
    const h1 = queue(ks[0]!, log, 'a');
    expect(h1.prev).toBeInstanceOf(FuncPtr);
    expect((h1.prev as FuncPtr).name).toBe('a_rcu');
    expect(h1.next).toBeNull();
    const h2 = queue(ks[0]!, log, 'b');
    expect(h1.next).toBe(h2);
    expect(h2.next).toBeNull();
  });
});
