/**
 * The Django profile against what real Django 3.2 + django-cors-headers 3.14 (runserver, DEBUG)
 * answered Chromium (test/fixtures/servers/django.json, recorded by test/servers/record.mjs django).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { django } from '../../../src/diagnose/stacks/django.js';
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
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/servers/django.json', import.meta.url), 'utf8')) as { page: string; cases: Case[] };

function observation(x: Exchange): Observation {
  const type = x.response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  const body = x.body ? { text: Buffer.from(x.body.base64, 'base64').toString('utf8'), type, bytes: x.body.bytes, truncated: x.body.truncated } : undefined;
  return { stage: x.stage, request: x.request, response: x.response, ...(body ? { body } : {}) };
}

function evidenceOf(o: Observation): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: [], identity: [] };
}

/** The answer Chrome refused (the last one from the server) and the fix context the diagnosis builds for it. */
function contextOf(c: Case): FixContext {
  const last = c.calls.at(-1)!;
  const api = last.exchanges.filter((x) => x.target === 'api').map(observation);
  const exchange = api.at(-1)!;
  const preflight = exchange.stage === 'request' ? api.find((o) => o.stage === 'preflight') : undefined;
  const context = { initiator: 'fetch' as const, credentials: last.call.credentials === 'include' ? ('include' as const) : ('omit' as const), pageOrigin: last.call.page ?? fixture.page };
  const verdict = judge({ stage: exchange.stage, request: exchange.request, response: exchange.response, context });
  const location = exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  const input = { exchange, verdict, ...(preflight ? { preflight: { observation: preflight, verdict: judge({ stage: 'preflight', request: preflight.request, response: preflight.response, context }) } } : {}) };
  return fixContext(input, { code: c.intent, evidence: [], ...(location ? { location: new URL(location, exchange.request.url).href } : {}) });
}

const answers = fixture.cases.flatMap((c) =>
  (['broken', 'fixed'] as const).flatMap((run) =>
    (run === 'broken' ? c.calls : c.fix.calls).flatMap((call) =>
      call.exchanges
        .filter((x) => x.target === 'api')
        .map((x) => [`${c.name} ${run} ${x.stage} ${x.request.method} ${new URL(x.request.url).pathname} ${x.response.status}`, observation(x)] as const),
    ),
  ),
);

const SERVER = "Server: WSGIServer/0.2 CPython/3.11.2 is wsgiref's server, which Django's runserver uses";
const SECURITY = "X-Frame-Options: DENY, X-Content-Type-Options: nosniff and Referrer-Policy: same-origin are Django's default middleware headers";
const HEADERS = "Access-Control-Allow-Headers accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with is django-cors-headers' default CORS_ALLOW_HEADERS";
const METHODS = "Access-Control-Allow-Methods DELETE, GET, OPTIONS, PATCH, POST, PUT is django-cors-headers' default CORS_ALLOW_METHODS";
const MAX_AGE = "Access-Control-Max-Age 86400 is django-cors-headers' default CORS_PREFLIGHT_MAX_AGE";
const PREFLIGHT = "an empty 200 with Vary: Origin is django-cors-headers' own preflight answer";

