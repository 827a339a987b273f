#!/usr/bin/env node
/**
 * Import-cycle check (`npm run lint:cycles`), with madge over the project's TypeScript.
 *
 * A type-only import costs nothing at run time but still says which file knows which, so
 * four rules, each printed with what it found:
 * 1. run-time graph (`import type` and `import('…')` types skipped): no file cycle at all;
 * 2. full graph (type imports counted): no file cycle through two directories;
 * 3. full graph, files collapsed to their directories: no directory cycle under model/
 *    (exec ← kernel ← engine ← variants/consumers, each variant and consumer a directory);
 * 4. full graph: no file cycle under model/ at all, inside one directory included. Types two
 *    files share live in a leaf type file below both (kernel/k.ts and cpu.ts, engine's
 *    world_types.ts, rewrite-v2's types.ts, each consumer's types.ts), or one side names a
 *    narrow interface of what it asks of the other (KernelWorld's KernelMm, World's WorldUser,
 *    the ghosts' KvaGhostWorld and PteHistoryWorld), so every import under model/ points one way
 *    and `npx madge --circular --extensions ts model/` finds nothing.
 * Type-level file cycles inside one directory outside model/ are allowed and listed; directory
 * cycles outside model/ are listed as warnings (the explore/counterexamples/reports layers are
 * not yet one-way). Exits 1 when rule 1, 2, 3 or 4 finds anything.
 */
import madge from 'madge';
import path from 'node:path';

const ROOTS = ['model', 'properties', 'explore', 'counterexamples', 'reports', 'cli', 'bench'];

/**
 * The unit a file belongs to: its directory, except that a consumer's `fixes/` folder is part of
 * that consumer (its fixes are deltas over the consumer's own code, which calls them while they
 * use its state: one C caller's model, not a layer inversion; rule 4 still sees its files).
 */
function unit(f) {
  const d = path.dirname(f);
  return /^model\/consumers\/[^/]+\/fixes$/.test(d) ? path.dirname(d) : d;
}

/** The madge result over every source directory, with or without type-only imports. */
function graph(skipTypeImports) {
  return madge(ROOTS, {
    baseDir: '.',
    fileExtensions: ['ts'],
    tsConfig: 'tsconfig.json',
    detectiveOptions: { ts: { skipTypeImports }, tsx: { skipTypeImports } },
  });
}

/** Directory cycles of a file graph: for each directory edge a -> b on a cycle, one file edge that makes it. */
function directoryCycles(obj) {
  const edges = new Map();
  for (const [f, deps] of Object.entries(obj)) {
    for (const d of deps) {
      const a = unit(f);
      const b = unit(d);
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Map());
      if (!edges.get(a).has(b)) edges.get(a).set(b, `${f} -> ${d}`);
    }
  }
  const reaches = (s, t, seen = new Set()) => {
    if (s === t) return true;
    if (seen.has(s)) return false;
    seen.add(s);
    return [...(edges.get(s)?.keys() ?? [])].some((n) => reaches(n, t, seen));
  };
  const out = [];
  for (const [a, m] of [...edges].sort()) for (const [b, why] of [...m].sort()) if (reaches(b, a)) out.push(`${a} -> ${b} (${why})`);
  return out;
}

const runtime = (await graph(true)).circular();
const full = await graph(false);
const typed = full.circular();
const crossing = typed.filter((c) => new Set(c.map((f) => unit(f))).size > 1);
const local = typed.filter((c) => !crossing.includes(c));
const localInModel = local.filter((c) => c[0].startsWith('model/'));
const localOutside = local.filter((c) => !c[0].startsWith('model/'));
const dirs = directoryCycles(full.obj());
const inModel = dirs.filter((e) => e.startsWith('model/'));
const outside = dirs.filter((e) => !e.startsWith('model/'));

const show = (title, list) => {
  console.log(`${title}: ${list.length}`);
  for (const c of list) console.log(`  ${Array.isArray(c) ? c.join(' > ') : c}`);
};
console.log(`import cycles over ${ROOTS.join(' ')}`);
show('1. run-time file cycles (forbidden)', runtime);
show('2. type-level file cycles through two directories (forbidden)', crossing);
show('3. directory cycles under model/, type imports counted (forbidden)', inModel);
show('4. type-level file cycles within one directory under model/ (forbidden)', localInModel);
show('allowed: type-level file cycles within one directory outside model/', localOutside);
show('warning: directory cycles outside model/', outside);
if (runtime.length + crossing.length + inModel.length + localInModel.length > 0) {
  console.log('FAIL: move the shared type down a layer, or import only the lower layer');
  process.exit(1);
}
console.log('ok');
