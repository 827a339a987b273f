/**
 * The line that reproduces a reported failure, shared by the terminal, JUnit and Markdown
 * reports: the `replay` command of its counterexample file (a recorded one, or the one this
 * run saved under <out>/counterexamples/) and, for a search failure, the seed and path (as
 * fast-check prints them) with the command that regenerates it.
 */
import { join } from 'node:path';
import type { AuditResult, Failure } from '../explore/audit';
import type { CounterexampleFile, SearchRecord } from '../counterexamples/format';

/** Where a failure's unrecorded counterexample is saved inside the report folder. */
export function savedCounterexamplePath(outDir: string, f: Pick<Failure, 'variant' | 'campaign' | 'property'>): string {
  return join(outDir, 'counterexamples', `${f.variant}.${f.campaign}.${f.property}.json`);
}

/** The command that regenerates a counterexample from its search record (null for a hand-made one). */
export function searchCommand(ce: Pick<CounterexampleFile, 'variant' | 'campaign' | 'search'>): string | null {
  const s: SearchRecord = ce.search;
  switch (s.strategy) {
    case 'fast-check':
      return `fast-check seed ${s.seed}${s.path ? ` path ${s.path}` : ''}: npx vmapcheck check --variant ${ce.variant} --campaign ${ce.campaign} --seed ${s.seed} --no-irq`;
    case 'pct':
      return `PCT seed ${s.seed} depth ${s.depth} run ${s.run}: npx vmapcheck pct --variant ${ce.variant} --campaign ${ce.campaign} --seed ${s.seed} --depth ${s.depth} --runs ${s.run + 1}`;
    case 'swarm':
      return `swarm seed ${s.seed} run ${s.run} (the check's search phase): npx vmapcheck check --variant ${ce.variant} --campaign ${ce.campaign} --seed ${s.seed} --no-irq`;
    case 'hand':
      return null;
  }
}

/** The reproduce lines of one failure (last lines of its report entry). */
export function reproduceLines(r: AuditResult, f: Failure, outDir: string): string[] {
  const recorded = r.cells.find((c) => c.variant === f.variant && c.campaign === f.campaign && c.property === f.property)?.counterexample;
  const ce = f.counterexample ?? (recorded ? r.counterexamples[recorded] : undefined);
  const out: string[] = [];
  if (f.counterexample) out.push(`reproduce: npx vmapcheck replay ${savedCounterexamplePath(outDir, f)}`);
  else if (recorded) out.push(`reproduce: npx vmapcheck replay ${recorded}`);
  else if (f.kind === 'consumer-mismatch') out.push(`reproduce: npx vmapcheck audit --variant vanilla --no-irq (the consumers run whenever every campaign is selected)`);
  else if (f.kind === 'unreached') out.push(`reproduce: npx vmapcheck check --variant ${f.variant} --no-irq`);
  else out.push(`reproduce: npx vmapcheck check --variant ${f.variant} --campaign ${f.campaign} --no-irq`);
  const search = ce ? searchCommand(ce) : null;
  if (search !== null) out.push(`regenerate: ${search}`);
  return out;
}
