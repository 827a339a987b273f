/**
 * F7: trylock purge alloc failure.
 *
 * Description: alloc_vmap_area's purge-and-retry calls purge_vmap_area_lazy(), which uses spin_trylock(&purge_lock)
 * and returns at once when another CPU is purging (here cpu1 in vm_unmap_aliases). The retry then
 * fails with -EBUSY although the purge in flight is about to free the lazily freed area that would
 * make room. (Later kernels purge synchronously on this path.)
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-2cpu.alloc_fails_only_when_full.json
 */
import { expect, it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F7 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-2cpu.alloc_fails_only_when_full.json', 'F7');
});

it('F7: the hand-made template still finds exactly the recorded interleaving', async () => {
  const { TEMPLATES, instantiate } = await import('../../explore/handmade');
  const { rewriteV2 } = await import('../../model/variants/rewrite-v2/index');
  const { readFileSync } = await import('node:fs');
  const found = instantiate(TEMPLATES[0]!, rewriteV2);
  const recorded = JSON.parse(readFileSync('counterexamples/rewrite-v2.tiny-2cpu.alloc_fails_only_when_full.json', 'utf8'));
  expect(found?.scenario).toEqual(recorded.scenario);
});
