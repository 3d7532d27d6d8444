/**
 * The Go profile against what real Go servers (net/http with rs/cors 1.7 or hand-written headers,
 * gin 1.8) answered real Chromium: test/fixtures/servers/go.json, recorded by
 * test/servers/record.mjs go.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { go } from '../../../src/diagnose/stacks/go.js';
import type { DiagnosisCode, FixContext, Observation, StackEvidence } from '../../../src/diagnose/types.js';

interface Recorded {
  stage: 'preflight' | 'request';
  target: string;
  request: { method: string; url: string; headers: HeaderLine[] };
  response?: { status: number; headers: HeaderLine[] };
  body?: { base64: string; bytes: number; truncated: boolean };
}
interface Run {
  call: { credentials?: string };
  exchanges: Recorded[];
}
interface Case {
  name: string;
  intent: DiagnosisCode;
  calls: Run[];
  fix: { applied: string; calls: Run[] };
}

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/servers/go.json', import.meta.url)), 'utf8')) as { cases: Case[] };

function observation(e: Recorded): Observation {
  const type = e.response?.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    stage: e.stage,
    request: e.request,
    response: e.response ?? { status: 0, headers: [] },
    ...(e.body ? { body: { text: Buffer.from(e.body.base64, 'base64').toString('utf8'), type, bytes: e.body.bytes, truncated: e.body.truncated } } : {}),
  };
}

function evidenceOf(o: Observation, related: Observation[] = []): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: related.map((r) => r.response), identity: [] };
}

/** The server's answers of one run, each with what the diagnosis pairs it with: its preflight, or the redirect that led to it. */
function answersOf(run: Run): { e: Recorded; related: Recorded[] }[] {
  const api = run.exchanges.filter((e) => e.target === 'api' && e.response);
  return api.map((e, i) => {
    const prev = api[i - 1];
    const paired = prev && e.stage === 'request' && (prev.stage === 'preflight' || ((prev.response?.status ?? 0) >= 300 && (prev.response?.status ?? 0) < 400));
    return { e, related: paired ? [prev] : [] };
  });
}

/** The exchange Chrome blocked in the case's last call, judged with the credentials mode the page used. */
function failing(c: Case): { exchange: Observation; verdict: Verdict; preflight?: { observation: Observation; verdict: Verdict } } {
  const last = c.calls.at(-1) as Run;
  const credentials = last.call.credentials === 'include' ? 'include' : 'omit';
  const judged = (o: Observation) => judge({ ...o, context: { credentials } });
  const exchanges = last.exchanges.filter((e) => e.target === 'api' && e.response);
  const pre = exchanges.find((e) => e.stage === 'preflight');
  const req = exchanges.find((e) => e.stage === 'request');
  if (pre) {
    const preflight = observation(pre);
    const verdict = judged(preflight);
    if (verdict.verdict === 'blocked' || !req) return { exchange: preflight, verdict };
    const exchange = observation(req);
    return { exchange, verdict: judged(exchange), preflight: { observation: preflight, verdict } };
  }
  const exchange = observation(req as Recorded);
  return { exchange, verdict: judged(exchange) };
}

const contextFor = (c: Case): FixContext => fixContext(failing(c), { code: c.intent, evidence: [] });
const prints = (e: StackEvidence) => go.recognise(e).map((f) => `${f.weight} ${f.evidence}`);
const strong = (e: StackEvidence) => go.recognise(e).filter((f) => f.weight === 'strong');

const ORDER = "weak header lines sorted by name with Date and Content-Length after them, as net/http writes them";
const RS_PREFLIGHT = "strong Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines, in net/http's sorted order, is rs/cors' preflight answer";
const RS_REFUSED = 'weak 200 with those Vary lines and no Access-Control-* header is how rs/cors refuses a preflight (origin, method or headers not allowed)';
const RS_PAIRED = "strong Vary: Origin, Vary: Access-Control-Request-Method, Vary: Access-Control-Request-Headers as three lines on the paired preflight, in net/http's sorted order, are rs/cors'";

/**
 * Answers that name nothing by themselves. net/http sends no Server header, an rs/cors actual
 * answer carries only Vary: Origin, and CORS headers written by hand are just headers: a 2xx from
 * Go is recognised by its preflight, its errors and its redirects, or by `--stack go`.
 */
