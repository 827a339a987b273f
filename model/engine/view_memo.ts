/**
 * One reading of a variant's LayerView per check point. The engine's step checks, the
 * properties and the KVA ghost all read the same unchanged state after a step; each used to
 * walk the layer again (a tree walk and an object per area, per reader). The memo walks it
 * once and hands every reader the same arrays, which readers must not mutate.
 *
 * A class rather than an object of closures: the memo is built after every step that changed
 * state, and under tsx (esbuild keepNames) every closure costs an Object.defineProperty of
 * its name, which the exhaustive explorer's profile showed as several percent of its time.
 */
import type { AreaView, BlockView, LayerView, TreeStructure, VmlistStructure } from './variant';

class MemoView implements LayerView {
  private a: AreaView[] | undefined;
  private b: BlockView[] | undefined;
  private r: Set<number> | undefined;
  readonly areaOf: ((node: object) => AreaView | null) | undefined;
  readonly treeStructure: (() => TreeStructure | null) | undefined;
  readonly lazyFreed: (() => number[]) | undefined;
  readonly vmlist: (() => VmlistStructure | null) | undefined;
  constructor(private readonly view: LayerView) {
    this.vmlist = view.vmlist === undefined ? undefined : () => view.vmlist!();
    this.lazyFreed = view.lazyFreed === undefined ? undefined : () => view.lazyFreed!();
    this.areaOf = view.areaOf === undefined ? undefined : (node: object) => view.areaOf!(node);
    this.treeStructure = view.treeStructure === undefined ? undefined : () => view.treeStructure!();
  }
  areas(): AreaView[] {
    return (this.a ??= this.view.areas());
  }
  blocks(): BlockView[] {
    return (this.b ??= this.view.blocks());
  }
  reachable(): Set<number> {
    return (this.r ??= this.view.reachable());
  }
  structureProblems(): string[] {
    return this.view.structureProblems();
  }
  lazyNr(): number | null {
    return this.view.lazyNr();
  }
  lazyPages(): number {
    return this.view.lazyPages();
  }
  constants(): Record<string, string | number> {
    return this.view.constants();
  }
}

/** `view` with areas(), blocks() and reachable() computed at most once. Valid only while the state is unchanged. */
export function memoView(view: LayerView): LayerView {
  return new MemoView(view);
}
