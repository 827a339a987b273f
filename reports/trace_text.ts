/**
 * A run's trace as text, one column per CPU, so a race reads left to right: who ran which
 * C statement, in which context, with lock and irq changes, interrupts, TLB events and the
 * violation where it happened.
 */
import { allSites } from '../model/exec/site';
import type { TraceEvent } from '../model/engine/trace';
import type { World } from '../model/engine/world';

const COL = 60;

function cell(text: string): string {
  return text.length > COL - 2 ? text.slice(0, COL - 3) + '…' : text.padEnd(COL - 2);
}

/** Render one event for its CPU's column, or null to skip it. */
function eventText(w: World, e: TraceEvent): [number, string] | null {
  const sites = allSites();
  switch (e.t) {
    case 'step': {
      const s = sites[e.site]!;
      return [e.cpu, `${e.ctx === 'process' ? '' : `[${e.ctx}] `}${s.fn}: ${s.stmt}${e.irqs ? '' : ' (irqs off)'}`];
    }
    case 'call':
      return [e.cpu, e.phase === 'begin' ? `>> ${e.op}${e.ctx === 'process' ? '' : ` in ${e.ctx}`}` : `<< ${e.op} = ${e.result ?? ''}`];
    case 'lock':
      return [e.cpu, `   + ${e.lock} (${e.how}${e.irqs ? '' : ', irqs off'})`];
    case 'unlock':
      return [e.cpu, `   - ${e.lock} (${e.how}${e.irqs ? '' : ', irqs now off'})`];
    case 'irq':
      return [e.cpu, e.phase === 'enter' ? `~~ ${e.kind} enters: ${e.op}` : `~~ ${e.kind} exits`];
    case 'tlb':
      return e.what === 'spec' ? [e.cpu, `   (hw) speculative TLB fill of ${w.word.hex(BigInt(e.vpn) << BigInt(w.layout.PAGE_SHIFT))}`] : null;
    case 'rcu':
      return [-1, `rcu: ${e.label}`];
    case 'violation':
      return [-1, `!! ${e.property}: ${e.message}`];
    default:
      return null;
  }
}

/** The trace as lines: a header with one column per CPU, then one line per event. */
export function traceLines(w: World, limit = 4000): string[] {
  const n = w.cpus.length;
  const out: string[] = ['step  ' + w.cpus.map((c) => cell(`cpu${c.id}`)).join('  ')];
  for (const e of w.trace.events) {
    if (out.length > limit) {
      out.push(`... ${w.trace.events.length} events in all`);
      break;
    }
    const r = eventText(w, e);
    if (r === null) continue;
    const [cpu, text] = r;
    const step = e.t === 'step' ? String(e.i).padStart(4) : '    ';
    if (cpu < 0) out.push(`${step}  ${text}`);
    else out.push(`${step}  ${Array.from({ length: n }, (_, i) => (i === cpu ? cell(text) : ' '.repeat(COL - 2))).join('  ').trimEnd()}`);
  }
  return out;
}
