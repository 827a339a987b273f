/**
 * RCU read-side sections and grace periods (classic RCU, 2008).
 *
 * rcu_read_lock disables preemption and nests per CPU. A call_rcu callback records which
 * CPUs were inside a read-side section when it was queued and how many sections each had
 * left by then; it becomes ready once each of them has left that section. Ready callbacks
 * run at the end of the step that made them ready (the earliest legal moment, which is the
 * most adversarial one for a reader that still holds a pointer).
 */
import type { K, KernelRcu } from './k';
import type { Cpu } from './cpu';
import { preempt_disable, preempt_enable } from './irq';
import { FuncPtr, listWritten, type ListHead } from './list';
import { recorder } from './footprint';

/** A queued call_rcu callback. */
export interface RcuCallback {
  readonly label: string;
  readonly cpu: number;
  readonly queuedAt: number;
  /** CPUs in a section at queue time, with their rcuExits count then. */
  readonly waits: readonly (readonly [Cpu, number])[];
  readonly run: () => void;
}

/** `rcu_read_lock()` */
export function rcu_read_lock(k: K): void {
  if (recorder !== null) recorder.write(`rcu:cpu${k.cpu.id}`);
  k.cpu.rcuNesting++;
  preempt_disable(k);
}

/** `rcu_read_unlock()` */
export function rcu_read_unlock(k: K): void {
  if (recorder !== null) recorder.write(`rcu:cpu${k.cpu.id}`);
  k.cpu.rcuNesting--;
  preempt_enable(k);
  if (k.cpu.rcuNesting === 0) {
    k.cpu.rcuExits++;
    k.w.rcu.maybeReady = true;
  }
}

/** The grace-period machinery of one run. */
export class Rcu implements KernelRcu {
  readonly queue: RcuCallback[] = [];
  maybeReady = false;
  callbacksRun = 0;

  /** Per CPU, the rcu_head most recently queued whose callback has not run (the nxttail). */
  private readonly tails = new Map<number, ListHead>();

  /**
   * `call_rcu(head, func)`. The head's storage is written as 2.6.26 does: `head->func =
   * func; head->next = NULL`, and the previous tail's `next` on this CPU is pointed at it.
   * The head is a ListHead because in `struct vmap_block` the rcu_head shares storage with
   * `free_list` (next <-> next, func <-> prev): a reader still on that list sees the writes.
   */
  call_rcu(k: K, head: ListHead, func: string, label: string, run: () => void): void {
  if (recorder !== null) recorder.opaque('call_rcu');
    listWritten(head);
    head.prev = new FuncPtr(func);
    head.next = null;
    const tail = this.tails.get(k.cpu.id);
    listWritten(tail ?? null);
    if (tail !== undefined) tail.next = head;
    this.tails.set(k.cpu.id, head);
    const waits: [Cpu, number][] = [];
    for (const c of k.w.cpus) if (c.rcuNesting > 0) waits.push([c, c.rcuExits]);
    this.queue.push({
      label,
      cpu: k.cpu.id,
      queuedAt: k.w.stepNo,
      waits,
      run: () => {
        if (this.tails.get(k.cpu.id) === head) this.tails.delete(k.cpu.id);
        run();
      },
    });
    this.maybeReady = true;
  }

  /** Has every pre-existing reader left its section? */
  static ready(cb: RcuCallback): boolean {
    for (const [c, exits] of cb.waits) if (c.rcuExits <= exits) return false;
    return true;
  }

  /** Run every ready callback, in queue order; returns the labels run. */
  runReady(): string[] {
    this.maybeReady = false;
    const ran: string[] = [];
    for (let i = 0; i < this.queue.length; ) {
      const cb = this.queue[i]!;
      if (Rcu.ready(cb)) {
        this.queue.splice(i, 1);
        cb.run();
        this.callbacksRun++;
        ran.push(cb.label);
      } else i++;
    }
    return ran;
  }

  /** `rcu_barrier()` at the end of a run: every CPU is outside its sections by then. */
  barrier(): string[] {
    const ran: string[] = [];
    while (this.queue.length > 0) {
      const cb = this.queue.shift()!;
      cb.run();
      this.callbacksRun++;
      ran.push(cb.label);
    }
    return ran;
  }
}
