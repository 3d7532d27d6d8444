/**
 * HARs made from Chrome's own traffic (see make-har.ts) judged by `analyzeHar`: the lines must be
 * the ones Chrome printed, preflights paired, redirect chains worded "(redirected from …)".
 */
import { describe, expect, it } from 'vitest';
import { analyzeHar, checkCommandFor, parseHar, summarizeHar, summaryLine, type HarAnalysis } from '../../src/har/index.js';
import { chromeCorsLines, includesCredentials, loadOracle, type OracleCase } from '../support/oracle.js';
import { makeHar, type MakeOptions } from './make-har.js';

const oracle = loadOracle();
const cases = [...oracle.cases, ...loadOracle('chrome-edge-cases.json').cases].filter((c) => c.serverRequests.length > 0);

function analyze(kases: OracleCase[], options: MakeOptions = {}): HarAnalysis {
  const read = parseHar(JSON.stringify(makeHar(kases, options)), 'made.har');
  if ('error' in read) throw new Error(read.error);
  return analyzeHar(read.entries);
}

const lines = (analysis: HarAnalysis, verdicts: string[], api: 'fetch' | 'xhr') =>
  analysis.records.filter(({ record }) => verdicts.includes(record.verdict)).map(({ record }) => record.chrome!.variants[api]);

const sentCookies = (kase: OracleCase) => kase.serverRequests.some((r) => r.rawHeaders.some(([n]) => n.toLowerCase() === 'cookie'));

describe(`HAR of Chrome ${oracle.chromiumVersion}'s traffic: the lines Chrome printed (${cases.length} cases)`, () => {
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, kase) => {
    const analysis = analyze([kase]);
    const expected = chromeCorsLines(kase);
    // With the cookies in the HAR the credentials mode is known, and Chrome's lines are the blocked ones.
    if (!includesCredentials(kase) || sentCookies(kase)) expect(lines(analysis, ['blocked'], kase.client.api)).toEqual(expected);
    else for (const line of expected) expect(lines(analysis, ['blocked', 'conditional'], kase.client.api)).toContain(line);
    // A request whose preflight failed was never sent: it is not judged and not "unanswered".
    expect(analysis.unanswered).toEqual([]);
  });
});

describe('records', () => {
  const byId = (id: string) => cases.find((c) => c.id === id)!;

  it('pairs a preflight with its actual request', () => {
    const { records } = analyze([byId('pass-preflight-custom-header-credentials-fetch')]);
    const [preflight, request] = records.map((r) => r.record);
    expect(preflight).toMatchObject({ event: 'cors', stage: 'preflight', method: 'OPTIONS', verdict: 'allowed', request: request!.id });
    expect(request).toMatchObject({ stage: 'request', method: 'GET', verdict: 'allowed', preflight: preflight!.id, credentials: 'include' });
  });

  it('carries a redirect chain and its tainted origin', () => {
    const kase = byId('redirect-cross-origin-page-origin-acao-fetch');
    const { records } = analyze([kase]);
    const last = records.at(-1)!.record;
    expect(last).toMatchObject({ verdict: 'blocked', origin: 'null', redirectedFrom: `${kase.origins.api}/old-api`, url: `${kase.origins.api2}/new-api` });
    expect(last.msg).toBe(chromeCorsLines(kase)[0]);
  });

  it('a sanitized export (no cookies): what fails only with credentials is conditional, not blocked', () => {
    const kase = byId('acao-wildcard-credentials-fetch');
    const analysis = analyze([kase], { sanitized: true });
    const record = analysis.records.at(-1)!.record;
    expect(record).toMatchObject({ verdict: 'conditional', credentials: 'unknown' });
    expect(record.chrome?.message).toBe(chromeCorsLines(kase)[0]);
  });

  it('the same recording with cookies is blocked', () => {
    const record = analyze([byId('acao-wildcard-credentials-fetch')]).records.at(-1)!.record;
    expect(record).toMatchObject({ verdict: 'blocked', credentials: 'include' });
  });

  it('an entry recorded without a response is counted, not judged', () => {
    const kase = byId('acao-missing-fetch');
    const har = makeHar([kase]);
    (har.log.entries[0]!.response as { status: number }).status = 0;
    const read = parseHar(JSON.stringify(har), 'x.har');
    if ('error' in read) throw new Error(read.error);
    const analysis = analyzeHar(read.entries);
    expect(analysis.records).toEqual([]);
    expect(summaryLine(summarizeHar(analysis))).toBe('1 request, 1 cross-origin, 0 blocked, 1 without a response in the HAR (not judged)');
  });

  it('a failed request with only provisional headers (no Origin): cross-origin by its Referer, and the check to run', () => {
    // What Playwright's recordHar (and devtools' provisional headers) keep of a CORS failure.
    const har = {
      log: {
        entries: [
          {
            request: { method: 'PUT', url: 'http://localhost:3000/api/7', headers: [{ name: 'Referer', value: 'http://localhost:5173/' }] },
            response: { status: -1, headers: [], redirectURL: '', _failureText: 'net::ERR_FAILED' },
          },
          {
            request: { method: 'GET', url: 'http://localhost:5173/favicon.ico', headers: [{ name: 'Referer', value: 'http://localhost:5173/' }] },
            response: { status: 0, headers: [], redirectURL: '' },
          },
        ],
      },
    };
    const read = parseHar(JSON.stringify(har), 'p.har');
    if ('error' in read) throw new Error(read.error);
    const analysis = analyzeHar(read.entries);
    expect(analysis.unanswered).toEqual([{ entry: 0, method: 'PUT', url: 'http://localhost:3000/api/7', pageOrigin: 'http://localhost:5173', error: 'net::ERR_FAILED' }]);
    expect(checkCommandFor(analysis.unanswered[0]!)).toBe("corscope check 'http://localhost:3000/api/7' -X PUT --origin http://localhost:5173");
    expect(summarizeHar(analysis)).toMatchObject({ requests: 2, crossOrigin: 1, unanswered: 1 });
  });
});

describe('summary over every case in one HAR', () => {
  const analysis = analyze(cases);
  const summary = summarizeHar(analysis);

  it('counts requests, cross-origin requests and blocked ones by code, as Chrome filed them', () => {
    const refusedActual = cases.filter((c) => c.serverRequests.at(-1)!.method === 'OPTIONS' && chromeCorsLines(c).some((l) => l.startsWith('Access to'))).length;
    expect(summary.requests).toBe(cases.reduce((n, c) => n + c.serverRequests.length, 0) + refusedActual);
    // Chrome's DevTools issues name each blocked call's error code.
    const known = cases.filter((c) => !includesCredentials(c) || sentCookies(c));
    const filed = new Map<string, number>();
    for (const c of known) for (const issue of c.corsIssues.filter((i) => !i.isWarning)) filed.set(issue.corsError, (filed.get(issue.corsError) ?? 0) + 1);
    for (const [code, n] of filed) expect(summary.blockedByCode[code], code).toBeGreaterThanOrEqual(n);
    expect(summary.blocked).toBe(Object.values(summary.blockedByCode).reduce((a, b) => a + b, 0));
  });

  it('reads as one line', () => {
    expect(summaryLine(summary)).toMatch(/^\d+ requests, \d+ cross-origin, \d+ blocked \((\w+ \d+, )*\w+ \d+\)/);
  });
});
