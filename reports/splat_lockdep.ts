/**
 * Lockdep reports in the kernel's own layout (kernel/locking/lockdep.c's print_usage_bug,
 * print_bad_irq_dependency, print_irq_inversion_bug, print_circular_bug, print_deadlock_bug):
 * the banner, the `[HC..:SC..:HE..:SE..]` context line, each stack one frame a line with the
 * C statement, the irq event stamps, the possible-unsafe-scenario block, the held locks and
 * the backtrace. Where the kernel prints an address the model prints the lock instance; where
 * it prints `fn+0x12/0x80`, the C statement.
 */
import type { TraceEvent } from '../model/engine/trace';
import type { Splat } from '../model/kernel/assert';
import type { Edge } from '../model/kernel/lockdep_graph';
import type { ClassAcq, LockdepProblem, LockdepReport } from '../model/kernel/lockdep_report';
import { stateName, usageStr, type Acq } from '../model/kernel/lockdep_usage';
import { callTrace, irqStampLines, lockName, stackLines } from './splat_stack';

/** lockdep's task name: the model has one task per CPU, named by the context that reported. */
export function taskName(s: Splat): string {
  return `cpu${s.cpu}/${s.context}`;
}

/** `[HC1[1]:SC0[0]:HE0:SE1]`: hardirq and softirq context with nesting, hardirqs and softirqs enabled. */
export function irqContextText(r: LockdepReport): string {
  const { hardirq: h, softirq: s, irqsOn } = r.irq;
  return `[HC${h > 0 ? 1 : 0}[${h}]:SC${s > 0 ? 1 : 0}[${s}]:HE${irqsOn ? 1 : 0}:SE${s === 0 ? 1 : 0}]`;
}

function banner(title: string, ident: string): string[] {
  return ['', '='.repeat(title.length), title, ident, '-'.repeat(title.length)];
}

/** print_lock: ` vmap_block#1.lock (&vb->lock){-.+.}, at: vb_free: spin_lock(&vb->lock)`. */
function lockLine(r: LockdepReport, cls: string, a: Acq | null, indent = ''): string {
  return `${indent}${a && a.lock !== cls ? `${a.lock} ` : ''}(${lockName(cls)})${r.usage[cls] ?? ''}${a ? `, at: ${a.fn}${a.stmt ? `: ${a.stmt}` : ''}` : ''}`;
}

/** Where an acquisition was made: its stack, one frame a line, then the model's coordinates. */
function acqStack(a: Acq, indent = '  '): string[] {
  return [...stackLines(a.fn, a.stmt, a.frames, indent), `${indent}(cpu${a.cpu} ${a.ctx}, ${a.how} on ${a.lock}, step ${a.step})`];
}

function heldLines(r: LockdepReport, task: string, skip: Acq | null): string[] {
  const held = r.held.filter((h) => !(skip !== null && h.lock === skip.lock && h.step === skip.step));
  if (held.length === 0) return [`no locks held by ${task}.`];
  return [`${held.length} lock${held.length === 1 ? '' : 's'} held by ${task}:`, ...held.map((h: ClassAcq, i) => lockLine(r, h.cls, h, ` #${i}: `))];
}

function scenario(rows: readonly [string, string][], two: boolean, chain: readonly string[] | null, kind: string): string[] {
  const out: string[] = [];
  if (chain !== null) out.push('Chain exists of:', `  ${chain.map(lockName).join(' --> ')}`, '');
  out.push(` Possible ${kind}locking scenario:`, '', two ? '       CPU0                    CPU1' : '       CPU0', two ? '       ----                    ----' : '       ----');
  for (const [c0, c1] of rows) out.push(c1 === '' ? `  ${c0}` : `  ${c0.padEnd(29)}${c1}`.trimEnd());
  out.push('', ' *** DEADLOCK ***', '');
  return out;
}

function chainLines(r: LockdepReport, chain: readonly Edge[]): string[] {
  return chain.flatMap((e) => [` -> ${lockLine(r, e.from, null)} held at:`, ...acqStack(e.prev, '      '), `    -> ${lockLine(r, e.to, null)} taken at:`, ...acqStack(e.next, '      ')]);
}

