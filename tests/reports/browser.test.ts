/**
 * The HTML report in a real browser: headless Chromium renders report.html of a small
 * audit to a PNG. Skipped where /usr/bin/chromium is absent.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { audit } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { writeReports } from '../../reports/index';

const CHROMIUM = '/usr/bin/chromium';

describe('report.html in Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))('renders to a non-trivial screenshot', () => {
    const r = audit([rewriteV2], [campaignByName('tiny-1cpu')], { format: 'vmapcheck-expectations/1', variants: {} }, { runs: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'vmapcheck-browser-'));
    const [html] = writeReports(r, join(dir, 'out'));
    const png = join(dir, 'report.png');
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        `--user-data-dir=${join(dir, 'profile')}`,
        `--screenshot=${png}`,
        '--window-size=1400,2000',
        pathToFileURL(html!).href,
      ],
      { stdio: 'ignore', timeout: 120_000 },
    );
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});
