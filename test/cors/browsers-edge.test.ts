import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { firefoxLines, refusedBeforeSending, safariVerdict } from '../../src/cors/browsers/index.js';
import type { Exchange, HeaderLine } from '../../src/cors/types.js';
import { includesCredentials, loadOracle } from '../support/oracle.js';

/**
 * The 106 parsing-rule cases of chrome-edge-cases.json (Access-Control-Allow-Origin spellings, empty
 * and repeated lines, Access-Control-Allow-Credentials spacing, Allow-Methods/-Headers parse errors
 * and check order, max-age), run in real Firefox 153 ESR and WebKitGTK 2.50 by
 * test/browser/other-browsers/record.mjs (`browser-edge-cases.json`): the exchanges each browser sent
 * go through corscope's rules for that browser, and the lines must be the ones it printed.
 */

interface Recorded {
  lines: string[];
  jsOutcome: string;
  origins: { page: string; api: string; api2: string };
  exchanges: { server: 'api' | 'api2'; method: string; path: string; rawHeaders: HeaderLine[]; response: { status: number; headers: HeaderLine[] } }[];
}
interface RecordedCase {
  id: string;
  firefox: Recorded;
  webkit: Recorded;
}

const recording = JSON.parse(readFileSync(new URL('../fixtures/browser-edge-cases.json', import.meta.url), 'utf8')) as { versions: Record<string, string>; cases: RecordedCase[] };
const chrome = new Map(loadOracle('chrome-edge-cases.json').cases.map((c) => [c.id, c]));

/** Run ports back to the placeholders the recording uses. */
function portless(line: string, ports: Record<string, string | number>): string {
  return Object.entries(ports).reduce((t, [name, port]) => t.replace(new RegExp(`:${port}(?![0-9])`, 'g'), `:{${name}}`), line);
}

function predicted(id: string, run: Recorded, browser: 'firefox' | 'webkit'): string[] {
  const kase = chrome.get(id)!;
  if (run.exchanges.length === 0) {
    // Refused in the page: written for the Chrome run's URLs, then made port-free.
    const refused = refusedBeforeSending({
      url: kase.client.url,
      pageUrl: `${kase.origins.page}/`,
      initiator: kase.client.api,
      ...(kase.client.mode === 'same-origin' ? { mode: 'same-origin' as const } : {}),
    });
    return [...((browser === 'firefox' ? refused?.firefox.lines : refused?.safari.lines) ?? [])].map((l) => portless(l, kase.ports));
  }
  const ports = { PAGE_PORT: new URL(run.origins.page).port, API_PORT: new URL(run.origins.api).port, API2_PORT: new URL(run.origins.api2).port };
  return run.exchanges
    .flatMap((x) => {
      const exchange: Exchange = {
        stage: x.method === 'OPTIONS' ? 'preflight' : 'request',
        request: { url: `${run.origins[x.server]}${x.path}`, method: x.method, headers: x.rawHeaders },
        response: x.response,
        context: {
          initiator: kase.client.api,
          credentials: includesCredentials(kase) ? 'include' : 'omit',
          authorHeaderOrder: kase.client.headers.map(([name]) => name),
        },
      };
      // Recorded over WebDriver BiDi, which delivers Firefox's errors only (not its one warning).
      return browser === 'firefox' ? firefoxLines(exchange).lines.filter((l) => l.level === 'error').map((l) => l.text) : safariVerdict(exchange).lines;
    })
    .map((l) => portless(l, ports));
}

const cases = recording.cases.map((c) => [c.id, c] as const);

it('covers the recorded edge cases', () => expect(cases.length).toBe(106));

describe(`Firefox (${recording.versions.firefox}) on the edge cases`, () => {
  it.each(cases)('%s', (id, c) => expect(predicted(id, c.firefox, 'firefox')).toEqual(c.firefox.lines));
});

describe(`Safari (${recording.versions.webkit}) on the edge cases`, () => {
  it.each(cases)('%s', (id, c) => expect(predicted(id, c.webkit, 'webkit')).toEqual(c.webkit.lines));
});
