/**
 * The NestJS profile against what real NestJS 12 on Express 5 (enableCors, the cors package)
 * answered Chromium (test/fixtures/servers/nestjs.json, recorded by `node test/servers/record.mjs nestjs`).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { nestjs } from '../../../src/diagnose/stacks/nestjs.js';
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

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/servers/nestjs.json', import.meta.url), 'utf8')) as { page: string; cases: Case[] };

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

describe('nestjs: recognise', () => {
  it.each(answers)('%s: a strong fingerprint, or the case says why there is none', (_, c, e) => {
    const strong = nestjs.recognise(e).filter((f) => f.weight === 'strong');
    if (strong.length === 0) expect(c.expected.why).toMatch(/\w/);
    else expect(strong.length).toBeGreaterThan(0);
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the blocked answer shows exactly the expected fingerprints', (_, c) => {
    const api = apiOf(c.calls.at(-1)!);
    const prints = nestjs.recognise(evidenceAt(api, api.length - 1));
    expect(c.expected.stack).toBe('nestjs');
    expect(prints.map((f) => f.evidence)).toEqual(c.expected.evidence);
  });
});

describe('nestjs: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))('%s (%s): the fix contains what was applied', (_, __, c) => {
    expect(nestjs.fix(contextOf(c))).toContain(c.fix.applied);
  });

  it('auth-before-cors is about order in main.ts, not headers', () => {
    const c = fixture.cases.find((x) => x.name === 'nestjs-auth-before-cors')!;
    expect(nestjs.fix(contextOf(c))).toBe(
      "Middleware registered with app.use() answered the preflight 401 (a preflight never carries keys or cookies) before CORS ran; Nest's guards run after enableCors()'s middleware and never see preflights. Fix: call app.enableCors({ origin: 'http://localhost:5173' }) first, before app.use() and app.useBodyParser(): Express runs middleware in registration order, and the cors option of NestFactory.create() is applied only in init() (at listen()), after everything main.ts registered",
    );
  });

  it('route-overrides quotes the value the handler set', () => {
    const c = fixture.cases.find((x) => x.name === 'nestjs-route-header')!;
    expect(nestjs.fix(contextOf(c))).toBe(
      "The /api/items/feed/public handler sets Access-Control-Allow-Origin itself over what enableCors() sent: remove @Header('Access-Control-Allow-Origin', '*') from it (or its res.header(...)) and let enableCors() answer",
    );
  });

  it('a guard\'s ForbiddenException body names Nest', () => {
    const e = { stage: 'request' as const, status: 403, headers: [['X-Powered-By', 'Express']] as HeaderLine[], body: { text: '{"message":"Forbidden resource","error":"Forbidden","statusCode":403}', type: 'application/json; charset=utf-8', bytes: 69, truncated: false }, related: [], identity: [] };
    expect(nestjs.recognise(e).filter((f) => f.weight === 'strong').map((f) => f.evidence)).toEqual([
      '403 {"message":"Forbidden resource","error":"Forbidden","statusCode":403} is a NestJS guard refusing (ForbiddenException)',
    ]);
  });
});

describe('nestjs: other stacks are not NestJS', () => {
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
    ['Express 404 page', other([['X-Powered-By', 'Express'], ['Content-Security-Policy', "default-src 'none'"], ['Content-Type', 'text/html; charset=utf-8']], 404, '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /api/items</pre>\n</body>\n</html>\n')],
    ['Fastify 404 (statusCode last, but Fastify\'s message)', other([['content-type', 'application/json; charset=utf-8']], 404, '{"message":"Route OPTIONS:/api/items not found","error":"Not Found","statusCode":404}')],
    ['Fastify 500 (statusCode first)', other([['content-type', 'application/json; charset=utf-8']], 500, '{"statusCode":500,"error":"Internal Server Error","message":"boom"}')],
    ['hapi 404', other([['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-cache']], 404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')],
    ['an app\'s own { statusCode, message } 401', other([['Content-Type', 'application/json']], 401, '{"statusCode":401,"message":"missing token"}')],
    ['Go net/http 404', other([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ])('%s: no strong fingerprint', (_, e) => {
    expect(nestjs.recognise(e).filter((f) => f.weight === 'strong')).toEqual([]);
  });
});