const PLAIN_200 = 'a 2xx from a net/http handler: no Server header, only the sorted header order';
const NO_STRONG: Readonly<Record<string, string>> = {
  'go-no-cors broken #0 request 200': PLAIN_200,
  'go-no-cors fixed #0 request 200': PLAIN_200,
  'go-rs-origin-127 broken #0 request 200': PLAIN_200,
  'go-rs-origin-127 fixed #0 request 200': PLAIN_200,
  'go-rs-wildcard-credentials broken #0 request 200': PLAIN_200,
  'go-rs-wildcard-credentials fixed #0 request 200': PLAIN_200,
  'go-rs-methods-default broken #0 request 200': PLAIN_200,
  'go-rs-methods-default fixed #0 request 200': PLAIN_200,
  'go-rs-headers-default broken #0 request 200': PLAIN_200,
  'go-rs-headers-default fixed #0 request 200': PLAIN_200,
  'go-rs-timeout-without-cors broken #0 request 503': "http.TimeoutHandler's 503 carries the app's own message (\"timeout\") with a sniffed Content-Type and no nosniff",
  'go-rs-timeout-without-cors fixed #0 request 503': "http.TimeoutHandler's 503 carries the app's own message (\"timeout\") with a sniffed Content-Type and no nosniff",
  'go-mux-redirect-slash fixed #0 request 200': PLAIN_200,
  'go-rs-plus-handler-add broken #0 request 200': PLAIN_200,
  'go-rs-plus-handler-add fixed #0 request 200': PLAIN_200,
  'go-hand-method-check fixed #0 preflight 204': 'a hand-written 204: CORS headers set by the handler, nothing of net/http but the order',
  'go-hand-method-check fixed #0 request 200': PLAIN_200,
  'go-gin-group-cors fixed #0 preflight 204': "gin's AbortWithStatus(204) from a hand-written middleware: no body, no mark",
  'go-gin-group-cors fixed #0 request 200': PLAIN_200,
  'go-hand-no-options-return fixed #0 preflight 204': 'a hand-written 204: CORS headers set by the middleware, nothing of net/http but the order',
  'go-hand-no-options-return fixed #0 request 200': PLAIN_200,
  'go-hand-origin-fixed broken #0 request 200': PLAIN_200,
  'go-hand-origin-fixed fixed #0 request 200': PLAIN_200,
  'go-hand-origin-slash broken #0 request 200': PLAIN_200,
  'go-hand-origin-slash fixed #0 request 200': PLAIN_200,
};

const answers = fixture.cases.flatMap((c) =>
  (
    [
      ['broken', c.calls],
      ['fixed', c.fix.calls],
    ] as const
  ).flatMap(([label, runs]) =>
    runs.flatMap((run, i) => answersOf(run).map(({ e, related }) => [`${c.name} ${label} #${i} ${e.stage} ${e.response?.status}`, e, related] as const)),
  ),
);

describe('go: recognise', () => {
  it.each(answers)('%s: a strong fingerprint, or the reason there is none', (key, e, related) => {
    const found = strong(evidenceOf(observation(e), related.map(observation)));
    if (key in NO_STRONG) expect(found).toEqual([]);
    else expect(found.length).toBeGreaterThan(0);
  });

  it('documents only answers that were recorded', () => {
    const keys: string[] = answers.map(([key]) => key);
    expect(Object.keys(NO_STRONG).filter((k) => !keys.includes(k))).toEqual([]);
  });

  // Every fingerprint of the answer Chrome blocked, as the diagnosis will quote them.
  const blocked: [string, string[]][] = [
    ['go-no-cors', [ORDER]],
    ['go-rs-origin-127', [RS_PREFLIGHT, RS_REFUSED, ORDER]],
    ['go-rs-wildcard-credentials', [ORDER]],
    ['go-rs-methods-default', [RS_PREFLIGHT, RS_REFUSED, ORDER]],
    ['go-rs-headers-default', [RS_PREFLIGHT, RS_REFUSED, ORDER]],
    ['go-rs-auth-before-cors', ['strong 401 "Unauthorized" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http\'s http.Error', ORDER]],
    ['go-rs-timeout-without-cors', [ORDER]],
    ['go-mux-redirect-slash', ['strong 301 body "<a href="/api/items/">Moved Permanently</a>." is net/http\'s http.Redirect', ORDER]],
    ['go-rs-plus-handler-add', [ORDER]],
    ['go-hand-method-check', ['strong 405 "method not allowed" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http\'s http.Error', ORDER]],
    ['go-gin-group-cors', ['strong 404 "404 page not found" (Content-Type: text/plain) is gin\'s default answer for an unrouted request', ORDER]],
    ['go-hand-no-options-return', ['strong 405 "method not allowed" (text/plain; charset=utf-8, X-Content-Type-Options: nosniff, one line) is net/http\'s http.Error', ORDER]],
    ['go-hand-origin-fixed', [ORDER]],
    ['go-hand-origin-slash', [ORDER]],
  ];
  it.each(blocked)('%s: the blocked answer', (name, expected) => {
    const c = fixture.cases.find((x) => x.name === name) as Case;
    const { exchange, preflight } = failing(c);
    expect(prints(evidenceOf(exchange, preflight ? [preflight.observation] : []))).toEqual(expected);
  });

  it('covers every recorded case', () => {
    expect(blocked.map(([n]) => n)).toEqual(fixture.cases.map((c) => c.name));
  });

  it('names the actual answer after an rs/cors preflight by that preflight', () => {
    const c = fixture.cases.find((x) => x.name === 'go-rs-headers-default') as Case;
    const [pre, req] = (c.fix.calls[1] as Run).exchanges.map(observation);
    expect(prints(evidenceOf(req as Observation, [pre as Observation]))).toEqual([RS_PAIRED, ORDER]);
  });
});

