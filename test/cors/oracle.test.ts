import { describe, expect, it } from 'vitest';
import { judge, redirectLocation, resolveLocation, redirectTaints, schemeError } from '../../src/cors/index.js';
import type { Exchange, ExchangeContext, Verdict } from '../../src/cors/types.js';
import { chromeCorsLines, includesCredentials, loadOracle, type OracleCase } from '../support/oracle.js';

/**
 * Every case a real Chrome 156 was asked about, replayed through the engine: the exchanges that
 * reached the scripted servers go in, and the lines the engine writes must be the lines Chrome
 * printed, string for string.
 */

const oracle = loadOracle();
const edge = loadOracle('chrome-edge-cases.json');

/** Calls that never reach a server, so no proxy and no exchange can see them. */
const RENDERER_ONLY: Record<string, string> = {
  'edge-fetch-mode-same-origin-fetch': "mode: 'same-origin' is refused by fetch() before any request",
};

/** Replays the case's server traffic as the browser saw it, redirect memory included. */
function replay(kase: OracleCase, credentials: ExchangeContext['credentials']): Verdict[] {
  const verdicts: Verdict[] = [];
  let redirect: ExchangeContext['redirect'];
  for (const request of kase.serverRequests) {
    const url = `${kase.origins[request.server]}${request.path}`;
    const exchange: Exchange = {
      stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
      request: { url, method: request.method, headers: request.rawHeaders },
      response: request.response,
      context: {
        initiator: kase.client.api,
        credentials,
        ...(redirect ? { redirect, pageOrigin: kase.origins.jsOrigin } : {}),
      },
    };
    const verdict = judge(exchange);
    verdicts.push(verdict);
    const location = redirectLocation(request.response.status, request.response.headers);
    if (exchange.stage === 'request' && location !== null && verdict.verdict !== 'blocked') {
      const next = resolveLocation(location, url)!;
      redirect = {
        initialUrl: redirect?.initialUrl ?? url,
        tainted: redirect?.tainted === true || redirectTaints(url, next, kase.origins.jsOrigin),
      };
    }
  }
  return verdicts;
}

const blockedLines = (verdicts: Verdict[], kase: OracleCase) =>
  verdicts.filter((v) => v.verdict === 'blocked').map((v) => v.primary!.chrome![kase.client.api]);

const observable = [...oracle.cases, ...edge.cases].filter((c) => c.serverRequests.length > 0);

describe(`engine against Chrome ${oracle.chromiumVersion}: known credentials mode`, () => {
  it.each(observable.map((c) => [c.id, c] as const))('%s', (_id, kase) => {
    const verdicts = replay(kase, includesCredentials(kase) ? 'include' : 'omit');
    expect(blockedLines(verdicts, kase)).toEqual(chromeCorsLines(kase));
  });
});

describe(`engine against Chrome ${oracle.chromiumVersion}: credentials as a proxy sees them`, () => {
  it.each(observable.map((c) => [c.id, c] as const))('%s', (_id, kase) => {
    const verdicts = replay(kase, undefined);
    const expected = chromeCorsLines(kase);
    // Chrome's line is the one the engine reports as certain, or as holding only with credentials.
    const reported = verdicts
      .filter((v) => v.verdict === 'blocked' || v.verdict === 'conditional')
      .map((v) => v.primary!.chrome![kase.client.api]);
    for (const line of expected) expect(reported).toContain(line);
    if (!includesCredentials(kase)) expect(blockedLines(verdicts, kase)).toEqual(expected);
  });
});

describe('the CORS issue code Chrome filed is the engine code', () => {
  const withIssue = observable.filter((c) => c.corsIssues.some((i) => !i.isWarning));
  it.each(withIssue.map((c) => [c.id, c] as const))('%s', (_id, kase) => {
    const verdicts = replay(kase, includesCredentials(kase) ? 'include' : 'omit');
    // DevTools shows the failed parameter's bytes decoded as UTF-8.
    const asDevTools = (hint: string) => Buffer.from(hint, 'latin1').toString('utf8');
    const codes = verdicts
      .filter((v) => v.verdict === 'blocked')
      .map((v) => [v.primary!.code, asDevTools(v.primary!.hint ?? '')]);
    expect(codes).toEqual(kase.corsIssues.filter((i) => !i.isWarning).map((i) => [i.corsError, i.failedParameter]));
  });
});

describe('calls Chrome refuses before sending anything', () => {
  const schemeCases = [...oracle.cases, ...edge.cases].filter((c) => c.id.startsWith('scheme-'));
  it('covers missing, file: and ftp: schemes for fetch and XHR', () => expect(schemeCases.length).toBe(7));
  it.each(schemeCases.map((c) => [c.id, c] as const))('%s: the engine writes the scheme error', (_id, kase) => {
    const finding = schemeError(kase.client.url, kase.origins.page);
    expect(finding?.code).toBe('CorsDisabledScheme');
    expect([finding!.chrome![kase.client.api]]).toEqual(chromeCorsLines(kase));
  });

  it.each(Object.entries(RENDERER_ONLY))('%s never reaches a server (%s)', (id) => {
    const kase = oracle.cases.find((c) => c.id === id)!;
    expect(kase.serverRequests).toEqual([]);
  });
});
