/**
 * `vmapcheck replay FILE`: replay a counterexample exactly and print its per-CPU trace and
 * verdict; exit 0 when it still breaks its property, 1 when it no longer does.
 */
import { replayPath } from '../counterexamples/replay';
import { violationLine } from '../model/engine/violation';
import { traceLines } from '../reports/trace_text';

/** Run the replay command. */
export function runReplay(path: string, quiet: boolean): number {
  const r = replayPath(path);
  const ce = r.file;
  console.log(`${path}: ${ce.variant} / ${ce.campaign} (${ce.config.layout}, ${ce.config.cpus} CPUs), property ${ce.property}`);
  if (ce.finding) console.log(`finding ${ce.finding}: ${ce.explanation ?? ''}`);
  if (!quiet) for (const l of traceLines(r.outcome.result.world)) console.log(l);
  for (const v of r.outcome.violations) console.log(violationLine(v));
  console.log(r.reproduced ? `reproduced: ${ce.property} broke again (${r.outcome.result.steps} steps)` : `NOT reproduced: ${ce.property} held on replay`);
  return r.reproduced ? 0 : 1;
}
