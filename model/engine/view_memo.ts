/**
 * One reading of a variant's LayerView per check point. The engine's step checks, the
 * properties and the KVA ghost all read the same unchanged state after a step; each used to
 * walk the layer again (a tree walk and an object per area, per reader). The memo walks it
 * once and hands every reader the same arrays, which readers must not mutate.
 */
import type { AreaView, BlockView, LayerView } from './variant';

/** `view` with areas(), blocks() and reachable() computed at most once. Valid only while the state is unchanged. */
export function memoView(view: LayerView): LayerView {
  let areas: AreaView[] | undefined;
  let blocks: BlockView[] | undefined;
  let reach: Set<number> | undefined;
  return {
    areas: () => (areas ??= view.areas()),
    blocks: () => (blocks ??= view.blocks()),
    reachable: () => (reach ??= view.reachable()),
    areaOf: view.areaOf?.bind(view),
    structureProblems: () => view.structureProblems(),
    treeStructure: view.treeStructure?.bind(view),
    lazyNr: () => view.lazyNr(),
    lazyPages: () => view.lazyPages(),
    constants: () => view.constants(),
  };
}
