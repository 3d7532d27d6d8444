/**
 * aiohttp with aiohttp-cors, misconfigured the ways people report (aio-libs/aiohttp-cors#129 on
 * allow_headers, #155 and #241 on the cors.add() loop, #172 on answers it never touches;
 * foglamp/FogLAMP#645 on an auth middleware refusing the preflight).
 * Needs Debian 12's python3-aiohttp and python3-aiohttp-cors; runs /usr/bin/python3 app.py <scenario> <port>.
 */
import { spawnSync } from 'node:child_process';

export const stack = 'aiohttp';

export async function describe() {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, aiohttp, aiohttp_cors; print(f"aiohttp {aiohttp.__version__}, aiohttp-cors {aiohttp_cors.__version__}, Python {sys.version.split()[0]} (Debian 12)")'], { encoding: 'utf8' });
  return r.stdout.trim();
}

export function command(scenario, port) {
  // A fixed hash seed: aiohttp-cors joins the allowed headers from a frozenset, whose order follows it.
  return { cmd: '/usr/bin/python3', args: ['app.py', scenario, String(port)], env: { PYTHONHASHSEED: '0' } };
}

const json = [['Content-Type', 'application/json']];
const PUT = { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"lamp","price":12.5}' };
const server = 'Server: Python/3.11 aiohttp/3.8.4';

export const cases = [
  {
    name: 'aiohttp-no-cors',
    intent: 'no-cors',
    misconfig: 'no aiohttp_cors.setup() at all',
    scenario: 'none',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'basic', applied: 'aiohttp_cors.setup(app, defaults={"http://localhost:5173": aiohttp_cors.ResourceOptions()})' },
    expected: { stack: 'aiohttp', evidence: [server] },
  },
  {
    // A simple GET from a refused origin gets no CORS header at all: only the earlier echo to
    // http://127.0.0.1:5173 tells a CORS layer is there.
    name: 'aiohttp-origin-127',
    intent: 'origin-not-allowed',
    misconfig: 'defaults={"http://127.0.0.1:5173": aiohttp_cors.ResourceOptions()} while the page is opened on http://localhost:5173',
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', page: 'http://127.0.0.1:5173' },
      { method: 'GET', path: '/api/items' },
    ],
    fix: { scenario: 'origin-127-fixed', applied: '"http://localhost:5173": aiohttp_cors.ResourceOptions()' },
    expected: { stack: 'aiohttp', evidence: [server] },
  },
  {
    // aiohttp-cors compares origins as strings (its "TODO: check that all origins are properly
    // formatted"); its 403 quotes the page's origin, never the configured one, so the slash is not on the wire.
    name: 'aiohttp-origin-trailing-slash',
    intent: 'origin-not-allowed',
    misconfig: 'defaults={"http://localhost:5173/": aiohttp_cors.ResourceOptions(allow_headers=("Content-Type",))} (a trailing slash)',
    scenario: 'origin-slash',
    calls: [PUT],
    fix: { scenario: 'origin-slash-fixed', applied: '"http://localhost:5173": aiohttp_cors.ResourceOptions(allow_headers=("Content-Type",))' },
    expected: { stack: 'aiohttp', evidence: [server, "CORS preflight request failed: origin 'http://localhost:5173' is not allowed"] },
  },
  {
    // The 500 before it carries the CORS headers: aiohttp prepares its own error answer through the
    // same on_response_prepare signal aiohttp-cors hooks.
    name: 'aiohttp-credentials-missing',
    intent: 'credentials-not-allowed',
    misconfig: 'aiohttp_cors.ResourceOptions() (allow_credentials defaults to False) and the page sends its session cookie',
    scenario: 'credentials-missing',
    calls: [
      { method: 'GET', path: '/api/report' },
      { method: 'GET', path: '/api/me', credentials: 'include' },
    ],
    fix: { scenario: 'credentials-fixed', applied: 'allow_credentials=True' },
    expected: { stack: 'aiohttp', evidence: [server] },
  },
  {
    name: 'aiohttp-default-headers',
    intent: 'header-not-allowed',
    misconfig: 'aiohttp_cors.ResourceOptions() (allow_headers defaults to (): not even Content-Type)',
    scenario: 'default-headers',
    calls: [PUT],
    fix: { scenario: 'default-headers-fixed', applied: 'allow_headers=("Content-Type",)' },
    expected: { stack: 'aiohttp', evidence: [server, 'CORS preflight request failed: headers are not allowed: CONTENT-TYPE'] },
  },
  {
    name: 'aiohttp-method-not-added',
    intent: 'method-not-allowed',
    misconfig: 'cors.add(resource) and cors.add() on its GET route, but resource.add_route("PUT", ...) without cors.add(); allow_methods defaults to None (only cors.add()ed routes)',
    scenario: 'method-not-added',
    calls: [PUT],
    fix: { scenario: 'method-not-added-fixed', applied: 'allow_methods=["PUT"]' },
    expected: { stack: 'aiohttp', evidence: [server, "CORS preflight request failed: request method 'PUT' is not allowed for 'http://localhost:5173' origin"] },
  },
  {
    name: 'aiohttp-route-after-cors',
    intent: 'preflight-unhandled',
    misconfig: 'the `for route in list(app.router.routes()): cors.add(route)` loop runs before app.router.add_put("/api/orders/{id}", ...): that resource has no OPTIONS route',
    scenario: 'route-after-cors',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'PUT', path: '/api/orders/7', headers: json, body: '{"status":"paid"}' },
    ],
    fix: { scenario: 'route-after-cors-fixed', applied: 'call cors.add(route) for every route after the last app.router.add_*()' },
    expected: { stack: 'aiohttp', evidence: [server, '405: Method Not Allowed'] },
  },
  {
    name: 'aiohttp-auth-middleware',
    intent: 'auth-before-cors',
    misconfig: 'a @web.middleware that raises web.HTTPUnauthorized() without a bearer token, also on the preflight (aiohttp-cors answers the preflight as a route handler, after every middleware)',
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer t0ken']] }],
    fix: { scenario: 'auth-lets-preflight-through', applied: 'if request.method == "OPTIONS": return await handler(request)' },
    expected: { stack: 'aiohttp', evidence: [server, '401: Unauthorized'] },
  },
  {
    name: 'aiohttp-hand-rolled-wildcard',
    intent: 'wildcard-with-credentials',
    misconfig: 'a @web.middleware that sets Access-Control-Allow-Origin: * on every answer; the page sends its session cookie',
    scenario: 'hand-rolled-wildcard',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'hand-rolled-fixed', applied: 'aiohttp_cors.ResourceOptions(allow_credentials=True)' },
    expected: { stack: 'aiohttp', evidence: [server] },
  },
];