/** The problem-specific body: the lines before the stamps, the scenario, and the lines after the held locks. */
function body(r: LockdepReport, p: LockdepProblem, task: string): { title: string; head: string[]; scene: string[]; tail: string[]; taking: Acq | null } {
  switch (p.kind) {
    case 'usage': {
      const l = `lock(${lockName(p.cls)});`;
      return {
        title: 'WARNING: inconsistent lock state',
        head: [`inconsistent {${usageStr(p.prev.bit)}} -> {${usageStr(p.now.bit)}} usage.`, `${task} ${irqContextText(r)} takes:`, lockLine(r, p.cls, p.now.a), `{${usageStr(p.prev.bit)}} state was registered at:`, ...acqStack(p.prev.a)],
        scene: scenario([[l, ''], ['<Interrupt>', ''], [`  ${l}`, '']], false, null, 'unsafe '),
        tail: [],
        taking: p.now.a,
      };
    }
    case 'safe-unsafe': {
      const st = stateName(p.safe.bit);
      // print_irq_lock_scenario's middle lock: the new dependency's end that is not the safe lock, else the next after it.
      const middle = p.edge !== null ? (p.edge.from === p.safe.cls ? p.edge.to : p.edge.from) : (p.chain[0]?.to ?? p.unsafe.cls);
      const rows: [string, string][] = [[`lock(${lockName(p.unsafe.cls)});`, ''], ['', 'local_irq_disable();'], ['', `lock(${lockName(p.safe.cls)});`], ['', `lock(${lockName(middle)});`], ['<Interrupt>', ''], [`  lock(${lockName(p.safe.cls)});`, '']];
      const scene = scenario(rows, true, middle !== p.unsafe.cls ? [p.safe.cls, middle, p.unsafe.cls] : null, 'interrupt unsafe ');
      const became = (u: typeof p.safe, what: string): string[] => [lockLine(r, u.cls, null, ' '), '', `... which became ${st}-irq-${what} at:`, ...acqStack(u.a)];
      if (p.edge !== null) {
        const last = p.edge;
        return {
          title: `WARNING: ${st}-safe -> ${st}-unsafe lock order detected`,
          head: [`${task} ${irqContextText(r)} is trying to acquire:`, lockLine(r, last.to, last.next, ' '), '', 'and this task is already holding:', lockLine(r, last.from, last.prev, ' '), 'which would create a new lock dependency:', ` (${lockName(last.from)})${r.usage[last.from] ?? ''} -> (${lockName(last.to)})${r.usage[last.to] ?? ''}`, '', `but this new dependency connects a ${st}-irq-safe lock:`, ...became(p.safe, 'safe'), '', `to a ${st}-irq-unsafe lock:`, ...became(p.unsafe, 'unsafe'), ''],
          scene,
          tail: ['', `the dependencies between ${st}-irq-safe lock and the ${st}-irq-unsafe lock:`, ...chainLines(r, p.chain)],
          taking: last.next,
        };
      }
      const me = p.changed === 'safe' ? p.safe : p.unsafe;
      const other = p.changed === 'safe' ? p.unsafe : p.safe;
      return {
        title: 'WARNING: possible irq lock inversion dependency detected',
        head: [`${task} just changed the state of lock:`, lockLine(r, me.cls, me.a), p.changed === 'safe' ? `but this lock took another, ${st}-unsafe lock in the past:` : `but this lock was taken by another, ${st}-safe lock in the past:`, lockLine(r, other.cls, null, ' '), '', 'and interrupts could create inverse lock ordering between them.', ''],
        scene,
        tail: ['', 'the shortest dependencies between 2nd lock and 1st lock:', ...chainLines(r, p.chain)],
        taking: me.a,
      };
    }
    case 'cycle': {
      const src = p.edge.to;
      const tgt = p.edge.from;
      const parent = p.back.at(-1)?.from ?? src;
      const rows: [string, string][] = [[`lock(${lockName(tgt)});`, ''], ['', `lock(${lockName(parent)});`], ['', `lock(${lockName(tgt)});`], [`lock(${lockName(src)});`, '']];
      const existing = [...p.back].reverse().flatMap((e, i) => [``, `-> #${p.back.length - i} (${lockName(e.to)})${r.usage[e.to] ?? ''}:`, ...acqStack(e.next, '       ')]);
      return {
        title: 'WARNING: possible circular locking dependency detected',
        head: [`${task} is trying to acquire lock:`, lockLine(r, src, p.edge.next), '', 'but task is already holding lock:', lockLine(r, tgt, p.edge.prev), '', 'which lock already depends on the new lock.', '', '', 'the existing dependency chain (in reverse order) is:', ...existing, '', `-> #0 (${lockName(src)})${r.usage[src] ?? ''}:`, ...acqStack(p.edge.next, '       '), ''],
        scene: scenario(rows, true, parent !== src ? [src, parent, tgt] : null, 'unsafe '),
        tail: [],
        taking: p.edge.next,
      };
    }
    case 'recursive': {
      const l = `lock(${lockName(p.next.cls)});`;
      return {
        title: 'WARNING: possible recursive locking detected',
        head: [`${task} is trying to acquire lock:`, lockLine(r, p.next.cls, p.next), '', 'but task is already holding lock:', lockLine(r, p.held.cls, p.held), ''],
        scene: [...scenario([[l, ''], [l, '']], false, null, 'unsafe '), ' May be due to missing lock nesting notation', ''],
        tail: [],
        taking: p.next,
      };
    }
  }
}

/** A lockdep splat; `events`/`upto` are the run's trace up to the report, `ident` the kernel-ident line. */
export function lockdepSplat(s: Splat, r: LockdepReport, events: readonly TraceEvent[], upto: number, ident: string): string[] {
  const task = taskName(s);
  const b = body(r, r.problem, task);
  return [
    ...banner(b.title, ident),
    ...b.head,
    ...(r.problem.kind === 'usage' ? irqStampLines(events, upto, s.cpu) : []),
    '',
    'other info that might help us debug this:',
    ...b.scene,
    ...heldLines(r, task, b.taking),
    ...b.tail,
    '',
    'stack backtrace:',
    `CPU: ${s.cpu} Comm: ${task} ${ident}`,
    ...callTrace(s, events, upto),
  ];
}
