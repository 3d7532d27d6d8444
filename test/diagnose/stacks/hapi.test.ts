/**
 * The hapi profile against what real hapi 21.4 and its route cors answered Chromium
 * (test/fixtures/servers/hapi.json, recorded by `node test/servers/record.mjs hapi`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { hapi } from '../../../src/diagnose/stacks/hapi.js';
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

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/servers/hapi.json', import.meta.url), 'utf8')) as { page: string; cases: Case[] };

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

describe('hapi: recognise', () => {
  it.each(answers)('%s: a strong fingerprint, or the case says why there is none', (_, c, e) => {
    const strong = hapi.recognise(e).filter((f) => f.weight === 'strong');
    if (strong.length === 0) expect(c.expected.why).toMatch(/\w/);
    else expect(strong.length).toBeGreaterThan(0);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the blocked answer shows exactly the expected fingerprints', (_, c) => {
    const api = apiOf(c.calls.at(-1)!);
    const prints = hapi.recognise(evidenceAt(api, api.length - 1));
    expect(c.expected.stack).toBe('hapi');
    expect(prints.map((f) => f.evidence)).toEqual(c.expected.evidence);
  });
});

describe('hapi: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))('%s (%s): the fix contains what was applied', (_, __, c) => {
    expect(hapi.fix(contextOf(c))).toContain(c.fix.applied);
  });

  it('header-not-allowed adds only what hapi\'s default cors.headers lacks', () => {
    const c = fixture.cases.find((x) => x.name === 'hapi-default-headers')!;
    expect(hapi.fix({ ...contextOf(c), requestHeaders: ['content-type', 'x-requested-with'], missingHeaders: [] })).toBe(
      "hapi allows only cors.headers (default Accept, Authorization, Content-Type, If-None-Match) and answers any other requested header with 200 {\"message\":\"CORS error: Some headers are not allowed\"}: keep the defaults and add yours: additionalHeaders: ['X-Requested-With'], e.g. routes: { cors: { origin: ['http://localhost:5173'], additionalHeaders: ['X-Requested-With'] } }",
    );
  });

  it('auth-before-cors is about order: the check moves off onRequest (and its header joins the list)', () => {
    const c = fixture.cases.find((x) => x.name === 'hapi-onrequest-auth')!;
    expect(hapi.fix(contextOf(c))).toBe(
      "A server extension answered the preflight 401 (a preflight never carries keys or cookies): move the check from server.ext('onRequest', ...) to server.ext('onPreAuth', ...), and add additionalHeaders: ['X-Api-Key'] (or make it an auth strategy): hapi's CORS preflight route skips onPreAuth and authentication, while onRequest runs for every request before the route is looked up",
    );
  });

  it('a header hapi allows by default needs no additionalHeaders', () => {
    const c = fixture.cases.find((x) => x.name === 'hapi-onrequest-auth')!;
    expect(hapi.fix({ ...contextOf(c), requestHeaders: ['authorization'] })).not.toContain('additionalHeaders');
  });

  it('header-not-allowed for headers hapi allows by default has no hapi fix', () => {
    const c = fixture.cases.find((x) => x.name === 'hapi-default-headers')!;
    expect(hapi.fix({ ...contextOf(c), requestHeaders: ['content-type'], missingHeaders: ['content-type'] })).toBeUndefined();
  });

  it('method-not-allowed has no hapi fix: its preflight route echoes the method asked for', () => {
    const c = fixture.cases.find((x) => x.name === 'hapi-per-route')!;
    expect(hapi.fix({ ...contextOf(c), code: 'method-not-allowed' })).toBeUndefined();
  });
});

describe('hapi: other stacks are not hapi', () => {
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
    ['Express + cors preflight', other([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Access-Control-Allow-Headers', 'Accept,Authorization'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Fastify 404 (statusCode first, its own message)', other([['content-type', 'application/json; charset=utf-8']], 404, '{"message":"Route OPTIONS:/api/items not found","error":"Not Found","statusCode":404}')],
    ['Fastify 500', other([['content-type', 'application/json; charset=utf-8']], 500, '{"statusCode":500,"error":"Internal Server Error","message":"boom"}')],
    ['NestJS 404', other([['X-Powered-By', 'Express'], ['Content-Type', 'application/json; charset=utf-8']], 404, '{"message":"Cannot OPTIONS /api/items/1","error":"Not Found","statusCode":404}')],
    ['Hono preflight', other([['access-control-allow-headers', 'content-type'], ['access-control-allow-methods', 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY'], ['access-control-allow-origin', 'http://localhost:5173'], ['vary', 'Origin, Access-Control-Request-Headers']], 204, '', 'preflight')],
    ['a body that is a different CORS refusal', other([['Content-Type', 'text/plain']], 400, 'Disallowed CORS origin')],
    ['Go net/http 404', other([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ])('%s: no strong fingerprint', (_, e) => {
    expect(hapi.recognise(e).filter((f) => f.weight === 'strong')).toEqual([]);
  });
});
