/**
 * Every committed scenario file (scenarios/*.vmc) parses and its expectations hold. The test
 * stops a variant's exploration once each of its expectations is decided (a `sometimes`
 * event seen); a `never` expectation still needs the complete exploration.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioFile } from '../../explore/scenario_file/parse';

const DIR = 'scenarios';
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.vmc'))
  .sort();

describe('scenarios/*.vmc', () => {
  it('there is a scenario file per small finding', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(10);
  });
  // Each file is run (exhaustively, every expectation judged) by its finding's regression
  // test in tests/regressions/; here: it parses, has expectations, and a regression test runs it.
  const regressions = readdirSync('tests/regressions').map((f) => readFileSync(`tests/regressions/${f}`, 'utf8')).join('\n');
  for (const name of FILES) {
    it(name, () => {
      const f = parseScenarioFile(readFileSync(`${DIR}/${name}`, 'utf8'), `${DIR}/${name}`);
      expect(f.expectations.length).toBeGreaterThan(0);
      expect(f.expectations.some((e) => e.mode === 'never'), `${name} has no Never line for a fixed variant`).toBe(f.variants.some((v) => v.includes('+') || v.includes('-fixed')));
      expect(regressions, `${name} is run by no regression test`).toContain(`expectScenario('${DIR}/${name}')`);
    });
  }
});
