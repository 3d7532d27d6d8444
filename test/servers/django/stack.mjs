/**
 * Django 3.2 + django-cors-headers 3.14 (Debian 12 packages python3-django,
 * python3-django-cors-headers), served by `manage.py runserver --noreload` with DEBUG on. The app
 * is the single file app.py; each scenario is a settings class. Misconfigurations are the ones
 * reported on adamchainz/django-cors-headers (issues 267, 512, 863, the README's middleware note)
 * and Django's own APPEND_SLASH / login_required behaviour.
 *
 * Not recordable: CORS_ALLOWED_ORIGINS = ["http://localhost:5173/"] (a trailing slash) is refused
 * at startup by the system check corsheaders.E014 ("... should not have path"): runserver exits
 * before it listens, so that mistake never reaches the wire with this version.
 */
import { spawnSync } from 'node:child_process';

export const stack = 'django';
const PY = '/usr/bin/python3';

export async function describe() {
  const r = spawnSync(PY, ['-c', 'import sys, django, importlib.metadata as m; print(f"Django {django.get_version()}, django-cors-headers {m.version(\'django-cors-headers\')}, runserver (wsgiref), Python {sys.version.split()[0]} (Debian 12)")'], { encoding: 'utf8' });
  return r.stdout.trim();
}

export function command(scenario, port) {
  return { cmd: PY, args: ['app.py', scenario, String(port)], env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' } };
}

const json = [['Content-Type', 'application/json']];
// Substrings of the diagnosis' evidence (the recognised fingerprints, see src/diagnose/stacks/django.ts).
const server = "Server: WSGIServer/0.2 CPython/3.11.2 is wsgiref's server, which Django's runserver uses";
const security = "X-Frame-Options: DENY, X-Content-Type-Options: nosniff and Referrer-Policy: same-origin are Django's default middleware headers";
const securityOnly = "X-Content-Type-Options: nosniff with Referrer-Policy: same-origin are Django's SecurityMiddleware defaults";
const defaultHeaders = "Access-Control-Allow-Headers accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with is django-cors-headers' default CORS_ALLOW_HEADERS";
const corsFirst = 'put "corsheaders.middleware.CorsMiddleware" first in MIDDLEWARE';

export const cases = [
  {
    name: 'django-no-cors',
    intent: 'no-cors',
    misconfig: 'django-cors-headers not installed (no "corsheaders" app, no CorsMiddleware)',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items/' }],
    fix: { scenario: 'fixed', applied: 'CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]' },
    expected: { stack: 'django', evidence: [server, security] },
  },
  {
    name: 'django-origin-127',
    intent: 'origin-not-allowed',
    misconfig: 'CORS_ALLOWED_ORIGINS = ["http://127.0.0.1:5173"] while the page is opened on http://localhost:5173',
    scenario: 'origin-127',
    calls: [
      { method: 'PUT', path: '/api/items/1/', headers: json, body: '{"name":"a"}', page: 'http://127.0.0.1:5173' },
      { method: 'PUT', path: '/api/items/1/', headers: json, body: '{"name":"a"}' },
    ],
    fix: { scenario: 'fixed', applied: 'CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]' },
    expected: { stack: 'django', evidence: [server, "an empty 200 with Vary: Origin is django-cors-headers' own preflight answer"] },
  },
  {
    name: 'django-credentials-colon',
    intent: 'credentials-not-allowed',
    misconfig: 'CORS_ALLOW_CREDENTIALS: True (a type annotation, not an assignment: the setting stays False)',
    scenario: 'credentials-colon',
    calls: [{ method: 'GET', path: '/api/me/', credentials: 'include' }],
    fix: { scenario: 'credentials-fixed', applied: 'CORS_ALLOW_CREDENTIALS = True' },
    expected: { stack: 'django', evidence: [server, security] },
  },
  {
    name: 'django-allow-all-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'CORS_ALLOW_ALL_ORIGINS = True without CORS_ALLOW_CREDENTIALS: django-cors-headers sends "*", and the page sends cookies',
    scenario: 'allow-all',
    calls: [{ method: 'GET', path: '/api/me/', credentials: 'include' }],
    fix: { scenario: 'credentials-fixed', applied: 'CORS_ALLOWED_ORIGINS = ["http://localhost:5173"]\nCORS_ALLOW_CREDENTIALS = True' },
    expected: { stack: 'django', evidence: [server, security] },
  },
  {
    name: 'django-headers-default',
    intent: 'header-not-allowed',
    misconfig: 'CORS_ALLOW_HEADERS left at its default (accept, accept-encoding, authorization, content-type, dnt, origin, user-agent, x-csrftoken, x-requested-with) and the page sends X-Api-Key',
    scenario: 'headers-default',
    calls: [{ method: 'GET', path: '/api/items/', headers: [['X-Api-Key', 'k3y']] }],
    fix: { scenario: 'headers-fixed', applied: 'CORS_ALLOW_HEADERS = list(default_headers) + ["x-api-key"]' },
    expected: { stack: 'django', evidence: [server, defaultHeaders] },
  },
  {
    name: 'django-methods',
    intent: 'method-not-allowed',
    misconfig: 'CORS_ALLOW_METHODS = ["GET", "OPTIONS", "POST"] and a DELETE from the page',
    scenario: 'methods',
    calls: [{ method: 'DELETE', path: '/api/items/1/' }],
    fix: { scenario: 'methods-fixed', applied: 'CORS_ALLOW_METHODS = ["GET", "OPTIONS", "POST", "DELETE"]' },
    expected: { stack: 'django', evidence: [server, defaultHeaders] },
  },
  {
    name: 'django-cors-last-redirect',
    intent: 'redirect-before-cors',
    misconfig: 'CorsMiddleware appended after CommonMiddleware; the page calls /api/items (no slash) and APPEND_SLASH answers 301 first',
    scenario: 'cors-last',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: corsFirst },
    expected: { stack: 'django', evidence: [server, securityOnly] },
  },
  {
    name: 'django-cors-last-post-500',
    intent: 'error-without-cors',
    misconfig: 'CorsMiddleware after CommonMiddleware; a form POST to /api/items (no slash) is APPEND_SLASH\'s RuntimeError, a DEBUG 500 page without CORS',
    scenario: 'cors-last',
    calls: [{ method: 'POST', path: '/api/items', headers: [['Content-Type', 'application/x-www-form-urlencoded']], body: 'name=c' }],
    fix: { scenario: 'fixed', applied: corsFirst },
    expected: { stack: 'django', evidence: [server, securityOnly, '500 "<title>RuntimeError at /api/items</title>" is Django\'s own error page (DEBUG or CSRF)'] },
  },
  {
    name: 'django-urls-regex',
    intent: 'preflight-unhandled',
    misconfig: 'CORS_URLS_REGEX = r"^/api/.*$" while the page also posts JSON to /auth/login/ (a @require_POST view: OPTIONS is 405)',
    scenario: 'urls-regex',
    calls: [
      { method: 'GET', path: '/api/items/' },
      { method: 'POST', path: '/auth/login/', headers: json, body: '{"user":"a","password":"b"}' },
    ],
    fix: { scenario: 'urls-regex-fixed', applied: '|^/auth/' },
    expected: { stack: 'django', evidence: [server, security] },
  },
  {
    name: 'django-auth-middleware',
    intent: 'auth-before-cors',
    misconfig: 'a token-checking middleware listed above CorsMiddleware (appended last) answers the preflight 401',
    scenario: 'auth-middleware',
    calls: [{ method: 'GET', path: '/api/items/', headers: [['Authorization', 'Token t0k3n']] }],
    fix: { scenario: 'auth-middleware-fixed', applied: corsFirst },
    expected: { stack: 'django', evidence: [server, security] },
  },
  {
    name: 'django-login-redirect',
    intent: 'redirect-to-login',
    misconfig: '@login_required on an API view with LOGIN_URL on another origin: the signed-out call is redirected to the login page',
    scenario: 'login-redirect',
    calls: [{ method: 'GET', path: '/api/me/', credentials: 'include' }],
    fix: { scenario: 'login-redirect-fixed', applied: 'return JsonResponse({"detail": "not signed in"}, status=401)' },
    expected: { stack: 'django', evidence: [server, security] },
  },
];
