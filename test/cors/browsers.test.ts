import { describe, expect, it } from 'vitest';
import { firefoxLines, otherBrowsers, refusedBeforeSending, type OtherBrowsers } from '../../src/cors/browsers/index.js';
import { judge } from '../../src/cors/index.js';
import type { Exchange } from '../../src/cors/types.js';
import { loadBrowserOracle, withPorts } from '../support/browser-oracle.js';
import { chromeCorsLines, includesCredentials, loadOracle, type OracleCase } from '../support/oracle.js';

/**
 * Every public oracle case, as real Firefox 153 ESR and WebKitGTK 2.50 printed it, replayed through
 * corscope's Firefox and Safari rules: the exchanges Chrome's run sent go in (the same servers, the
 * same answers), and the lines written must be the lines each browser printed, string for string,
 * with the run's ports.
 */

const chrome = loadOracle();
const browsers = loadBrowserOracle();
const byId = new Map(chrome.cases.map((c) => [c.id, c]));
const cases = browsers.cases.map((recorded) => [recorded.id, recorded, byId.get(recorded.id)!] as const);

function exchanges(kase: OracleCase): Exchange[] {
  const credentials = includesCredentials(kase) ? 'include' : 'omit';
  // The page's headers in the order it set them, as `corscope check` knows them: WebKit names the
  // first refused one in that order.
  const authorHeaderOrder = kase.client.headers.map(([name]) => name);
  return kase.serverRequests.map((request) => ({
    stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
    request: { url: `${kase.origins[request.server]}${request.path}`, method: request.method, headers: request.rawHeaders },
    response: request.response,
    context: { initiator: kase.client.api, credentials, authorHeaderOrder },
  }));
}

function verdicts(kase: OracleCase): OtherBrowsers[] {
  if (kase.serverRequests.length === 0) {
    const refused = refusedBeforeSending({
      url: kase.client.url,
      pageUrl: `${kase.origins.page}/`,
      initiator: kase.client.api,
      ...(kase.client.mode === 'same-origin' ? { mode: 'same-origin' as const } : {}),
    });
    return refused ? [refused] : [];
  }
  return exchanges(kase).map(otherBrowsers);
}

const blockedIn = (jsOutcome: string) => !/^(resolved|load) /.test(jsOutcome);

it('covers the 81 public cases', () => expect(cases.length).toBe(81));

describe(`Firefox (${browsers.versions.firefox}): the lines it printed`, () => {
  it.each(cases)('%s', (_id, recorded, kase) => {
    const lines = verdicts(kase).flatMap((v) => v.firefox.lines);
    expect(lines).toEqual(recorded.firefox.lines.map((l) => withPorts(l.text, kase)));
  });
});

describe(`Firefox (${browsers.versions.firefox}): each line's category (security.properties key) and level`, () => {
  const sent = cases.filter(([, , kase]) => kase.serverRequests.length > 0);
  it.each(sent)('%s', (_id, recorded, kase) => {
    const lines = exchanges(kase).flatMap((e) => firefoxLines(e).lines.map((l) => [l.category, l.level]));
    expect(lines).toEqual(recorded.firefox.lines.map((l) => [l.category, l.level]));
  });
});

describe(`Safari (${browsers.versions.webkit}): the lines WebKit printed`, () => {
  it.each(cases)('%s', (_id, recorded, kase) => {
    const lines = verdicts(kase).flatMap((v) => v.safari.lines);
    expect(lines).toEqual(recorded.webkit.lines.map((l) => withPorts(l.text, kase)));
  });
});

describe('the verdicts: what each browser let the page read', () => {
  it.each(cases)('%s', (_id, recorded, kase) => {
    const all = verdicts(kase);
    const firefoxBlocks = all.some((v) => v.firefox.verdict === 'blocked');
    const safariBlocks = all.some((v) => v.safari.verdict === 'blocked');
    expect([firefoxBlocks, safariBlocks]).toEqual([blockedIn(recorded.firefox.jsOutcome), blockedIn(recorded.webkit.jsOutcome)]);
    // On these cases the three browsers agree on every verdict; only their words differ.
    const chromeBlocks = chromeCorsLines(kase).length > 0;
    expect(firefoxBlocks).toBe(chromeBlocks || kase.client.mode === 'same-origin');
  });
});

describe("Firefox's reason is the key of its first blocking line, as MDN names it", () => {
  it.each([
    ['acao-missing-fetch', 'CORSMissingAllowOrigin'],
    ['preflight-status-401-fetch', 'CORSPreflightDidNotSucceed'],
    ['preflight-redirect-307-fetch', 'CORSExternalRedirectNotAllowed'],
    ['redirect-location-credentials-fetch', 'CORSDidNotSucceed'],
    ['preflight-header-custom-not-allowed-fetch', 'CORSMissingAllowHeaderFromPreflight'],
  ])('%s: %s', (id, reason) => {
    const kase = byId.get(id)!;
    const blocked = verdicts(kase).find((v) => v.firefox.verdict === 'blocked');
    expect(blocked?.firefox.reason).toBe(reason);
  });

  it('an allowed exchange with a warning has no reason', () => {
    const kase = byId.get('preflight-header-authorization-wildcard-fetch')!;
    const [preflight] = verdicts(kase);
    expect(preflight!.firefox).toEqual({
      verdict: 'allowed',
      lines: [expect.stringContaining('Cross-Origin Request Warning')],
    });
  });
});

describe('a proxy that cannot see the credentials mode', () => {
  it.each(cases.filter(([, , kase]) => includesCredentials(kase) && kase.serverRequests.length > 0))(
    '%s: what fails only with credentials is conditional, with the lines the browser prints then',
    (_id, recorded, kase) => {
      const unknown = exchanges(kase).map((e) => otherBrowsers({ ...e, context: { ...e.context, credentials: 'unknown' } }));
      const chromeVerdicts = exchanges(kase).map((e) => judge({ ...e, context: { ...e.context, credentials: 'unknown' } }).verdict);
      const reported = unknown.flatMap((v) => (v.firefox.verdict === 'allowed' ? [] : v.firefox.lines));
      expect(reported).toEqual(recorded.firefox.lines.map((l) => withPorts(l.text, kase)));
      // Chrome and Firefox agree on which exchanges hold only with credentials.
      expect(unknown.map((v) => v.firefox.verdict)).toEqual(chromeVerdicts.map((v) => (v === 'not-cors' ? 'allowed' : v)));
    },
  );
});
