/**
 * F2: flush cache vmap range.
 *
 * Description: vmap_page_range advances `addr` in its pgd loop and then calls flush_cache_vmap(addr, end) with
 * addr == end: the cache flush covers nothing. Harmless on x86 (a no-op), but on virtually indexed
 * caches the new mapping may see stale lines. The pre-rewrite map_vm_area flushed from area->addr.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-1cpu.flush_cache_vmap_covers_mapping.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F2 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-1cpu.flush_cache_vmap_covers_mapping.json', 'F2');
});
