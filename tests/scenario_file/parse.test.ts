/**
 * The .vmc parser: a file in the issue's syntax parses to the model's ops and run config;
 * a malformed file is refused with the line, the column and what was expected.
 */
import { describe, expect, it } from 'vitest';
import { parseScenarioFile } from '../../explore/scenario_file/parse';
import { ScenarioSyntaxError } from '../../explore/scenario_file/lexer';

const ISSUE = `# F3: a full block's freed part survives vm_unmap_aliases
variant rewrite-v2                 # or: variants rewrite-v1 rewrite-v2 irqsafe
layout tiny
cpus 2
P0: a = vm_map_ram(4); b = vm_map_ram(4); vm_unmap_ram(a); vm_unmap_aliases()
P1: c = vmalloc(2); touch(c, 0); vfree(c)
irq P1 hardirq: vm_unmap_ram(b)    # optional
fills 1
expect never no_alias_after_unmap_aliases
expect sometimes purge_happened
`;

function err(text: string): ScenarioSyntaxError {
  try {
    parseScenarioFile(text, 'x.vmc');
  } catch (e) {
    if (e instanceof ScenarioSyntaxError) return e;
    throw e;
  }
  throw new Error('parsed');
}

describe('.vmc parser', () => {
  it('parses the issue example to ops, handles, irq line, fills and expectations', () => {
    const f = parseScenarioFile(ISSUE, 'x.vmc');
    expect(f.variants).toEqual(['rewrite-v2']);
    expect(f.cpus).toBe(2);
    expect(f.programs[0]).toEqual([
      { id: 1, op: 'vm_map_ram', pages: 4 },
      { id: 2, op: 'vm_map_ram', pages: 4 },
      { id: 3, op: 'vm_unmap_ram', h: 1 },
      { id: 4, op: 'vm_unmap_aliases' },
    ]);
    expect(f.programs[1]).toEqual([
      { id: 5, op: 'vmalloc', pages: 2 },
      { id: 6, op: 'touch', h: 5, page: 0 },
      { id: 7, op: 'vfree', h: 5 },
    ]);
    expect(f.irq).toEqual({ cpu: 1, kind: 'hardirq', op: { id: 1000, op: 'vm_unmap_ram', h: 2 } });
    expect(f.fills).toBe(1);
    expect(f.expectations.map((e) => `${e.mode} ${e.property} ${e.on}`)).toEqual(['never no_alias_after_unmap_aliases null', 'sometimes purge_happened null']);
  });

  it('takes layout overrides through validateLayout, misuse ops, [irqs off] and per-variant expectations', () => {
    const f = parseScenarioFile(
      `variants rewrite-v1 rewrite-v2
layout x86-64 VMALLOC_END=0xffffc20000040000 NR_CPUS=2 VMAP_MAX_ALLOC=4
cpus 2
P0: a = vm_map_ram(2); vm_unmap_ram(a, 1); b = vmalloc(1) [irqs off]; unmap_again(b)
expect never no_bug on rewrite-v2-fixed, rewrite-v2+F3
`,
      'y.vmc',
    );
    expect(f.layout.VMALLOC_END).toBe(0xffffc20000040000n);
    expect(f.layout.NR_CPUS).toBe(2);
    expect(f.overridden).toBe(true);
    expect(f.programs[0]).toEqual([
      { id: 1, op: 'vm_map_ram', pages: 2 },
      { id: 2, op: 'vm_unmap_ram_count', h: 1, count: 1 },
      { id: 3, op: 'vmalloc', pages: 1, irqsOff: true },
      { id: 4, op: 'unmap_again', h: 3 },
    ]);
    expect(f.expectations[0]!.on).toEqual(['rewrite-v2-fixed', 'rewrite-v2+F3']);
  });

  it('parses an aligned vmalloc: pages and the alignment shift, a handle vfree and touch use', () => {
    const f = parseScenarioFile('variant vanilla\nlayout x86-32\ncpus 1\nP0: a = vmalloc_align(5, 14); touch(a, 4); vfree(a)\n', 'z.vmc');
    expect(f.programs[0]).toEqual([
      { id: 1, op: 'vmalloc_align', pages: 5, align_shift: 14 },
      { id: 2, op: 'touch', h: 1, page: 4 },
      { id: 3, op: 'vfree', h: 1 },
    ]);
  });

  it.each([
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc_align(1, 64)\n', 4, 22, 'an alignment shift below 64'],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc_align(1)\n', 4, 20, "','"],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc_align(0, 3)\n', 4, 19, 'a page count'],
    ['variant rewrite-v2\nlayout tiny\ncpus 2\nP0: a = vmalloc(2; vfree(a)\n', 4, 18, "')'"],
    ['variant rewrite-v2\nlayout tiny\ncpus 2\nP0: vfree(z)\n', 4, 11, 'a handle assigned earlier'],
    ['variant rewrite-v2\nlayout tiny\ncpus 2\nP0: vmalloc(0)\n', 4, 13, 'a page count'],
    ['variant rewrite-v2\nlayout tiny\ncpus 2\nP0: kmalloc(3)\n', 4, 5, 'an API call'],
    ['variant rewrite-v2\nlayout huge\n', 2, 8, 'a layout name'],
    ['variant rewrite-v2\nlayout tiny PAGE_SHIFT=3\ncpus 1\n', 2, 8, 'a valid layout'],
    ['variant rewrite-v2\nlayout tiny\ncpus 9\n', 3, 6, 'a CPU count the layout allows'],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nirq P0 nmi: vmalloc(1)\n', 4, 8, "'hardirq' or 'softirq'"],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nexpect always no_bug\n', 4, 8, "'never' or 'sometimes'"],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1) [irqs on]\n', 4, 22, "'off'"],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1) extra\n', 4, 16, 'end of line'],
    ['variant rewrite-v2\nlayout tiny\ncpus 1\nP0: vmalloc(1) @\n', 4, 16, 'a name, a number'],
    ['variant rewrite-v2\ncpus 1\n', 3, 1, "a 'layout NAME"],
    ['layout tiny\ncpus 1\nfrobnicate 3\n', 3, 1, 'a directive'],
  ])('rejects %j at line %i column %i, expecting %s', (text, line, col, expected) => {
    const e = err(text);
    expect(e.line).toBe(line);
    expect(e.col).toBe(col);
    expect(e.expected).toContain(expected);
    expect(e.message).toMatch(new RegExp(`^x\\.vmc:${line}:${col}: expected `));
  });
});
