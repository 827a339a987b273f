/**
 * Shared helpers of the bench scripts: medians, number formatting, the machine line. Bench
 * scripts measure and print; they never assert on time.
 */
import os from 'node:os';

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Thousands separators for readability. */
export const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

/** One line naming the machine and the runtime, printed above every table. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  return `node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} x ${cpu}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`;
}

/** Seconds since `t0` (from performance.now()). */
export const secondsSince = (t0: number): number => (performance.now() - t0) / 1000;
