/**
 * Shared body of the per-finding regression tests: the finding's shortest recorded
 * counterexample (expectations.json) still breaks its property on its variant; the
 * finding's experiment (its fix alone, or keeping the calls within its contract) removes
 * it; and, for a defect, the base's `-fixed` variant does not break it either.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseScenarioFile } from '../../explore/scenario_file/parse';
import { runScenarioFile } from '../../explore/scenario_file/run';
import { campaignByName } from '../../explore/campaigns';
import { breaks, experimentRemoves } from '../../counterexamples/classify';
import { readManifest } from '../../counterexamples/manifest';
import { replayPath } from '../../counterexamples/replay';
import { findingById } from '../../model/variants/findings';
import { parseVariantName } from '../../model/variants/registry';

/** Every recorded counterexample of `finding` (manifest order), deduplicated. */
export function recordedOf(finding: string): string[] {
  const m = readManifest();
  const out = new Set<string>();
  for (const cs of Object.values(m.variants)) for (const e of Object.values(cs)) if (e.findings[finding] !== undefined) out.add(e.findings[finding]!);
  return [...out];
}

/** Assert that `finding` is recorded and that its counterexamples behave as the header says. */
export function expectFinding(finding: string): void {
  const paths = recordedOf(finding);
  expect(paths.length, `${finding} has no recorded counterexample in expectations.json`).toBeGreaterThan(0);
  for (const path of paths) {
    const r = replayPath(path);
    const ce = r.file;
    expect(r.reproduced, `${path} no longer breaks ${ce.property} on ${ce.variant}`).toBe(true);
    const c = campaignByName(ce.campaign);
    expect(experimentRemoves(finding, ce.variant, c, ce.property, ce.scenario), `${finding}'s experiment does not remove ${path}`).toBe(true);
    if (findingById(finding)?.kind === 'defect') {
      const base = parseVariantName(ce.variant).base;
      expect(breaks(`${base}-fixed`, c, ce.property, ce.scenario), `${base}-fixed still breaks ${ce.property} on ${path}`).toBe(false);
    }
  }
}

/** Assert that the `.vmc` scenario file at `path` holds every one of its expectations. */
export function expectScenario(path: string): void {
  const f = parseScenarioFile(readFileSync(path, 'utf8'), path);
  const failed = runScenarioFile(f, { stopWhenDecided: true, log: () => {} }).flatMap((r) => r.expectations.filter((x) => !x.held).map((x) => `${r.variant}: expect ${x.e.mode} ${x.e.property}: ${x.why}`));
  expect(failed, path).toEqual([]);
}
