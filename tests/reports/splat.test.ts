/**
 * Kernel-style splats (reports/splat.ts) checked for the kernel's layout on real committed
 * counterexamples (an inconsistent-lock-state report from process and from hardirq context,
 * an F8 BUG_ON, an F9 WARN_ON) and on hand-built lockdep runs (a circular dependency, a
 * recursive acquisition): the banners, usage and context lines, the stacks one frame a line
 * with the C statement, the irq event stamps, the unsafe-scenario block and the held locks.
 */
import { describe, expect, it } from 'vitest';
import type { K } from '../../model/engine/exec';
import { replayPath } from '../../counterexamples/replay';
import { Lock, spin_lock } from '../../model/kernel/spinlock';
import { counterexampleSplat, kernelSplat } from '../../reports/splat';
import { drain } from '../support/kctx';
import { lockdepReports, mkLockdepWorld } from '../support/lockdep_ctx';
import { P, Q, nested } from '../support/lockdep_ops';

function splatOf(file: string): string[] {
  const r = replayPath(file);
  const s = counterexampleSplat(r.outcome.result.world, r.outcome.violations, r.file);
  expect(s, `${file} reproduces its property`).not.toBeNull();
  return s!;
}

/** The lines from `first` on, up to (not including) the first blank line after it. */
function block(lines: readonly string[], first: string): string[] {
  const i = lines.indexOf(first);
  expect(i, `'${first}' present`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('', i + 1);
  return lines.slice(i, end < 0 ? undefined : end);
}

describe('lockdep: inconsistent lock state (F11, rewrite-v1 vm_map_ram in a hardirq, then vm_unmap_ram)', () => {
  const s = splatOf('counterexamples/rewrite-v1.irq-hardirq-vm_map_ram.F11.json');

  it('opens with the banner framed by = and - lines of its length, the ident between', () => {
    const i = s.indexOf('WARNING: inconsistent lock state');
    expect(s[i - 1]).toBe('='.repeat('WARNING: inconsistent lock state'.length));
    expect(s[i + 1]).toBe('vmapcheck rewrite-v1 (tiny, 2 CPUs)');
    expect(s[i + 2]).toBe('-'.repeat('WARNING: inconsistent lock state'.length));
  });

  it('names the usage transition, the context line and the lock with its usage characters', () => {
    const i = s.indexOf('inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.');
    expect(i).toBeGreaterThan(0);
    expect(s[i + 1]).toBe('cpu0/process [HC0[0]:SC0[0]:HE1:SE1] takes:');
    expect(s[i + 2]).toMatch(/^vmap_block#1\.lock \(&vb->lock\)\{[?\-+.]{4}\}, at: vb_free: spin_lock\(&vb->lock\)$/);
  });

  it('gives the registering stack one frame a line, innermost with its C statement', () => {
    expect(block(s, '{IN-HARDIRQ-W} state was registered at:').slice(1, 4)).toEqual(['  vb_alloc: spin_lock(&vb->lock)', '  vm_map_ram', '  (cpu0 hardirq, spin_lock on vmap_block#1.lock, step 18)']);
  });

  it('stamps the irq events: the hardirq entry disabled irqs (event 1), its exit enabled them (event 2)', () => {
    const i = s.indexOf('irq event stamp: 2');
    expect(s.slice(i + 1, i + 5)).toEqual([
      'hardirqs last  enabled at (2): hardirq exit (#1000 vm_map_ram(1))',
      'hardirqs last disabled at (1): hardirq entry (#1000 vm_map_ram(1))',
      'softirqs last  enabled at (0): (never in this run)',
      'softirqs last disabled at (0): (never in this run)',
    ]);
  });

  it('draws the single-CPU scenario: lock, <Interrupt>, lock again, DEADLOCK', () => {
    const i = s.indexOf(' Possible unsafe locking scenario:');
    expect(s.slice(i, i + 10)).toEqual([' Possible unsafe locking scenario:', '', '       CPU0', '       ----', '  lock(&vb->lock);', '  <Interrupt>', '    lock(&vb->lock);', '', ' *** DEADLOCK ***', '']);
  });

  it('lists the held locks and ends with the backtrace of the reporting context', () => {
    expect(s).toContain('no locks held by cpu0/process.');
    expect(block(s, 'stack backtrace:')).toEqual(['stack backtrace:', 'CPU: 0 Comm: cpu0/process vmapcheck rewrite-v1 (tiny, 2 CPUs)', 'Call Trace:', ' <TASK>', ' vb_free: spin_lock(&vb->lock)', ' vm_unmap_ram', ' </TASK>']);
  });
});

describe('lockdep: reported inside the hardirq (F11, vm_unmap_ram in a hardirq)', () => {
  const s = splatOf('counterexamples/rewrite-v1.irq-hardirq-vm_unmap_ram.F11.json');

  it('shows HC1 with irqs off and softirqs on, and the call trace inside <IRQ> above the interrupted <TASK>', () => {
    expect(s).toContain('cpu0/hardirq [HC1[1]:SC0[0]:HE0:SE1] takes:');
    const t = block(s, 'Call Trace:');
    expect(t.slice(0, 4)).toEqual(['Call Trace:', ' <IRQ>', ' vb_free: spin_lock(&vb->lock)', ' vm_unmap_ram']);
    expect(t.indexOf(' </IRQ>')).toBeLessThan(t.indexOf(' <TASK>'));
    expect(s).toContain('hardirqs last disabled at (1): hardirq entry (#1001 vm_unmap_ram(#1))');
  });
});

describe('lockdep: a lock order problem of the same run', () => {
  it('prints the safe -> unsafe order with both "became" stacks and the two-CPU interrupt scenario', () => {
    const r = replayPath('counterexamples/rewrite-v1.irq-hardirq-vm_map_ram.F11.json');
    const v = r.outcome.violations.find((x) => x.splat.message.startsWith('HARDIRQ-safe -> HARDIRQ-unsafe'))!;
    const s = kernelSplat(r.outcome.result.world, v, 'ident');
    expect(s).toContain('WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected');
    expect(s).toContain('cpu0/process [HC0[0]:SC0[0]:HE1:SE1] is trying to acquire:');
    expect(block(s, '... which became HARDIRQ-irq-safe at:').slice(1, 3)).toEqual(['  vb_alloc: spin_lock(&vb->lock)', '  vm_map_ram']);
    expect(block(s, '... which became HARDIRQ-irq-unsafe at:').slice(1, 3)).toEqual(['  vb_free: spin_lock(&vb->vbq->lock)', '  vm_unmap_ram']);
    const i = s.indexOf(' Possible interrupt unsafe locking scenario:');
    expect(s.slice(i + 2, i + 10).map((l) => l.trim())).toEqual(['CPU0                    CPU1', '----                    ----', 'lock(&vbq->lock);', 'local_irq_disable();', 'lock(&vb->lock);', 'lock(&vbq->lock);', '<Interrupt>', 'lock(&vb->lock);']);
    expect(block(s, '1 lock held by cpu0/process:')[1]).toBe(' #0: vmap_block#1.lock (&vb->lock){?.+.}, at: vb_free: spin_lock(&vb->lock)');
  });
});

describe('lockdep: hand-built order problems', () => {
  it('a circular dependency prints the existing chain and the two-CPU scenario', () => {
    const tw = mkLockdepWorld(2);
    const [a, b] = tw.ks as [K, K];
    nested(a, new Lock('a', 'A'), new Lock('b', 'B'), P);
    nested(b, new Lock('b', 'B'), new Lock('a', 'A'), Q);
    const [v] = lockdepReports(tw);
    const s = kernelSplat(tw.w, v!, 'ident');
    expect(s).toContain('WARNING: possible circular locking dependency detected');
    expect(block(s, 'cpu1/process is trying to acquire lock:')[1]).toBe('a (A){+.+.}, at: other_path: spin_lock(&b)');
    expect(block(s, 'but task is already holding lock:')[1]).toBe('b (B){+.+.}, at: other_path: spin_lock(&l)');
    expect(s).toContain('-> #1 (B){+.+.}:');
    expect(s).toContain('-> #0 (A){+.+.}:');
    const i = s.indexOf(' Possible unsafe locking scenario:');
    expect(s.slice(i + 4, i + 8).map((l) => l.trim())).toEqual(['lock(B);', 'lock(A);', 'lock(B);', 'lock(A);']);
  });

  it('a recursive acquisition prints both acquisitions and the nesting hint', () => {
    const tw = mkLockdepWorld(1);
    const a = tw.ks[0]!;
    drain(spin_lock(a, new Lock('vb#1->lock', 'vb->lock'), P.lock));
    drain(spin_lock(a, new Lock('vb#2->lock', 'vb->lock'), P.lockB));
    const s = kernelSplat(tw.w, lockdepReports(tw)[0]!, 'ident');
    expect(s).toContain('WARNING: possible recursive locking detected');
    expect(block(s, 'cpu0/process is trying to acquire lock:')[1]).toBe('vb#2->lock (&vb->lock){+.+.}, at: proc_path: spin_lock(&b)');
    expect(s).toContain(' May be due to missing lock nesting notation');
    expect(block(s, '1 lock held by cpu0/process:')[1]).toBe(' #0: vb#1->lock (&vb->lock){+.+.}, at: proc_path: spin_lock(&l)');
  });
});

describe('BUG and WARN splats', () => {
  it('F8: kernel BUG at the function, the condition, CPU, RIP with the statement, Call Trace, end trace', () => {
    const s = splatOf('counterexamples/irqsafe.tiny-exhaust.F8.json');
    expect(s.slice(0, 6)).toEqual([
      '------------[ cut here ]------------',
      'kernel BUG at __purge_vmap_area_lazy()!',
      'BUG_ON(nr > atomic_read(&vmap_lazy_nr))',
      'invalid opcode: 0000 [#1] SMP',
      'CPU: 1 Comm: cpu1/process vmapcheck irqsafe (tiny, 2 CPUs)',
      'RIP: __purge_vmap_area_lazy: BUG_ON(nr > atomic_read(&vmap_lazy_nr))',
    ]);
    expect(block(s, 'Call Trace:').slice(1, 4)).toEqual([' <TASK>', ' __purge_vmap_area_lazy: BUG_ON(nr > atomic_read(&vmap_lazy_nr))', ' vm_unmap_aliases']);
    expect(s.at(-1)).toBe('---[ end trace ]--- (no_bug)');
  });

  it('F9: WARNING: CPU: n at the statement, then the condition', () => {
    const s = splatOf('counterexamples/rewrite-v2.irq-hardirq-vm_unmap_ram.F9.json');
    expect(s[1]).toMatch(/^WARNING: CPU: 0 at vmap_page_range: if \(WARN_ON\(!pte_none\(\*pte\)\)\)/);
    expect(s[2]).toBe('WARN_ON(!pte_none(*pte))');
    expect(s).toContain('Call Trace:');
  });
});
