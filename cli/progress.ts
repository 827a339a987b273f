/**
 * Progress of a long run, counted in runs: on a terminal one line rewritten in place (runs
 * done/total, runs/s, elapsed, ETA, the unit last finished), at most ten times a second; in a
 * log (not a TTY) one line per finished unit; nothing with --quiet or in CI (CI=true), where
 * the log should hold results only. Always on stderr, so --json's stdout stays
 * machine-readable. The total comes from the same plan the audit runs (explore/audit.ts
 * auditPlan), and the count is clamped to it, so it never reads "[144/84]".
 */

/** A progress reporter: `advance(n)` after n runs, `step(line)` when a unit of work finishes, `end()` once. */
export interface Progress {
  advance(runs: number): void;
  step(line: string, findings?: number): void;
  end(): void;
}

/** Whether progress is shown at all. */
export function progressEnabled(quiet: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !quiet && env.CI !== 'true' && env.CI !== '1';
}

const secs = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** Minimum interval between two rewrites of the terminal line. */
export const TTY_INTERVAL_MS = 100;

/** A reporter for `total` runs; `now` is injectable for tests. */
export function progress(total: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): Progress {
  const t0 = now();
  let done = 0;
  let last = '';
  let shownAt = -Infinity;
  let found: number | undefined;
  const tty = stream.isTTY === true;
  let wrote = false;
  const head = (): string => {
    const el = now() - t0;
    const rate = el > 0 ? (done * 1000) / el : 0;
    const eta = done > 0 && done < total ? `, ETA ${secs((el / done) * (total - done))}` : '';
    return `[${done}/${total} runs] ${rate.toFixed(0)} runs/s, ${secs(el)}${eta}${found !== undefined ? `, ${found} unexpected so far` : ''}`;
  };
  const show = (force: boolean): void => {
    if (!enabled || !tty) return;
    const t = now();
    if (!force && t - shownAt < TTY_INTERVAL_MS) return;
    shownAt = t;
    const cols = stream.columns ?? 100;
    stream.write(`\r\x1b[K${(last ? `${head()} | ${last}` : head()).slice(0, cols - 1)}`);
    wrote = true;
  };
  return {
    advance(runs) {
      done = Math.min(total, done + runs);
      show(false);
    },
    step(line, findings) {
      last = line;
      if (findings !== undefined) found = findings;
      if (!enabled) return;
      if (tty) show(true);
      else stream.write(`${head()} | ${line}\n`);
    },
    end() {
      if (tty && wrote) stream.write('\r\x1b[K');
    },
  };
}
