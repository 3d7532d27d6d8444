/**
 * The Django profile against what real Django 3.2 + django-cors-headers 3.14 (runserver, DEBUG)
 * answered Chromium (test/fixtures/servers/django.json, recorded by test/servers/record.mjs django).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { django } from '../../../src/diagnose/stacks/django.js';
import { answersInRuns, apiAnswers, caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, loadFixture, observation, otherAnswer, strongOf } from '../../support/stack-cases.js';

const fixture = loadFixture('django');
const answers = answersInRuns(fixture.cases).map(([name, , x]) => [name, observation(x)] as const);

const SERVER = "Server: WSGIServer/0.2 CPython/3.11.2 is wsgiref's server, which Django's runserver uses";
const SECURITY = "X-Frame-Options: DENY, X-Content-Type-Options: nosniff and Referrer-Policy: same-origin are Django's default middleware headers";
const HEADERS = "Access-Control-Allow-Headers accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with is django-cors-headers' default CORS_ALLOW_HEADERS";
const METHODS = "Access-Control-Allow-Methods DELETE, GET, OPTIONS, PATCH, POST, PUT is django-cors-headers' default CORS_ALLOW_METHODS";
const MAX_AGE = "Access-Control-Max-Age 86400 is django-cors-headers' default CORS_PREFLIGHT_MAX_AGE";
const PREFLIGHT = "an empty 200 with Vary: Origin is django-cors-headers' own preflight answer";

describe('django: recognise', () => {
  it.each(answers)('%s names Django by a strong fingerprint', (_, o) => {
    expect(strongOf(django, evidenceOf(o)).length).toBeGreaterThan(0);
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
    const api = apiAnswers(caseNamed(fixture, name).calls.at(-1)!);
    expect(django.recognise(evidenceOf(observation(api[index]!))).map((f) => f.evidence)).toEqual(evidence);
  });

  it('behind a proxy (no runserver Server line) the default header list still names Django; the bare preflight shape only weakly', () => {
    const c = caseNamed(fixture, 'django-headers-default');
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
  itFixesEveryCase(django, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('method-not-allowed against the default list adds to default_methods', () => {
    const c = caseNamed(fixture, 'django-methods');
    expect(django.fix({ ...contextFor(c), method: 'PROPFIND', missingMethods: ['PROPFIND'], allowedMethods: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'] })).toBe(
      'CORS_ALLOW_METHODS defaults to DELETE, GET, OPTIONS, PATCH, POST, PUT: from corsheaders.defaults import default_methods\nCORS_ALLOW_METHODS = list(default_methods) + ["PROPFIND"]',
    );
  });

  it('a redirect that is not APPEND_SLASH nor https falls back to the generic fix', () => {
    const c = caseNamed(fixture, 'django-cors-last-redirect');
    expect(django.fix({ ...contextFor(c), location: 'http://localhost:8081/v2/items/' })).toBeUndefined();
  });
});

describe('django: other stacks are not Django', () => {
  const other = (headers: HeaderLine[], status?: number, text?: string, stage?: 'preflight' | 'request') => otherAnswer(headers, status, text, stage, 'text/html');
  itFindsNoStrongFingerprint(django, [
    ['nginx 404', other([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + helmet', other([['X-Powered-By', 'Express'], ['X-Frame-Options', 'SAMEORIGIN'], ['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'no-referrer']])],
    ['Spring Security', other([['X-Frame-Options', 'DENY'], ['X-Content-Type-Options', 'nosniff'], ['Vary', 'Origin']], 403)],
    ['Flask automatic OPTIONS', other([['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'GET, OPTIONS'], ['Content-Length', '0']], 200, '', 'preflight')],
    ['Starlette preflight', other([['server', 'uvicorn'], ['vary', 'Origin'], ['access-control-allow-headers', 'Accept, Accept-Language, Content-Language, Content-Type'], ['access-control-max-age', '600'], ['content-length', '2']], 200, 'OK', 'preflight')],
    ['rs/cors preflight (Go)', other([['Vary', 'Origin'], ['Vary', 'Access-Control-Request-Method'], ['Access-Control-Allow-Origin', 'http://localhost:5173']], 204, undefined, 'preflight')],
    ['Rails', other([['X-Frame-Options', 'SAMEORIGIN'], ['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'strict-origin-when-cross-origin'], ['X-Runtime', '0.01']])],
  ]);
});
