import { describe, expect, it } from 'vitest';
import { judge } from '../../src/cors/index.js';
import type { Exchange } from '../../src/cors/types.js';
import { createPrettyStream } from '../../src/log/pretty.js';
import { buildRecord, withBrowsers, type ExchangeRecord } from '../../src/log/record.js';
import type { BrowsersMode } from '../../src/log/browsers.js';
import type { OtherBrowser } from '../../src/cors/browsers/index.js';
import { loadBrowserOracle, withPorts } from '../support/browser-oracle.js';
import { includesCredentials, loadOracle, type OracleCase } from '../support/oracle.js';

/**
 * The record's `browsers` field, `--headline` and the pretty view, over recorded cases: the lines
 * are the ones real Firefox and WebKit printed for them.
 */

const chrome = loadOracle();
const recorded = new Map(loadBrowserOracle().cases.map((c) => [c.id, c]));
const kase = (id: string) => chrome.cases.find((c) => c.id === id)!;

/** The record of a case's last exchange, as the proxy builds it. */
function recordOf(c: OracleCase, mode: BrowsersMode = 'auto', headline?: OtherBrowser): ExchangeRecord {
  const request = c.serverRequests.at(-1)!;
  const exchange: Exchange = {
    stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
    request: { url: `${c.origins[request.server]}${request.path}`, method: request.method, headers: request.rawHeaders },
    response: request.response,
    context: { initiator: c.client.api, credentials: includesCredentials(c) ? 'include' : 'omit' },
  };
  const verdict = judge(exchange);
  const record = buildRecord({ id: '1', verdict, method: request.method, url: exchange.request.url, status: request.response.status, durationMs: 1, logSecrets: false });
  withBrowsers(record, exchange, verdict, mode, headline);
  return record;
}

const firefoxOf = (c: OracleCase) => recorded.get(c.id)!.firefox.lines.map((l) => withPorts(l.text, c));
const webkitOf = (c: OracleCase) => recorded.get(c.id)!.webkit.lines.map((l) => withPorts(l.text, c));

describe('the browsers field', () => {
  it.each([
    ['acao-missing-fetch', 'CORSMissingAllowOrigin'],
    ['acao-wildcard-credentials-xhr', 'CORSNotSupportingCredentials'],
    ['preflight-method-put-not-allowed-fetch', 'CORSMethodNotFound'],
    ['preflight-redirect-301-xhr', 'CORSExternalRedirectNotAllowed'],
  ])('%s: what each browser printed, and Firefox reason %s', (id, reason) => {
    const c = kase(id);
    expect(recordOf(c).browsers).toEqual({
      firefox: { verdict: 'blocked', lines: firefoxOf(c), reason },
      safari: { verdict: 'blocked', lines: webkitOf(c) },
    });
  });

  it('Chrome allows with a warning: the field is there (Firefox warns too)', () => {
    const c = kase('preflight-header-authorization-wildcard-fetch');
    const preflight = c.serverRequests[0]!;
    const exchange: Exchange = {
      stage: 'preflight',
      request: { url: `${c.origins.api}${preflight.path}`, method: 'OPTIONS', headers: preflight.rawHeaders },
      response: preflight.response,
      context: { credentials: 'omit' },
    };
    const verdict = judge(exchange);
    const record = buildRecord({ id: '1', verdict, method: 'OPTIONS', url: exchange.request.url, status: 204, durationMs: 1, logSecrets: false });
    withBrowsers(record, exchange, verdict, 'auto');
    expect(verdict.verdict).toBe('allowed');
    expect(record.browsers).toEqual({ firefox: { verdict: 'allowed', lines: firefoxOf(c), reason: null }, safari: { verdict: 'allowed', lines: [] } });
  });

  it('Chrome allows silently: no field unless asked (--browsers)', () => {
    const c = kase('pass-simple-get-wildcard-fetch');
    expect(recordOf(c).browsers).toBeUndefined();
    expect(recordOf(c, 'always').browsers).toEqual({
      firefox: { verdict: 'allowed', lines: [], reason: null },
      safari: { verdict: 'allowed', lines: [] },
    });
  });
});

describe('--headline: msg is that browser line, chrome stays Chrome', () => {
  it.each([
    ['firefox', 'acao-multiple-values-fetch', 0],
    ['safari', 'acao-multiple-values-fetch', 0],
    ['firefox', 'preflight-status-404-fetch', 0],
    ['safari', 'preflight-status-404-fetch', 0],
  ] as const)('%s on %s', (browser, id, index) => {
    const c = kase(id);
    const record = recordOf(c, 'auto', browser);
    expect(record.msg).toBe((browser === 'firefox' ? firefoxOf(c) : webkitOf(c))[index]);
    expect(record.headline).toBe(browser);
    expect(record.chrome!.message).toBe(c.consoleErrors.find((l) => l.startsWith('Access to'))!);
    expect(record.verdict).toBe('blocked');
  });
});

function pretty(record: ExchangeRecord, browsers: readonly OtherBrowser[] = []): string[] {
  let out = '';
  createPrettyStream({ write: (t: string) => (out += t) }, { colors: false, browsers }).write(JSON.stringify(record));
  return out.split('\n').filter((l) => l !== '');
}

describe('the pretty view', () => {
  const c = kase('acao-missing-fetch');

  it('shows no other browser where it agrees with Chrome', () => {
    expect(pretty(recordOf(c)).some((l) => /^ {2}(firefox|safari)/.test(l))).toBe(false);
  });

  it('shows every line of the browsers asked for (--browsers chrome,firefox,safari)', () => {
    const rows = pretty(recordOf(c), ['firefox', 'safari']).filter((l) => /^ {2}(firefox|safari)/.test(l));
    expect(rows).toEqual([...firefoxOf(c).map((l) => `  firefox ${l}`), ...webkitOf(c).map((l) => `  safari  ${l}`)]);
  });

  it('shows a browser whose verdict differs from Chrome, saying so first', () => {
    const record = recordOf(c);
    record.browsers = { ...record.browsers!, safari: { verdict: 'allowed', lines: [] } };
    const rows = pretty(record).filter((l) => /^ {2}(firefox|safari)/.test(l));
    expect(rows).toEqual(['  safari  allows it']);
  });

  it('a block without a console line would be said as such, never given an invented line', () => {
    const record = recordOf(c);
    record.browsers = { ...record.browsers!, safari: { verdict: 'blocked', lines: [] } };
    expect(pretty(record, ['safari']).filter((l) => l.startsWith('  safari'))).toEqual(['  safari  blocks it without a console line']);
  });
});
