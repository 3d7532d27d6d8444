/**
 * Flask 2.2 + Flask-CORS 3.0.10 (Debian 12 packages python3-flask, python3-flask-cors), run with
 * Flask's own development server in debug mode (no reloader), as people run it while developing.
 * The app is app.py; each scenario is one CORS setup. Misconfigurations are the ones reported on
 * corydolphin/flask-cors (issues 67, 132, 133, 170, 201, 210, ...) and the usual Stack Overflow
 * snippets.
 */
import { spawnSync } from 'node:child_process';

export const stack = 'flask';
const PY = '/usr/bin/python3';

export async function describe() {
  const r = spawnSync(PY, ['-c', 'import sys, flask, flask_cors, werkzeug; print(f"Flask {flask.__version__}, Flask-CORS {flask_cors.__version__}, Werkzeug {werkzeug.__version__}, Python {sys.version.split()[0]} (Debian 12)")'], { encoding: 'utf8' });
  return r.stdout.trim();
}

export function command(scenario, port) {
  return { cmd: PY, args: ['app.py', scenario, String(port)], env: { PYTHONDONTWRITEBYTECODE: '1' } };
}

const json = [['Content-Type', 'application/json']];
const bearer = [['Authorization', 'Bearer t0k3n']];
// Substrings of the diagnosis' evidence (the recognised fingerprints, see src/diagnose/stacks/flask.ts).
const server = "Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)";

export const cases = [
  {
    name: 'flask-no-cors',
    intent: 'no-cors',
    misconfig: 'no Flask-CORS at all',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: 'CORS(app, origins=["http://localhost:5173"])' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-origin-127',
    intent: 'origin-not-allowed',
    misconfig: 'CORS(app, origins=["http://127.0.0.1:5173"]) while the page is opened on http://localhost:5173',
    scenario: 'origin-127',
    calls: [
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"a"}', page: 'http://127.0.0.1:5173' },
      { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"a"}' },
    ],
    fix: { scenario: 'fixed', applied: 'CORS(app, origins=["http://localhost:5173"])' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    // Flask-CORS compares origins as exact strings and answers a mismatch with no CORS header at
    // all: on the wire this is indistinguishable from a server without CORS.
    name: 'flask-origin-trailing-slash',
    intent: 'no-cors',
    misconfig: 'CORS(app, origins=["http://localhost:5173/"]) (a trailing slash: never equal to an Origin)',
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: 'CORS(app, origins=["http://localhost:5173"])' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-credentials-default',
    intent: 'credentials-not-allowed',
    misconfig: 'CORS(app) (supports_credentials defaults to False) and fetch(..., { credentials: "include" })',
    scenario: 'default',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'credentials-origin-fixed', applied: 'CORS(app, origins=["http://localhost:5173"], supports_credentials=True)' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-after-request-star',
    intent: 'wildcard-with-credentials',
    misconfig: 'the "enable CORS in Flask" after_request snippet: Access-Control-Allow-Origin * plus Access-Control-Allow-Credentials true',
    scenario: 'snippet-star-credentials',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'credentials-origin-fixed', applied: 'CORS(app, origins=["http://localhost:5173"], supports_credentials=True)' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-view-star',
    intent: 'route-overrides',
    misconfig: 'one view adds response.headers.add("Access-Control-Allow-Origin", "*"); Flask-CORS then leaves that response alone',
    scenario: 'view-star',
    calls: [
      { method: 'GET', path: '/api/me', credentials: 'include' },
      { method: 'GET', path: '/api/report', credentials: 'include' },
    ],
    fix: { scenario: 'view-star-fixed', applied: "remove the view's own Access-Control-Allow-Origin header" },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-resources',
    intent: 'preflight-unhandled',
    misconfig: 'CORS(app, resources={r"/api/*": {...}}) while the page also posts to /auth/login',
    scenario: 'resources',
    calls: [
      { method: 'GET', path: '/api/items' },
      { method: 'POST', path: '/auth/login', headers: json, body: '{"user":"a","password":"b"}' },
    ],
    fix: { scenario: 'resources-fixed', applied: 'r"/auth/*": {"origins": ["http://localhost:5173"]}' },
    expected: { stack: 'flask', evidence: [server, 'an empty 200 with Allow: POST, OPTIONS is Flask\'s automatic OPTIONS answer'] },
  },
  {
    name: 'flask-methods',
    intent: 'method-not-allowed',
    misconfig: 'CORS(app, methods=["GET", "POST"]) and a DELETE from the page',
    scenario: 'methods',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'methods-fixed', applied: 'add "DELETE" to methods' },
    expected: { stack: 'flask', evidence: [server, 'a preflight answer with Access-Control-Allow-Origin but no Access-Control-Allow-Methods is how Flask-CORS refuses a method'] },
  },
  {
    name: 'flask-allow-headers',
    intent: 'header-not-allowed',
    misconfig: 'CORS(app, allow_headers=["Content-Type"]) and an Authorization header from the page',
    scenario: 'allow-headers',
    calls: [{ method: 'POST', path: '/api/items', headers: [...json, ...bearer], body: '{"name":"c"}' }],
    fix: { scenario: 'allow-headers-fixed', applied: 'allow_headers=["content-type", "authorization"]' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-before-request-auth',
    intent: 'preflight-status',
    misconfig: '@app.before_request token check answers every request without Authorization 401, the preflight included (Flask-CORS still adds its headers)',
    scenario: 'before-request-auth',
    calls: [{ method: 'GET', path: '/api/items', headers: bearer }],
    fix: { scenario: 'before-request-auth-fixed', applied: 'if request.method == "OPTIONS": return None' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-decorator-order',
    intent: 'auth-before-cors',
    misconfig: '@token_required above @cross_origin(): the auth decorator answers the preflight 401 before Flask-CORS runs',
    scenario: 'decorator-order',
    calls: [{ method: 'GET', path: '/api/account', headers: bearer }],
    fix: { scenario: 'decorator-order-fixed', applied: 'put @cross_origin(...) directly under @app.route(...), above the auth decorator' },
    expected: { stack: 'flask', evidence: [server] },
  },
  {
    name: 'flask-debug-500',
    intent: 'error-without-cors',
    misconfig: 'app.run(debug=True): an unhandled exception goes to the Werkzeug debugger, whose 500 page Flask-CORS never sees',
    scenario: 'debug-500',
    calls: [{ method: 'GET', path: '/api/stats' }],
    fix: { scenario: 'debug-500-fixed', applied: '@app.errorhandler(Exception)' },
    expected: { stack: 'flask', evidence: [server, '500 "ZeroDivisionError: division by zero // Werkzeug Debugger" is the Werkzeug debugger\'s page (Flask in debug mode)'] },
  },
  {
    name: 'flask-strict-slashes',
    intent: 'redirect-before-cors',
    misconfig: '@app.route("/api/orders/") and the page posts to /api/orders: Werkzeug answers the preflight 308',
    scenario: 'strict-slashes',
    calls: [{ method: 'POST', path: '/api/orders', headers: json, body: '{"item":1}' }],
    fix: { scenario: 'strict-slashes-fixed', applied: 'strict_slashes=False' },
    expected: { stack: 'flask', evidence: [server, "Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Flask-CORS' default methods"] },
  },
];
