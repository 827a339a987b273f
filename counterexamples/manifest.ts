/**
 * The expectations manifest (expectations.json), by finding: for every variant and
 * campaign, the findings present there, each with its shortest counterexample; and for
 * every finding, its kind and the properties it shows through. Everything not listed is
 * expected to hold: a violation no experiment explains, a finding not recorded for that
 * variant × campaign, a recorded counterexample that no longer reproduces (or is no longer
 * explained by its finding), and any violation on a `-fixed` variant fail the audit. Like
 * tlaplus/Examples' manifest, a model that fails on purpose is recorded as such.
 *
 * Keyed by finding rather than property, so a model change that does not change which
 * findings exist leaves this file alone.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Format tag of the manifest. */
export const MANIFEST_FORMAT = 'vmapcheck-expectations/2';

/** One variant × campaign: finding id -> its shortest counterexample's path. */
export interface CampaignExpectation {
  readonly findings: Record<string, string>;
}

/** What the manifest records of a finding across the corpus. */
export interface FindingRecord {
  readonly kind: string;
  /** Properties its counterexamples break, sorted. */
  readonly properties: readonly string[];
}

/** The manifest. */
export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly findings: Record<string, FindingRecord>;
  readonly variants: Record<string, Record<string, CampaignExpectation>>;
  /** The consumers' findings and cells (explore/consumer_audit.ts). */
  readonly consumers?: ConsumerSection;
}

/** What the manifest records of a consumer finding. */
export interface ConsumerFindingRecord {
  readonly consumer: string;
  readonly kind: string;
  /** Properties its counterexamples break, sorted. */
  readonly properties: readonly string[];
}

/**
 * The consumers' section, by finding like the variants': per consumer finding its kind and
 * properties; per consumer and cell (`<vmap variant>/<version>/<campaign>`, or `<version>`)
 * the findings present, each with its shortest counterexample (counterexamples/consumers/).
 */
export interface ConsumerSection {
  readonly findings: Record<string, ConsumerFindingRecord>;
  readonly cells: Record<string, Record<string, CampaignExpectation>>;
}

/** Default location, relative to the repository root. */
export const MANIFEST_PATH = 'expectations.json';

/** A malformed manifest: what is wrong and how to fix it. */
export class ManifestError extends Error {}

function isRecordOf(x: unknown, ok: (v: unknown) => boolean): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every(ok);
}

/** Read and validate the manifest. */
export function readManifest(path = MANIFEST_PATH): Manifest {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ManifestError(`${path}: cannot read the expectations manifest (${(e as Error).message}); run 'vmapcheck discover --write' to create it`);
  }
  const m = j as Manifest;
  if (typeof j !== 'object' || j === null || m.format !== MANIFEST_FORMAT) throw new ManifestError(`${path}: expected {"format": "${MANIFEST_FORMAT}", "findings": {...}, "variants": {...}}; re-create it with 'vmapcheck discover --write'`);
  const cell = (c: unknown): boolean => typeof c === 'object' && c !== null && isRecordOf((c as CampaignExpectation).findings, (p) => typeof p === 'string');
  if (!isRecordOf(m.variants, (v) => isRecordOf(v, cell))) throw new ManifestError(`${path}: 'variants' must map variant -> campaign -> {"findings": {FINDING: "counterexamples/....json"}}`);
  if (!isRecordOf(m.findings, (f) => typeof f === 'object' && f !== null && typeof (f as FindingRecord).kind === 'string' && Array.isArray((f as FindingRecord).properties))) {
    throw new ManifestError(`${path}: 'findings' must map finding -> {"kind": string, "properties": [string]}`);
  }
  const cf = (f: unknown): boolean => typeof f === 'object' && f !== null && typeof (f as ConsumerFindingRecord).consumer === 'string' && typeof (f as ConsumerFindingRecord).kind === 'string' && Array.isArray((f as ConsumerFindingRecord).properties);
  if (m.consumers !== undefined && !(isRecordOf(m.consumers.findings, cf) && isRecordOf(m.consumers.cells, (c) => isRecordOf(c, cell)))) {
    throw new ManifestError(`${path}: 'consumers' must be {"findings": {FINDING: {"consumer", "kind", "properties"}}, "cells": {consumer: {cell: {"findings": {FINDING: path}}}}}; re-create it with 'vmapcheck discover --write'`);
  }
  return m;
}

/** Findings expected on one variant in one campaign (finding -> counterexample path). */
export function expectedFindings(m: Manifest, variant: string, campaign: string): Record<string, string> {
  return m.variants[variant]?.[campaign]?.findings ?? {};
}

/** Write the manifest with stable key order (variants and campaigns as given, findings sorted). */
export function writeManifest(m: Manifest, path = MANIFEST_PATH): void {
  writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
}
