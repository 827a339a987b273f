/**
 * Every committed scenario file (scenarios/*.vmc) parses and its expectations hold. The test
 * stops a variant's exploration once each of its expectations is decided (a `sometimes`
 * event seen); a `never` expectation still needs the complete exploration.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioFile } from '../../explore/scenario_file/parse';
import { runScenarioFile } from '../../explore/scenario_file/run';

const DIR = 'scenarios';
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.vmc'))
  .sort();

describe('scenarios/*.vmc', () => {
  it('there is a scenario file per small finding', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });
  for (const name of FILES) {
    it(name, () => {
      const f = parseScenarioFile(readFileSync(`${DIR}/${name}`, 'utf8'), `${DIR}/${name}`);
      expect(f.expectations.length).toBeGreaterThan(0);
      const results = runScenarioFile(f, { stopWhenDecided: true, log: () => {} });
      for (const r of results) for (const x of r.expectations) expect(`${r.variant}: expect ${x.e.mode} ${x.e.property}: ${x.held ? 'holds' : x.why}`).toBe(`${r.variant}: expect ${x.e.mode} ${x.e.property}: holds`);
    });
  }
});
