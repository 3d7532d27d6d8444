/**
 * The Go profile against what real Go servers (net/http with rs/cors 1.7 or hand-written headers,
 * gin 1.8) answered real Chromium: test/fixtures/servers/go.json, recorded by
 * test/servers/record.mjs go.
 */
import { describe, expect, it } from 'vitest';
import { go } from '../../../src/diagnose/stacks/go.js';
import type { Observation, StackEvidence } from '../../../src/diagnose/types.js';
import type { RecordedCall } from '../../support/servers.js';
import { caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, itNamesEachAnswerOrSaysWhy, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, observation, prints as printsOf, type StackCase } from '../../support/stack-cases.js';

const fixture = loadFixture('go');
/** The fix writer's facts as these tests read them: without the blocked answer's Location. */
const context = (c: StackCase) => contextFor(c, { location: false });
const prints = (e: StackEvidence) => printsOf(go, e);

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

describe('go: recognise', () => {
  itNamesEachAnswerOrSaysWhy(go, fixture, NO_STRONG);

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
  itPrintsTheBlockedAnswers(go, fixture, blocked);

  it('names the actual answer after an rs/cors preflight by that preflight', () => {
    const c = caseNamed(fixture, 'go-rs-headers-default');
    const [pre, req] = (c.fix.calls[1] as RecordedCall).exchanges.map(observation);
    expect(prints(evidenceOf(req as Observation, [pre as Observation]))).toEqual([RS_PAIRED, ORDER]);
  });
});

describe('go: fix', () => {
  itFixesEveryCase(go, fixture, { context });

  itWritesTheWholeFix(go, fixture, [
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
  ], { context });

  it('keeps what a call needs beyond the defaults in one cors.Options', () => {
    const c = caseNamed(fixture, 'go-rs-headers-default');
    expect(go.fix({ ...context(c), code: 'no-cors', credentials: true })).toContain(
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
  itFindsNoStrongFingerprint(go, others);
});