describe('go: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the fix for its intent holds what was applied', (_, c) => {
    expect(go.fix(contextFor(c))).toContain(c.fix.applied);
  });

  it.each([
    [
      'go-no-cors',
      'Nothing in this Go server sets CORS headers. Wrap the whole mux with rs/cors (github.com/rs/cors), which also answers preflights: handler := cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:5173"}}).Handler(mux), then http.ListenAndServe(addr, handler)',
    ],
    [
      'go-rs-methods-default',
      'rs/cors allows only GET, POST and HEAD unless AllowedMethods says otherwise, and refuses a preflight with a bare 200 (only Vary, no Access-Control-Allow-Origin), so Chrome blames the origin. A list replaces the default, so keep what you use: AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodDelete}',
    ],
    [
      'go-rs-auth-before-cors',
      'The authentication middleware wraps rs/cors, so it answers 401 to the preflight (which never carries Authorization or cookies) before rs/cors can: wrap it the other way round, c.Handler(auth(mux)) (auth being your authentication middleware), so rs/cors answers preflights itself and puts its headers on the 401. With gin, r.Use(cors) before the auth middleware',
    ],
    [
      'go-hand-no-options-return',
      'The CORS headers are set, but the OPTIONS then goes on to the handler, which answers 405. End the preflight in the CORS middleware, after setting the headers:\nif r.Method == http.MethodOptions {\n\tw.WriteHeader(http.StatusNoContent)\n\treturn\n}\n(gin: if c.Request.Method == "OPTIONS" { c.AbortWithStatus(204); return })',
    ],
  ])('%s: the whole fix', (name, expected) => {
    expect(go.fix(contextFor(fixture.cases.find((c) => c.name === name) as Case))).toBe(expected);
  });

  it('keeps what a call needs beyond the defaults in one cors.Options', () => {
    const c = fixture.cases.find((x) => x.name === 'go-rs-headers-default') as Case;
    expect(go.fix({ ...contextFor(c), code: 'no-cors', credentials: true })).toContain(
      'cors.New(cors.Options{AllowedOrigins: []string{"http://localhost:5173"}, AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodHead, http.MethodPut}, AllowedHeaders: []string{"Accept", "Content-Type", "X-Requested-With", "Authorization"}, AllowCredentials: true}).Handler(mux)',
    );
  });
});

describe('go: answers of other stacks', () => {
  const others: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'request', status: 404, headers: [['Server', 'nginx/1.22.1'], ['Date', 'Thu, 03 Dec 2026 08:00:00 GMT'], ['Content-Type', 'text/html'], ['Content-Length', '153']], body: { text: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n', type: 'text/html', bytes: 153, truncated: false }, related: [], identity: [] }],
    ['Express 404', { stage: 'request', status: 404, headers: [['X-Powered-By', 'Express'], ['Content-Security-Policy', "default-src 'none'"], ['X-Content-Type-Options', 'nosniff'], ['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', '148'], ['Date', 'Thu, 03 Dec 2026 08:00:00 GMT'], ['Connection', 'keep-alive']], body: { text: '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /api/items</pre>\n</body>\n</html>\n', type: 'text/html; charset=utf-8', bytes: 148, truncated: false }, related: [], identity: [] }],
    ['uvicorn 400', { stage: 'preflight', status: 400, headers: [['date', 'Thu, 03 Dec 2026 08:00:00 GMT'], ['server', 'uvicorn'], ['content-type', 'text/plain; charset=utf-8'], ['content-length', '22']], body: { text: 'Disallowed CORS origin', type: 'text/plain; charset=utf-8', bytes: 22, truncated: false }, related: [], identity: [] }],
    ['Django 404', { stage: 'request', status: 404, headers: [['Date', 'Thu, 03 Dec 2026 08:00:00 GMT'], ['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['Content-Type', 'text/html; charset=utf-8'], ['X-Frame-Options', 'DENY'], ['Content-Length', '179'], ['X-Content-Type-Options', 'nosniff']], body: { text: '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n', type: 'text/html; charset=utf-8', bytes: 179, truncated: false }, related: [], identity: [] }],
    // Spring's DefaultCorsProcessor adds the same three Vary lines, first, on every answer (Tomcat).
    ['Spring 403', { stage: 'preflight', status: 403, headers: [['Vary', 'Origin'], ['Vary', 'Access-Control-Request-Method'], ['Vary', 'Access-Control-Request-Headers'], ['Transfer-Encoding', 'chunked'], ['Date', 'Thu, 03 Dec 2026 08:00:00 GMT']], body: { text: 'Invalid CORS request', type: null, bytes: 20, truncated: false }, related: [], identity: [] }],
    ['Rack::Cors refused preflight', { stage: 'preflight', status: 200, headers: [['Connection', 'close'], ['Transfer-Encoding', 'chunked']], body: { text: '', type: null, bytes: 0, truncated: false }, related: [], identity: [] }],
  ];
  it.each(others)('%s: no strong fingerprint', (_, e) => {
    expect(strong(e)).toEqual([]);
  });
});
