/**
 * Shared body of the per-finding regression tests: the recorded counterexample still breaks
 * its property on its variant, is classified as the finding, and (where the control applies)
 * the same scenario does not break that property on vanilla.
 */
import { expect } from 'vitest';
import { replayFile, replayPath } from '../../counterexamples/replay';

/** Assert the counterexample at `path` still shows `finding`; `control` also replays it on vanilla. */
export function expectFinding(path: string, finding: string, control = true): void {
  const r = replayPath(path);
  expect(r.reproduced, `${path} no longer breaks ${r.file.property}`).toBe(true);
  expect(r.file.finding).toBe(finding);
  if (control) {
    const v = replayFile({ ...r.file, variant: 'vanilla' }, `${path} on vanilla`);
    expect(v.outcome.violated.has(r.file.property), `vanilla also breaks ${r.file.property} on this scenario`).toBe(false);
  }
}
