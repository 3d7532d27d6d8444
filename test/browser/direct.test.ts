/**
 * The harness against the judge, with no proxy: today's Chromium, driven by this project's own
 * harness, prints the same lines as the Chromium that recorded test/fixtures/chrome-oracle.json.
 * A failure here means either the harness no longer reproduces the oracle, or Chrome changed its
 * wording or behaviour (an upgrade): then the engine's catalog needs a look before anything else.
 */
import { describe, it } from 'vitest';
import { loadFixture, normalizePorts, type Observation } from './harness/cases.js';
import { runCase, testTimeoutMs } from './harness/run-case.js';
import { chromiumOrReport, useBrowser } from './harness/suite.js';
import { jsSummary, recordedJsSummary } from './harness/outcome.js';

const fixture = loadFixture();
const chromium = chromiumOrReport();

if (chromium) {
  const browser = useBrowser(chromium);
  describe.concurrent(`Chromium ${chromium.version} without a proxy prints what Chromium ${fixture.chromiumVersion} printed`, () => {
    it.for(fixture.cases.map((c): [string, Observation] => [c.id, c]))(
      '%s',
      { timeout: testTimeoutMs(fixture.cases.map((c) => c.definition)) },
      async ([id, obs], { expect }) => {
        const run = await runCase(browser(), obs.definition);
        const printed = run.primary.map((line) => normalizePorts(line, run.ports));
        expect(printed, `${id}: Chrome's console errors (minus 'Failed to load resource')`).toEqual(obs.primaryMessages);
        expect.soft(run.js.calls.map(jsSummary), `${id}: what the page's call did`).toEqual(obs.js.map(recordedJsSummary));
      },
    );
  });
}
