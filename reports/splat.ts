/**
 * A violation as the kernel would have printed it: lockdep reports in lockdep's layout
 * (reports/splat_lockdep.ts), BUG_ON / WARN_ON / oops / might_sleep splats with the CPU,
 * the context, the faulting statement and the `Call Trace:` one frame a line, and the
 * model's own checks (lifecycle, invariants, deadlock, livelock) in the same frame. Shown by
 * `replay`, the terminal summary of `check`/`audit`, summary.md and report.html.
 */
import type { Violation } from '../model/engine/violation';
import type { World } from '../model/engine/world';
import type { Splat } from '../model/kernel/assert';
import type { CounterexampleFile } from '../counterexamples/format';
import { lockdepSplat, taskName } from './splat_lockdep';
import { callTrace, violationIndex } from './splat_stack';

const CUT = '------------[ cut here ]------------';

/** The kernel-ident line of a splat (print_kernel_ident): which model of which variant. */
export function identOf(variant: string, layout: string, cpus: number): string {
  return `vmapcheck ${variant} (${layout}, ${cpus} CPU${cpus === 1 ? '' : 's'})`;
}

function where(s: Splat): string {
  return `${s.fn}${s.stmt ? `: ${s.stmt}` : ''}`;
}

/** The splat of one violation of a run (its trace, when recorded, gives the irq stamps and where interrupted contexts stopped). */
export function kernelSplat(w: World, v: Violation, ident: string): string[] {
  const s = v.splat;
  const events = w.trace.events;
  const upto = violationIndex(events, v.property, s.message);
  if (s.lockdep !== undefined) return lockdepSplat(s, s.lockdep, events, upto, ident);
  const cpuLine = `CPU: ${s.cpu} Comm: ${taskName(s)} ${ident}`;
  const rip = `RIP: ${where(s)}`;
  const trace = callTrace(s, events, upto);
  const end = '---[ end trace ]---';
  const rest = (m: string, prefix: string): string => (m.startsWith(prefix) ? m.slice(prefix.length) : m);
  switch (s.kind) {
    case 'BUG': {
      const what = rest(s.message, 'kernel BUG: ');
      return [CUT, `kernel BUG at ${s.fn}()!`, `${what}${s.stmt && s.stmt !== what ? ` in ${s.stmt}` : ''}`, 'invalid opcode: 0000 [#1] SMP', cpuLine, rip, ...trace, `${end} (${v.property})`];
    }
    case 'WARN':
      return [CUT, `WARNING: CPU: ${s.cpu} at ${where(s)}`, rest(s.message, 'WARNING: '), cpuLine, rip, ...trace, `${end} (${v.property})`];
    case 'Oops':
      return [s.message, 'Oops: 0000 [#1] SMP', cpuLine, rip, ...trace, `${end} (${v.property})`];
    case 'might_sleep': {
      // The model's message is `BUG: sleeping function ... (what): in_atomic()=1, irqs_disabled()=1, ...`.
      const m = /^BUG: sleeping function called from invalid context \((.*)\): (.*)$/.exec(s.message);
      const head = m ? [`BUG: sleeping function called from invalid context at ${where(s)}`, `${m[1]}: ${m[2]!.replace(/=/g, ': ')}`] : [s.message];
      return [...head, cpuLine, ...trace, `(${v.property})`];
    }
    default:
      // The model's own checks (end of run, invariants) ran in no kernel context: no task, no stack.
      if (s.context === 'none' || s.fn.startsWith('(')) return [CUT, `vmapcheck: ${v.property} (a model check, not a kernel splat): ${s.message}`, `CPU: ${s.cpu} at ${where(s)}`, `${end} (${v.property})`];
      return [CUT, `${s.kind === 'deadlock' || s.kind === 'livelock' ? 'BUG' : 'vmapcheck'}: ${s.kind}: ${s.message}`, cpuLine, ...(s.fn ? [rip] : []), ...trace, `${end} (${v.property})`];
  }
}

/** The splat of a counterexample's own property in a replayed run, or null when the run did not break it. */
export function counterexampleSplat(w: World, violations: readonly Violation[], ce: Pick<CounterexampleFile, 'property' | 'variant' | 'config'>, variant = ce.variant): string[] | null {
  const v = violations.find((x) => x.property === ce.property);
  return v === undefined ? null : kernelSplat(w, v, identOf(variant, ce.config.layout, ce.config.cpus));
}
