/**
 * The expectations manifest (expectations.json): for every variant and campaign, the
 * properties expected to be violated, each with the counterexample that shows it.
 * Everything not listed is expected to hold. Like tlaplus/Examples' manifest, a model that
 * fails on purpose is recorded as such.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Format tag of the manifest. */
export const MANIFEST_FORMAT = 'vmapcheck-expectations/1';

/** One variant × campaign: property -> counterexample path. */
export interface CampaignExpectation {
  readonly violated: Record<string, string>;
}

/** The manifest. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly variants: Record<string, Record<string, CampaignExpectation>>;
}

/** Default location, relative to the repository root. */
export const MANIFEST_PATH = 'expectations.json';

/** Read and validate the manifest. */
export function readManifest(path = MANIFEST_PATH): Manifest {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read the expectations manifest (${(e as Error).message}); run 'vmapcheck discover --write' to create it`);
  }
  const m = j as Manifest;
  if (m.format !== MANIFEST_FORMAT || typeof m.variants !== 'object') throw new Error(`${path}: expected {"format": "${MANIFEST_FORMAT}", "variants": {...}}`);
  return m;
}

/** Expected violations of one variant in one campaign. */
export function expectedViolations(m: Manifest, variant: string, campaign: string): Record<string, string> {
  return m.variants[variant]?.[campaign]?.violated ?? {};
}

/** Write the manifest with stable key order (variants, campaigns and properties as given). */
export function writeManifest(m: Manifest, path = MANIFEST_PATH): void {
  writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
}
