#!/usr/bin/env node
/**
 * Import-cycle check (npm run lint:cycles), with madge over the project's TypeScript.
 *
 * Two graphs, because a type-only import costs nothing at run time but still says which
 * layer knows which:
 * - the run-time graph (`import type` and `import('…')` types skipped): no cycle at all;
 * - the full graph (type imports counted): no cycle may leave one directory. Files of one
 *   directory may name each other's types (World and its Harness, the kernel's K and the
 *   Mm it carries); a cycle through two directories is a layer that knows a layer above it.
 * Exits 1 on a forbidden cycle and prints every cycle found, with the counts per graph.
 * Usage: node scripts/check-cycles.mjs [dir...]   (default: every source directory)
 */
import madge from 'madge';
import path from 'node:path';

const DIRS = ['model', 'properties', 'explore', 'counterexamples', 'reports', 'cli', 'bench'];
const dirs = process.argv.slice(2).length > 0 ? process.argv.slice(2) : DIRS;

/** Cycles madge finds over `dirs`, each a list of repo-relative paths. */
async function cycles(skipTypeImports) {
  const res = await madge(dirs, {
    baseDir: '.',
    fileExtensions: ['ts'],
    tsConfig: 'tsconfig.json',
    detectiveOptions: { ts: { skipTypeImports }, tsx: { skipTypeImports } },
  });
  return res.circular();
}

const runtime = await cycles(true);
const typed = await cycles(false);
const crossing = typed.filter((c) => new Set(c.map((f) => path.dirname(f))).size > 1);
const local = typed.length - crossing.length;

const show = (title, list) => {
  console.log(`${title}: ${list.length}`);
  for (const c of list) console.log(`  ${c.join(' > ')}`);
};
console.log(`import cycles over ${dirs.join(' ')}`);
show('run-time cycles (forbidden)', runtime);
show('type-level cycles across directories (forbidden)', crossing);
console.log(`type-level cycles within one directory (allowed): ${local}`);
for (const c of typed.filter((c) => !crossing.includes(c))) console.log(`  ${c.join(' > ')}`);
if (runtime.length > 0 || crossing.length > 0) {
  console.log('FAIL: break the cycle (move the shared type down a layer, or import the lower layer only)');
  process.exit(1);
}
console.log('ok');
