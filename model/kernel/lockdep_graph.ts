/**
 * Lockdep's dependency graph between lock classes: an edge A -> B means B was acquired
 * while A was held in the same irq context, with the two acquisitions that showed it.
 * Searches are breadth-first over adjacency lists kept in insertion order, so the path a
 * report names is the shortest one and the same for the same run.
 */
import type { Acq } from './lockdep_usage';

/** One dependency, with the acquisition of the held lock and of the new one. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  /** How `from` was held when `to` was taken. */
  readonly prev: Acq;
  /** The acquisition of `to` that created the edge. */
  readonly next: Acq;
}

/** A class reached by a search, with the edges leading there from the root (root-first). */
export interface Reached {
  readonly cls: string;
  readonly path: readonly Edge[];
}

/** The class graph of one run. */
export class DepGraph {
  private readonly out = new Map<string, Edge[]>();
  private readonly inn = new Map<string, Edge[]>();
  private readonly all: Edge[] = [];

  /** Is the edge `from -> to` already recorded? */
  has(from: string, to: string): boolean {
    return (this.out.get(from) ?? []).some((e) => e.to === to);
  }

  /** Record an edge (the caller has validated it). */
  add(e: Edge): void {
    push(this.out, e.from, e);
    push(this.inn, e.to, e);
    this.all.push(e);
  }

  /** Every edge in the order it was added. */
  edges(): readonly Edge[] {
    return this.all;
  }

  /**
   * Every class reachable from `root` (forwards: classes taken under it; backwards:
   * classes it was taken under), root first with an empty path. Backward paths are
   * returned in dependency order too: from the reached class down to `root`.
   */
  reach(root: string, dir: 'forwards' | 'backwards'): Reached[] {
    const seen = new Map<string, readonly Edge[]>([[root, []]]);
    const order: Reached[] = [{ cls: root, path: [] }];
    for (let i = 0; i < order.length; i++) {
      const cur = order[i]!;
      const list = (dir === 'forwards' ? this.out : this.inn).get(cur.cls) ?? [];
      for (const e of list) {
        const nxt = dir === 'forwards' ? e.to : e.from;
        if (seen.has(nxt)) continue;
        const path = dir === 'forwards' ? [...cur.path, e] : [e, ...cur.path];
        seen.set(nxt, path);
        order.push({ cls: nxt, path });
      }
    }
    return order;
  }

  /** The shortest chain of edges from `from` to `to`, or null. */
  path(from: string, to: string): readonly Edge[] | null {
    return this.reach(from, 'forwards').find((r) => r.cls === to)?.path ?? null;
  }
}

function push(m: Map<string, Edge[]>, k: string, e: Edge): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [e]);
  else l.push(e);
}
