/**
 * The kernel's doubly linked lists at the level of `next`/`prev` pointers.
 *
 * `list_del` poisons (LIST_POISON1/2), `list_del_init` points the entry at itself,
 * `list_del_rcu` keeps `next` so RCU readers can continue. A pointer slot may also hold
 * NULL or an rcu_head function pointer when a union shares the storage. Following any of
 * those, or an entry whose containing object was freed, is an oops.
 */
import type { Gen } from '../exec/gen';
import type { K } from './k';
import type { Site } from '../exec/site';
import { oops } from './assert';
import type { KObject } from './slab';
import { objId, recorder } from './footprint';

/** A poison pointer value (include/linux/poison.h). */
export class Poison {
  constructor(
    readonly value: number,
    readonly name: string,
  ) {}
}

/** `LIST_POISON1`, written to `next` by list_del. */
export const LIST_POISON1 = new Poison(0x00100100, 'LIST_POISON1');
/** `LIST_POISON2`, written to `prev` by list_del and list_del_rcu. */
export const LIST_POISON2 = new Poison(0x00200200, 'LIST_POISON2');

/** A function pointer stored in a union slot (rcu_head.func overlaying list_head.prev). */
export class FuncPtr {
  constructor(readonly name: string) {}
}

/** What a `next`/`prev` slot can hold. */
export type Link = ListHead | Poison | FuncPtr | null;

/** `struct list_head`, embedded in `owner` (null for a global or per-CPU head). */
export class ListHead {
  next: Link = this;
  prev: Link = this;
  /** Footprint id (construction order). */
  readonly fid = objId();
  constructor(
    readonly owner: KObject | null,
    readonly field: string,
  ) {}
}

/** Describe a link value as the kernel would print it. */
export function linkText(l: Link): string {
  if (l === null) return 'NULL';
  if (l instanceof Poison) return `${l.name} (0x${l.value.toString(16).padStart(8, '0')})`;
  if (l instanceof FuncPtr) return `function pointer ${l.name}`;
  return l.owner ? `${l.owner.kind}#${l.owner.id}.${l.field}` : l.field;
}

/** Follow a pointer read from a list slot; an invalid pointer is an oops. */
export function deref(k: K, site: Site, l: Link, what: string): ListHead {
  if (l instanceof ListHead) {
    if (l.owner !== null && l.owner.freed) {
      oops(k, site, `BUG: unable to handle kernel paging request: use-after-free of ${l.owner.kind}#${l.owner.id} via ${what}`);
    }
    return l;
  }
  if (l === null) oops(k, site, `BUG: unable to handle kernel NULL pointer dereference via ${what}`);
  oops(k, site, `BUG: unable to handle kernel paging request at ${linkText(l)} via ${what}`);
}

/**
 * Ghost observer of list writes (set by the engine for the run in progress): `on(l)` before
 * `l.next` or `l.prev` is stored. Never changes behaviour; the incremental tree check
 * (properties/incremental_tree.ts) re-verifies only the entries written.
 */
export const listWatch: { on: ((l: ListHead) => void) | null } = { on: null };

/** Ghost: tell the observer the slots of `l` are about to be written. */
export function listWritten(l: Link): void {
  if (listWatch.on !== null && l instanceof ListHead) listWatch.on(l);
}

/** `INIT_LIST_HEAD(h)` */
export function INIT_LIST_HEAD(h: ListHead): void {
  listWritten(h);
  h.next = h;
  h.prev = h;
}

/** `list_empty(h)` */
export function list_empty(h: ListHead): boolean {
  return h.next === h;
}

function __list_add(k: K, site: Site, n: ListHead, prev: ListHead, next: ListHead): void {
  if (recorder !== null) for (const x of [n, prev, next]) recorder.write(`list#${x.fid}`);
  const nx = deref(k, site, next, 'list_add next');
  const pv = deref(k, site, prev, 'list_add prev');
  listWritten(n);
  listWritten(nx);
  listWritten(pv);
  nx.prev = n;
  n.next = nx;
  n.prev = pv;
  pv.next = n;
}

/** `list_add(new, head)` (also list_add_rcu: the model's stores are already ordered). */
export function list_add(k: K, site: Site, n: ListHead, head: ListHead): void {
  __list_add(k, site, n, head, deref(k, site, head.next, `${linkText(head)}.next`));
}

/** `list_add_tail(new, head)` */
export function list_add_tail(k: K, site: Site, n: ListHead, head: ListHead): void {
  __list_add(k, site, n, deref(k, site, head.prev, `${linkText(head)}.prev`), head);
}

function __list_del(k: K, site: Site, e: ListHead): void {
  if (recorder !== null) {
    recorder.write(`list#${e.fid}`);
    for (const x of [e.prev, e.next]) if (x instanceof ListHead) recorder.write(`list#${x.fid}`);
  }
  const prev = deref(k, site, e.prev, `${linkText(e)}.prev`);
  const next = deref(k, site, e.next, `${linkText(e)}.next`);
  listWritten(e);
  listWritten(prev);
  listWritten(next);
  next.prev = prev;
  prev.next = next;
}

/** `list_del(entry)`: unlink and poison. */
export function list_del(k: K, site: Site, e: ListHead): void {
  __list_del(k, site, e);
  e.next = LIST_POISON1;
  e.prev = LIST_POISON2;
}

/** `list_del_init(entry)`: unlink and point at itself. */
export function list_del_init(k: K, site: Site, e: ListHead): void {
  __list_del(k, site, e);
  INIT_LIST_HEAD(e);
}

/** `list_del_rcu(entry)`: unlink, keep `next` for readers, poison `prev`. */
export function list_del_rcu(k: K, site: Site, e: ListHead): void {
  __list_del(k, site, e);
  e.prev = LIST_POISON2;
}

/** `list_add_rcu(new, head)` */
export const list_add_rcu = list_add;

/**
 * One step of a list walk: load `pos->next` (a shared read) and follow it.
 * `list_for_each_entry[_rcu]` is written in model code as
 * `for (let p = yield* list_next(k, S, head); p !== head; p = yield* list_next(k, S, p))`.
 */
export function* list_next(k: K, site: Site, pos: ListHead): Gen<ListHead> {
  yield site;
  if (recorder !== null) {
    // The load of pos->next, and the freed flag of the object containing pos.
    recorder.primitive();
    recorder.read(`list#${pos.fid}`);
    if (pos.owner !== null) recorder.read(`obj:${pos.owner.kind}#${pos.owner.id}`);
  }
  if (pos.owner !== null && pos.owner.freed) {
    oops(k, site, `BUG: unable to handle kernel paging request: list walk reads freed ${pos.owner.kind}#${pos.owner.id}.${pos.field}`);
  }
  return deref(k, site, pos.next, `${linkText(pos)}.next`);
}

/** Entries of a well-formed list, for properties and reports (no steps, no checks). */
export function listEntries(head: ListHead, bound = 1 << 20): ListHead[] {
  const out: ListHead[] = [];
  let p = head.next;
  while (p instanceof ListHead && p !== head && out.length < bound) {
    out.push(p);
    p = p.next;
  }
  return out;
}
