/**
 * Progress of a long run: on a terminal one line rewritten in place (done/total, elapsed,
 * ETA, findings so far); in a log (not a TTY) one line per step; nothing with --quiet or in
 * CI (CI=true), where the log should hold results only. Always on stderr, so --json's
 * stdout stays machine-readable.
 */

/** A progress reporter: `step(line, findings)` after each unit of work, `end()` once. */
export interface Progress {
  step(line: string, findings?: number): void;
  end(): void;
}

/** Whether progress is shown at all. */
export function progressEnabled(quiet: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !quiet && env.CI !== 'true' && env.CI !== '1';
}

const secs = (ms: number): string => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** A reporter for `total` units of work. */
export function progress(total: number, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  const t0 = performance.now();
  let done = 0;
  const tty = stream.isTTY === true;
  let wrote = false;
  return {
    step(line, findings) {
      done++;
      if (!enabled) return;
      const el = performance.now() - t0;
      const eta = done < total ? `, ETA ${secs((el / done) * (total - done))}` : '';
      const head = `[${done}/${total}] ${secs(el)}${eta}${findings !== undefined ? `, ${findings} unexpected so far` : ''}`;
      if (tty) {
        const cols = stream.columns ?? 100;
        stream.write(`\r\x1b[K${`${head} | ${line}`.slice(0, cols - 1)}`);
        wrote = true;
      } else stream.write(`${head} | ${line}\n`);
    },
    end() {
      if (tty && wrote) stream.write('\r\x1b[K');
    },
  };
}
