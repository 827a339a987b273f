/**
 * The HTML report in a real browser (Debian's chromium, headless): the page's script runs
 * without a console message, the summary is there, a lazily drawn counterexample timeline
 * renders when the URL points at it, and a lifecycle state diagram is drawn; a screenshot is
 * saved beside the report. In CI (CI=true) a missing chromium is a failure, not a skip:
 * .ci/run installs it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { audit } from '../../explore/audit';
import { campaignByName } from '../../explore/campaigns';
import { readManifest } from '../../counterexamples/manifest';
import { rewriteV2 } from '../../model/variants/rewrite-v2/index';
import { writeReports } from '../../reports/index';

const CHROMIUM = '/usr/bin/chromium';
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const run = promisify(execFile);

/** Headless chromium with a fresh profile and nothing that phones home. */
async function chromium(dir: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  const profile = mkdtempSync(join(dir, 'profile-'));
  return run(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--enable-logging=stderr', '--v=0', ...args],
    { timeout: 120_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
  );
}

describe('report.html in Chromium', () => {
  it('chromium is installed where CI runs', () => {
    if (inCi) expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`).toBe(true);
  });

  it.skipIf(!existsSync(CHROMIUM) && !inCi)('renders the summary, a lazy timeline and a state diagram with no console message, and saves a screenshot', async () => {
    const r = audit([rewriteV2], [campaignByName('tiny-1cpu')], readManifest(), { runs: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'vmapcheck-browser-'));
    const out = join(dir, 'out');
    const [html] = writeReports(r, out);
    const page = readFileSync(html!, 'utf8');
    // A recorded (expected) counterexample: its section is closed and its timeline lazy.
    const lazy = /<section class="ce" id="([^"]+)"><details>/.exec(page)?.[1];
    expect(lazy, 'a lazily rendered counterexample section').toBeDefined();
    expect(page.slice(page.indexOf(`id="${lazy}"`)).split('</section>')[0]).toContain('<template class="lazy">');

    const url = `${pathToFileURL(html!).href}#${lazy}`;
    const { stdout: dom, stderr } = await chromium(dir, ['--dump-dom', url]);
    expect(stderr.split('\n').filter((l) => /:CONSOLE/.test(l))).toEqual([]);
    expect(dom).toMatch(/<html[^>]* data-ready="1"/);
    expect(dom).toMatch(/<div class="banner (ok|bad)">/);
    const section = dom.slice(dom.indexOf(`id="${lazy}"`)).split('</section>')[0]!;
    expect(section).toMatch(/<details open="">/);
    expect(section).toContain('<table class="tl">');
    expect(section).toContain('class="k-violation main"');
    expect(section).not.toContain('<template class="lazy">');
    expect(dom).toMatch(/<svg class="sm"[^>]*data-machine="vmap_area"/);
    expect(dom).toMatch(/<g class="tr t-(cov|unc)"/);

    const png = join(out, 'report.png');
    await chromium(dir, [`--screenshot=${png}`, '--window-size=1400,2000', '--hide-scrollbars', pathToFileURL(html!).href]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  }, 180_000);
});
