/**
 * FastAPI with Starlette's CORSMiddleware, served by uvicorn, misconfigured the ways people report
 * (fastapi#133, #775, #2693, #5308; starlette#1116, #1175; the `allow_origins=["*"]` +
 * `allow_credentials=True` note added to FastAPI's CORS tutorial in fastapi#1895).
 * Needs Debian 12's python3-fastapi and python3-uvicorn; runs /usr/bin/python3 main.py <scenario> <port>.
 */
import { spawnSync } from 'node:child_process';

export const stack = 'fastapi';

export async function describe() {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, fastapi, starlette, uvicorn; print(f"FastAPI {fastapi.__version__}, Starlette {starlette.__version__} CORSMiddleware, uvicorn {uvicorn.__version__}, Python {sys.version.split()[0]} (Debian 12)")'], { encoding: 'utf8' });
  return r.stdout.trim();
}

export function command(scenario, port) {
  return { cmd: '/usr/bin/python3', args: ['main.py', scenario, String(port)] };
}

const json = [['Content-Type', 'application/json']];
const PUT = { method: 'PUT', path: '/api/items/1', headers: json, body: '{"name":"lamp","price":12.5}' };
const uvicorn = 'server: uvicorn';

export const cases = [
  {
    name: 'fastapi-no-cors',
    intent: 'no-cors',
    misconfig: 'no CORSMiddleware at all',
    scenario: 'none',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'basic', applied: 'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"])' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    // Starlette compares origins as strings and never echoes its list, so the slash is not on the wire:
    // a 400 "Disallowed CORS origin" is all that shows (fastapi#5308, and pydantic's AnyHttpUrl adds the slash).
    name: 'fastapi-origin-trailing-slash',
    intent: 'origin-not-allowed',
    misconfig: 'allow_origins=["http://localhost:5173/"] (a trailing slash), allow_methods=["*"], allow_headers=["*"]',
    scenario: 'origin-slash',
    calls: [PUT],
    fix: { scenario: 'origin-slash-fixed', applied: 'allow_origins=["http://localhost:5173"]' },
    expected: { stack: 'fastapi', evidence: [uvicorn, 'Disallowed CORS origin'] },
  },
  {
    name: 'fastapi-origin-127',
    intent: 'origin-not-allowed',
    misconfig: 'allow_origins=["http://127.0.0.1:5173"] while the page is opened on http://localhost:5173',
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', page: 'http://127.0.0.1:5173' },
      { method: 'GET', path: '/api/items' },
    ],
    fix: { scenario: 'origin-127-fixed', applied: 'add "http://localhost:5173" to allow_origins' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    // Starlette echoes the origin on the preflight and on calls that carry a Cookie, but answers `*`
    // (with Access-Control-Allow-Credentials: true) to a credentialed call that has no cookie yet.
    name: 'fastapi-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: 'allow_origins=["*"], allow_credentials=True; the login call is credentialed but no cookie exists yet',
    scenario: 'wildcard-credentials',
    cookie: false,
    calls: [{ method: 'POST', path: '/api/login', headers: json, body: '{"user":"ada"}', credentials: 'include' }],
    fix: { scenario: 'wildcard-credentials-fixed', applied: 'allow_origins=["http://localhost:5173"], allow_credentials=True' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    name: 'fastapi-credentials-missing',
    intent: 'credentials-not-allowed',
    misconfig: 'allow_origins=["http://localhost:5173"] without allow_credentials=True (its default is False)',
    scenario: 'credentials-missing',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'credentials-fixed', applied: 'allow_credentials=True' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    name: 'fastapi-default-methods',
    intent: 'method-not-allowed',
    misconfig: 'allow_origins only: allow_methods defaults to ("GET",)',
    scenario: 'default-methods',
    calls: [PUT],
    fix: { scenario: 'default-methods-fixed', applied: 'allow_methods=["GET", "PUT"]' },
    expected: { stack: 'fastapi', evidence: [uvicorn, 'Disallowed CORS method'] },
  },
  {
    name: 'fastapi-default-headers',
    intent: 'header-not-allowed',
    misconfig: 'allow_methods=["*"] but no allow_headers: only Accept, Accept-Language, Content-Language, Content-Type pass',
    scenario: 'default-headers',
    calls: [{ method: 'GET', path: '/api/me', headers: [['Authorization', 'Bearer t0ken']] }],
    fix: { scenario: 'default-headers-fixed', applied: 'allow_headers=["Authorization"]' },
    expected: { stack: 'fastapi', evidence: [uvicorn, 'Disallowed CORS headers'] },
  },
  {
    // fastapi#2693, waza-ari/fastapi-keycloak-middleware#41: the middleware added last runs first.
    name: 'fastapi-auth-middleware-outside-cors',
    intent: 'auth-before-cors',
    misconfig: 'app.add_middleware(CORSMiddleware, ...) then @app.middleware("http") that answers 401 without a bearer token: the auth middleware runs first, also on the preflight',
    scenario: 'auth-outside-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer t0ken']] }],
    fix: { scenario: 'auth-inside-cors', applied: 'call app.add_middleware(CORSMiddleware, ...) after every other middleware' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    // starlette#1116 / #1175, fastapi#775: ServerErrorMiddleware sits outside every user middleware.
    // The 422 before it shows the CORS layer does run on handled errors.
    name: 'fastapi-unhandled-500',
    intent: 'error-without-cors',
    misconfig: 'CORSMiddleware added with app.add_middleware; the route raises (ZeroDivisionError) and ServerErrorMiddleware writes the 500 outside CORSMiddleware',
    scenario: 'unhandled-error',
    calls: [
      { method: 'GET', path: '/api/items/oops' },
      { method: 'GET', path: '/api/report' },
    ],
    fix: { scenario: 'unhandled-error-fixed', applied: 'app = CORSMiddleware(app, allow_origins=["http://localhost:5173"]' },
    expected: { stack: 'fastapi', evidence: [uvicorn] },
  },
  {
    // fastapi#133: headers set in the routes; the OPTIONS matches no route method and gets FastAPI's 405.
    name: 'fastapi-route-headers-405',
    intent: 'preflight-unhandled',
    misconfig: 'no CORSMiddleware; each route sets response.headers["Access-Control-Allow-Origin"] itself',
    scenario: 'route-headers',
    calls: [{ method: 'GET', path: '/api/items' }, PUT],
    fix: { scenario: 'route-headers-fixed', applied: 'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"], allow_methods=["PUT"])' },
    expected: { stack: 'fastapi', evidence: [uvicorn, '{"detail":"Method Not Allowed"}'] },
  },
  {
    name: 'fastapi-hand-rolled-405',
    intent: 'preflight-status',
    misconfig: '@app.middleware("http") that adds Access-Control-Allow-* to every answer; the preflight still goes to the router, which answers 405',
    scenario: 'hand-rolled',
    calls: [PUT],
    fix: {
      scenario: 'hand-rolled-fixed',
      applied: 'app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"], allow_methods=["GET", "POST", "PUT", "DELETE"], allow_headers=["Authorization"])',
    },
    expected: { stack: 'fastapi', evidence: [uvicorn, '{"detail":"Method Not Allowed"}'] },
  },
];
