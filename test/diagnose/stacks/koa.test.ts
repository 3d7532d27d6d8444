/**
 * The Koa profile against what real Koa 3 + @koa/cors 5 answered Chromium
 * (test/fixtures/servers/koa.json, recorded by `node test/servers/record.mjs koa`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { koa } from '../../../src/diagnose/stacks/koa.js';
import type { DiagnosisCode, FixContext, Observation, StackEvidence } from '../../../src/diagnose/types.js';

interface Exchange {
  stage: 'preflight' | 'request';
  target: 'api' | 'elsewhere';
  request: { method: string; url: string; headers: HeaderLine[] };
  response: { status: number; headers: HeaderLine[] };
  body?: { base64: string; bytes: number; truncated: boolean };
}
interface Call {
  call: { credentials?: string; page?: string };
  exchanges: Exchange[];
}
interface Case {
  name: string;
  intent: DiagnosisCode;
  calls: Call[];
  fix: { applied: string; calls: Call[] };
  /** The blocked answer's fingerprints as recognise() gives them; `why` when an answer of the case has no strong one. */
  expected: { stack: string; evidence: string[]; why?: string };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/servers/koa.json', import.meta.url), 'utf8')) as { page: string; cases: Case[] };

function observation(x: Exchange): Observation {
  const type = x.response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  const body = x.body ? { text: Buffer.from(x.body.base64, 'base64').toString('utf8'), type, bytes: x.body.bytes, truncated: x.body.truncated } : undefined;
  return { stage: x.stage, request: x.request, response: x.response, ...(body ? { body } : {}) };
}

/** An answer with the earlier answers of the same call (its preflight, the redirect), newest first. */
function evidenceAt(api: readonly Exchange[], index: number): StackEvidence {
  const o = observation(api[index]!);
  const related = api.slice(0, index).reverse().map((x) => x.response);
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related, identity: [] };
}

const apiOf = (call: Call) => call.exchanges.filter((x) => x.target === 'api');

/** The fix context the diagnosis builds for the answer Chrome refused (the last one from the server). */
function contextOf(c: Case): FixContext {
  const last = c.calls.at(-1)!;
  const api = apiOf(last).map(observation);
  const exchange = api.at(-1)!;
  const preflight = exchange.stage === 'request' ? api.find((o) => o.stage === 'preflight') : undefined;
  const context = { initiator: 'fetch' as const, credentials: last.call.credentials === 'include' ? ('include' as const) : ('omit' as const), pageOrigin: last.call.page ?? fixture.page };
  const verdict = judge({ stage: exchange.stage, request: exchange.request, response: exchange.response, context });
  const location = exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  const paired = preflight ? { preflight: { observation: preflight, verdict: judge({ stage: 'preflight', request: preflight.request, response: preflight.response, context }) } } : {};
  return fixContext({ exchange, verdict, ...paired }, { code: c.intent, evidence: [], ...(location ? { location: new URL(location, exchange.request.url).href } : {}) });
}

const answers = fixture.cases.flatMap((c) =>
  (['broken', 'fixed'] as const).flatMap((run) =>
    (run === 'broken' ? c.calls : c.fix.calls).flatMap((call) =>
      apiOf(call).map((x, i, api) => [`${c.name} ${run} ${x.stage} ${x.request.method} ${new URL(x.request.url).pathname} ${x.response.status}`, c, evidenceAt(api, i)] as const),
    ),
  ),
);

describe('koa: recognise', () => {
  it.each(answers)('%s: a strong fingerprint, or the case says why there is none', (_, c, e) => {
    const strong = koa.recognise(e).filter((f) => f.weight === 'strong');
    if (strong.length === 0) expect(c.expected.why).toMatch(/\w/);
    else expect(strong.length).toBeGreaterThan(0);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the blocked answer shows exactly the expected fingerprints', (_, c) => {
    const api = apiOf(c.calls.at(-1)!);
    const prints = koa.recognise(evidenceAt(api, api.length - 1));
    expect(c.expected.stack).toBe('koa');
    expect(prints.map((f) => f.evidence)).toEqual(c.expected.evidence);
  });
});

describe('koa: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))('%s (%s): the fix contains what was applied', (_, __, c) => {
    expect(koa.fix(contextOf(c))).toContain(c.fix.applied);
  });

  it('method-not-allowed names the list as sent plus the method', () => {
    const c = fixture.cases.find((x) => x.name === 'koa-methods-get-post')!;
    expect(koa.fix(contextOf(c))).toBe(
      "@koa/cors was given allowMethods without DELETE: allowMethods: ['GET', 'POST', 'DELETE'] (or leave allowMethods out: the default is GET,HEAD,PUT,POST,DELETE,PATCH)",
    );
  });

  it('auth-before-cors is about order, not headers', () => {
    const c = fixture.cases.find((x) => x.name === 'koa-auth-before-cors')!;
    expect(koa.fix(contextOf(c))).toBe(
      "Koa runs middleware in app.use() order, and a preflight never carries cookies, tokens or API keys, so the check answered it 401 before cors() ran: register app.use(cors({ origin: 'http://localhost:5173' })) before your authentication middleware; cors() then answers the preflight itself (204) and keeps its headers on the 401s thrown after it",
    );
  });

  it('a non-2xx preflight with CORS headers has no Koa-specific fix (@koa/cors answers preflights 204 itself)', () => {
    const c = fixture.cases.find((x) => x.name === 'koa-router-cors')!;
    expect(koa.fix({ ...contextOf(c), code: 'preflight-status' })).toBeUndefined();
  });
});

describe('koa: other stacks are not Koa', () => {
  const other = (headers: HeaderLine[], status = 200, text?: string, stage: 'preflight' | 'request' = 'request'): StackEvidence => ({
    stage,
    status,
    headers,
    ...(text !== undefined ? { body: { text, type: 'text/plain', bytes: text.length, truncated: false } } : {}),
    related: [],
    identity: [],
  });
  it.each([
    ['nginx 404', other([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + cors preflight', other([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Vary', 'Access-Control-Request-Headers'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Express automatic OPTIONS', other([['X-Powered-By', 'Express'], ['Allow', 'GET, HEAD'], ['Content-Type', 'text/html; charset=utf-8']], 200, 'GET, HEAD', 'preflight')],
    ['Express redirect', other([['X-Powered-By', 'Express'], ['Location', '/api/items'], ['Content-Type', 'text/plain; charset=utf-8']], 301, 'Moved Permanently. Redirecting to /api/items')],
    ['hono/cors before QUERY (lower-case names)', other([['access-control-allow-methods', 'GET,HEAD,PUT,POST,DELETE,PATCH'], ['access-control-allow-origin', '*']], 204, '', 'preflight')],
    ['hapi preflight', other([['access-control-allow-origin', 'http://localhost:5173'], ['access-control-allow-methods', 'PUT'], ['access-control-allow-headers', 'Accept,Authorization,Content-Type,If-None-Match'], ['cache-control', 'no-cache']], 200, '', 'preflight')],
    ['Flask automatic OPTIONS', other([['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'OPTIONS, HEAD, GET'], ['Content-Length', '0']], 200, '', 'preflight')],
    ['Go net/http 404', other([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ])('%s: no strong fingerprint', (_, e) => {
    expect(koa.recognise(e).filter((f) => f.weight === 'strong')).toEqual([]);
  });
});
