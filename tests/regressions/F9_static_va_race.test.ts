/**
 * F9: static va race.
 *
 * Description: __get_vm_area_node declares `static struct vmap_area *va;`: one variable for all CPUs. If another
 * CPU's __get_vm_area_node stores to it between `va = alloc_vmap_area(...)` and
 * `va->private = area; va->flags |= VM_VM_AREA`, both vm_structs end up on the other CPU's area:
 * one area leaks untagged, the other is freed twice (VM_LAZY_FREE twice) and its vm_struct is
 * used after kfree; a CPU can even map its pages onto another CPU's area while that area is
 * being purged, over translations other CPUs still cache (reuse with a stale TLB entry), or
 * dereference an ERR_PTR another CPU's failed allocation left there. A source-level data race: whether compiled code shows it depends on gcc
 * reloading the static rather than keeping it in a register.
 *
 * Reproduce: npx tsx cli/main.ts replay counterexamples/rewrite-v2.tiny-2cpu.lifecycle_legal.json
 */
import { it } from 'vitest';
import { expectFinding } from '../support/regression';

it('F9 still reproduces and vanilla does not show it', () => {
  expectFinding('counterexamples/rewrite-v2.tiny-2cpu.lifecycle_legal.json', 'F9');
});
