/**
 * Kernel lists at the pointer level: the poison values list_del writes, list_del_init's
 * self-pointing entry, list_del_rcu keeping `next`, and the oopses a walker meets when it
 * follows poison, NULL, a function pointer or an entry whose object was freed.
 */
import { describe, it, expect } from 'vitest';
import { mkWorld, drain, expectPanic, panicOf } from '../support/kctx';
import { sites } from '../../model/exec/site';
import type { K } from '../../model/engine/exec';
import { KObject } from '../../model/kernel/slab';
import {
  FuncPtr, LIST_POISON1, LIST_POISON2, ListHead, deref, list_add, list_add_tail, list_del, list_del_init, list_del_rcu,
  list_empty, list_next, listEntries,
} from '../../model/kernel/list';

const S = sites('list_test', { walk: 'list_for_each_entry(n, &head, list)', op: 'list op' });

/** A kmalloc'ed object embedding a list_head. */
class Node extends KObject {
  readonly list: ListHead = new ListHead(this, 'list');
  constructor(id: number) {
    super('node', id);
  }
}

/** A head with nodes 1..n in order (list_add_tail). */
function build(k: K, n: number): { head: ListHead; nodes: Node[] } {
  const head = new ListHead(null, 'head');
  const nodes = Array.from({ length: n }, (_, i) => new Node(i + 1));
  for (const o of nodes) list_add_tail(k, S.op, o.list, head);
  return { head, nodes };
}

/** Owner ids of a well-formed list. */
const ids = (h: ListHead): number[] => listEntries(h).map((l) => l.owner!.id);

/** Walk from `pos` to the head with list_next, returning the owner ids visited. */
function walkFrom(k: K, head: ListHead, pos: ListHead): number[] {
  const out: number[] = [];
  for (let p = drain(list_next(k, S.walk, pos)); p !== head; p = drain(list_next(k, S.walk, p))) out.push(p.owner!.id);
  return out;
}

/** Expect `f` to oops with a message matching `re`. */
const expectOops = (f: () => unknown, re: RegExp): void => void expectPanic(f, 'Oops', re);

describe('list_add / list_add_tail', () => {
  it('list_add pushes at the front, list_add_tail at the back, with prev links consistent', () => {
    const { ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 3);
    expect(ids(head)).toEqual([1, 2, 3]);
    const extra = new Node(9);
    list_add(k!, S.op, extra.list, head);
    expect(ids(head)).toEqual([9, 1, 2, 3]);
    expect(head.prev).toBe(nodes[2]!.list);
    expect(nodes[0]!.list.prev).toBe(extra.list);
    expect(extra.list.prev).toBe(head);
  });
});

describe('deletion', () => {
  it('list_del unlinks and poisons next with LIST_POISON1 and prev with LIST_POISON2', () => {
    const { ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 3);
    const [a, b, c] = nodes as [Node, Node, Node];
    list_del(k!, S.op, b.list);
    expect(b.list.next).toBe(LIST_POISON1);
    expect(b.list.prev).toBe(LIST_POISON2);
    expect(a.list.next).toBe(c.list);
    expect(c.list.prev).toBe(a.list);
    expect(ids(head)).toEqual([1, 3]);
  });

  it('list_del_init points the entry at itself', () => {
    const { ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 2);
    list_del_init(k!, S.op, nodes[0]!.list);
    expect(nodes[0]!.list.next).toBe(nodes[0]!.list);
    expect(nodes[0]!.list.prev).toBe(nodes[0]!.list);
    expect(list_empty(nodes[0]!.list)).toBe(true);
    expect(ids(head)).toEqual([2]);
  });

  it('list_del_rcu keeps next and poisons only prev', () => {
    const { ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 3);
    list_del_rcu(k!, S.op, nodes[1]!.list);
    expect(nodes[1]!.list.next).toBe(nodes[2]!.list);
    expect(nodes[1]!.list.prev).toBe(LIST_POISON2);
    expect(ids(head)).toEqual([1, 3]);
  });

  it('a second list_del of the same entry oopses on the poison', () => {
    const { ks: [k] } = mkWorld(1);
    const { nodes } = build(k!, 2);
    list_del(k!, S.op, nodes[0]!.list);
    expectOops(() => list_del(k!, S.op, nodes[0]!.list), /LIST_POISON/);
  });
});

describe('walkers', () => {
  it('list_next is a scheduling point: the load happens after the yield', () => {
    const { ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 2);
    const g = list_next(k!, S.walk, head);
    expect(g.next().value).toBe(S.walk);
    list_del_init(k!, S.op, nodes[0]!.list);
    const r = g.next();
    expect(r.done).toBe(true);
    expect(r.value).toBe(nodes[1]!.list);
  });

  it('a reader standing on an entry removed by list_del hits LIST_POISON1 and oopses', () => {
    const { ks: [reader, writer] } = mkWorld(2);
    const { head, nodes } = build(reader!, 3);
    const pos = drain(list_next(reader!, S.walk, head));
    expect(pos).toBe(nodes[0]!.list);
    list_del(writer!, S.op, nodes[0]!.list);
    expectOops(() => drain(list_next(reader!, S.walk, pos)), /LIST_POISON1/);
  });

  it('an RCU reader standing on an entry removed by list_del_rcu continues to the rest of the list', () => {
    const { ks: [reader, writer] } = mkWorld(2);
    const { head, nodes } = build(reader!, 4);
    const pos = drain(list_next(reader!, S.walk, drain(list_next(reader!, S.walk, head))));
    expect(pos).toBe(nodes[1]!.list);
    list_del_rcu(writer!, S.op, nodes[1]!.list);
    expect(walkFrom(reader!, head, pos)).toEqual([3, 4]);
  });

  it('reading through a list_head whose owner was freed is an oops', () => {
    const { w, ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 2);
    for (const o of nodes) w.slab.add(o, null);
    const pos = drain(list_next(k!, S.walk, head));
    w.slab.free(nodes[0]!);
    expectOops(() => drain(list_next(k!, S.walk, pos)), /freed node#1/);
  });

  it('following a pointer to a freed object is an oops (use-after-free)', () => {
    const { w, ks: [k] } = mkWorld(1);
    const { head, nodes } = build(k!, 2);
    w.slab.add(nodes[0]!, null);
    w.slab.free(nodes[0]!);
    expectOops(() => drain(list_next(k!, S.walk, head)), /use-after-free of node#1/);
  });

  it('following a function pointer or NULL stored in a slot is an oops', () => {
    const { ks: [k] } = mkWorld(1);
    const { nodes } = build(k!, 2);
    nodes[0]!.list.next = new FuncPtr('rcu_free_vb');
    expectOops(() => drain(list_next(k!, S.walk, nodes[0]!.list)), /function pointer rcu_free_vb/);
    nodes[1]!.list.next = null;
    expectOops(() => drain(list_next(k!, S.walk, nodes[1]!.list)), /NULL pointer/);
    expectOops(() => deref(k!, S.walk, LIST_POISON2, 'x.prev'), /LIST_POISON2 \(0x00200200\)/);
  });

  it('the oops names the CPU, context and statement', () => {
    const { ks: [, k1] } = mkWorld(2);
    const { nodes } = build(k1!, 1);
    nodes[0]!.list.next = null;
    const s = panicOf(() => drain(list_next(k1!, S.walk, nodes[0]!.list)));
    expect([s.kind, s.cpu, s.context, s.fn, s.stmt]).toEqual(['Oops', 1, 'process', 'list_test', S.walk.stmt]);
  });
});