describe('django: recognise', () => {
  it.each(answers)('%s names Django by a strong fingerprint', (_, o) => {
    expect(django.recognise(evidenceOf(o)).filter((f) => f.weight === 'strong').length).toBeGreaterThan(0);
  });

  it.each([
    ['django-no-cors', 0, [SERVER, SECURITY]],
    ['django-origin-127', 0, [SERVER, PREFLIGHT]],
    ['django-headers-default', 0, [SERVER, HEADERS, METHODS, MAX_AGE, PREFLIGHT]],
    ['django-methods', 0, [SERVER, HEADERS, MAX_AGE, PREFLIGHT]],
    ['django-cors-last-redirect', 0, [SERVER, "X-Content-Type-Options: nosniff with Referrer-Policy: same-origin are Django's SecurityMiddleware defaults"]],
    ['django-cors-last-post-500', 0, [SERVER, "X-Content-Type-Options: nosniff with Referrer-Policy: same-origin are Django's SecurityMiddleware defaults", '500 "<title>RuntimeError at /api/items</title>" is Django\'s own error page (DEBUG or CSRF)']],
    ['django-urls-regex', 0, [SERVER, SECURITY]],
  ] as const)("%s, the blocked call's answer %i: exact evidence", (name, index, evidence) => {
    const c = fixture.cases.find((x) => x.name === name)!;
    const api = c.calls.at(-1)!.exchanges.filter((x) => x.target === 'api');
    expect(django.recognise(evidenceOf(observation(api[index]!))).map((f) => f.evidence)).toEqual(evidence);
  });

  it('behind a proxy (no runserver Server line) the default header list still names Django; the bare preflight shape only weakly', () => {
    const c = fixture.cases.find((x) => x.name === 'django-headers-default')!;
    const o = observation(c.calls[0]!.exchanges[0]!);
    const headers = o.response.headers.filter(([n]) => n.toLowerCase() !== 'server');
    expect(django.recognise({ ...evidenceOf(o), headers })).toEqual([
      { evidence: HEADERS, weight: 'strong' },
      { evidence: METHODS, weight: 'weak' },
      { evidence: MAX_AGE, weight: 'weak' },
      { evidence: PREFLIGHT, weight: 'weak' },
    ]);
  });
});

describe('django: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))('%s (%s): the fix contains what was applied', (_, __, c) => {
    expect(django.fix(contextOf(c))).toContain(c.fix.applied);
  });

  it('method-not-allowed against the default list adds to default_methods', () => {
    const c = fixture.cases.find((x) => x.name === 'django-methods')!;
    expect(django.fix({ ...contextOf(c), method: 'PROPFIND', missingMethods: ['PROPFIND'], allowedMethods: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'] })).toBe(
      'CORS_ALLOW_METHODS defaults to DELETE, GET, OPTIONS, PATCH, POST, PUT: from corsheaders.defaults import default_methods\nCORS_ALLOW_METHODS = list(default_methods) + ["PROPFIND"]',
    );
  });

  it('a redirect that is not APPEND_SLASH nor https falls back to the generic fix', () => {
    const c = fixture.cases.find((x) => x.name === 'django-cors-last-redirect')!;
    expect(django.fix({ ...contextOf(c), location: 'http://localhost:8081/v2/items/' })).toBeUndefined();
  });
});

describe('django: other stacks are not Django', () => {
  const other = (headers: HeaderLine[], status = 200, text?: string, stage: 'preflight' | 'request' = 'request'): StackEvidence => ({
    stage,
    status,
    headers,
    ...(text !== undefined ? { body: { text, type: 'text/html', bytes: text.length, truncated: false } } : {}),
    related: [],
    identity: [],
  });
  it.each([
    ['nginx 404', other([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + helmet', other([['X-Powered-By', 'Express'], ['X-Frame-Options', 'SAMEORIGIN'], ['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'no-referrer']])],
    ['Spring Security', other([['X-Frame-Options', 'DENY'], ['X-Content-Type-Options', 'nosniff'], ['Vary', 'Origin']], 403)],
    ['Flask automatic OPTIONS', other([['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'GET, OPTIONS'], ['Content-Length', '0']], 200, '', 'preflight')],
    ['Starlette preflight', other([['server', 'uvicorn'], ['vary', 'Origin'], ['access-control-allow-headers', 'Accept, Accept-Language, Content-Language, Content-Type'], ['access-control-max-age', '600'], ['content-length', '2']], 200, 'OK', 'preflight')],
    ['rs/cors preflight (Go)', other([['Vary', 'Origin'], ['Vary', 'Access-Control-Request-Method'], ['Access-Control-Allow-Origin', 'http://localhost:5173']], 204, undefined, 'preflight')],
    ['Rails', other([['X-Frame-Options', 'SAMEORIGIN'], ['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'strict-origin-when-cross-origin'], ['X-Runtime', '0.01']])],
  ])('%s: no strong fingerprint', (_, e) => {
    expect(django.recognise(e).filter((f) => f.weight === 'strong')).toEqual([]);
  });
});
