/**
 * Hono 4 on @hono/node-server with hono/cors, hono/bearer-auth and hono/body-limit
 * (test/servers/npm-stacks/hono-app.mjs). Needs `npm ci --prefix test/servers/npm-stacks`.
 */
import { nodeApp, version } from '../npm-stacks/versions.mjs';

export const stack = 'hono';

export async function describe() {
  return `Hono ${version('hono')} (hono/cors), @hono/node-server ${version('@hono/node-server')}, Node ${process.versions.node}`;
}

export function command(scenario, port) {
  return nodeApp('hono-app.mjs', scenario, port);
}

const JSON_PUT = { method: 'PUT', path: '/api/items/1', headers: [['Content-Type', 'application/json']], body: '{"name":"renamed"}' };
const CORS = "app.use('*', cors({ origin: 'http://localhost:5173' }))";
const CORS_CREDENTIALS = "app.use('*', cors({ origin: 'http://localhost:5173', credentials: true }))";

export const cases = [
  {
    name: 'hono-no-cors',
    intent: 'no-cors',
    misconfig: 'no hono/cors at all',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: null, stack: 'hono', evidence: [], why: "Hono sends no Server or X-Powered-By header and nothing here does CORS: c.json()'s 200 names no stack" },
  },
  {
    name: 'hono-basepath-double',
    intent: 'preflight-unhandled',
    misconfig: "new Hono().basePath('/api') then app.use('/api/*', cors(...)): the middleware guards /api/api/*, so the OPTIONS finds no route (404)",
    scenario: 'basepath-double',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-basepath', applied: CORS },
    expected: { stack: 'hono', evidence: ["404 body \"404 Not Found\" (text/plain; charset=UTF-8) is Hono's default notFound"] },
  },
  {
    name: 'hono-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.use('/api/*', cors({ origin: '*', credentials: true }))",
    scenario: 'wildcard-credentials',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: CORS_CREDENTIALS },
    expected: { recognised: null, stack: 'hono', evidence: ["header names in lower case and sorted (access-control-allow-credentials, access-control-allow-origin, content-type): a fetch Headers object, as Hono on @hono/node-server sends"], why: "a simple GET: hono/cors' default methods show on preflights only; lower-case sorted names only point to a fetch Headers object" },
  },
  {
    name: 'hono-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "app.use('/api/*', cors({ origin: ['http://127.0.0.1:5173'], credentials: true }))",
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...JSON_PUT, credentials: 'include' },
    ],
    fix: { scenario: 'fixed-list', applied: "add 'http://localhost:5173' to the origin list of cors()" },
    expected: { stack: 'hono', evidence: ["access-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY is hono/cors' default allowMethods", "access-control-allow-credentials: true without Access-Control-Allow-Origin is hono/cors refusing an origin (credentials: true)", "a 204 preflight with vary: Origin, Access-Control-Request-Headers in lower case is hono/cors' answer", "header names in lower case and sorted (access-control-allow-credentials, access-control-allow-headers, access-control-allow-methods, vary): a fetch Headers object, as Hono on @hono/node-server sends"], why: "the blocked preflight shows hono/cors' defaults, but the GETs around it (history, fixed run) are simple requests: the default methods show on preflights only" },
  },
  {
    name: 'hono-origin-trailing-slash',
    intent: 'origin-not-allowed',
    misconfig: "app.use('/api/*', cors({ origin: 'http://localhost:5173/' })): hono/cors compares the string, so nothing is sent (not the malformed value)",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: null, stack: 'hono', evidence: ["header names in lower case and sorted (content-type, vary): a fetch Headers object, as Hono on @hono/node-server sends"], why: "a simple GET, origin refused: hono/cors adds only vary: Origin; lower-case sorted names only point to a fetch Headers object" },
  },
  {
    name: 'hono-docs-methods',
    intent: 'method-not-allowed',
    misconfig: "cors({ origin: 'http://localhost:5173', allowMethods: ['POST', 'GET', 'OPTIONS'] }) (the list from hono's docs example)",
    scenario: 'docs-methods',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-methods', applied: "allowMethods: ['POST', 'GET', 'OPTIONS', 'PUT']" },
    expected: { recognised: null, stack: 'hono', evidence: ["a 204 preflight with vary: Origin, Access-Control-Request-Headers in lower case is hono/cors' answer", "header names in lower case and sorted (access-control-allow-headers, access-control-allow-methods, access-control-allow-origin, vary): a fetch Headers object, as Hono on @hono/node-server sends"], why: "allowMethods was given (the list of hono's docs example), so hono/cors' default list does not show" },
  },
  {
    name: 'hono-docs-headers',
    intent: 'header-not-allowed',
    misconfig: "cors({ origin: 'http://localhost:5173', allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'] }) (the list from hono's docs example)",
    scenario: 'docs-headers',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-headers', applied: "allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests', 'Content-Type']" },
    expected: { stack: 'hono', evidence: ["access-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY is hono/cors' default allowMethods", "a 204 preflight with vary: Origin, Access-Control-Request-Headers in lower case is hono/cors' answer", "header names in lower case and sorted (access-control-allow-headers, access-control-allow-methods, access-control-allow-origin, vary): a fetch Headers object, as Hono on @hono/node-server sends"] },
  },
  {
    name: 'hono-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: "app.use('/api/*', bearerAuth({ token })) before app.use('/api/*', cors(...)): the preflight (no Authorization) gets bearerAuth's 401",
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'fixed-auth', applied: `${CORS} before your auth middleware` },
    expected: { stack: 'hono', evidence: ["401 with WWW-Authenticate: Bearer realm=\"\" is hono/bearer-auth's default answer", "Content-Type: text/plain;charset=UTF-8 is a fetch Response made from a string (Hono middleware)"] },
  },
  {
    name: 'hono-cors-after-routes',
    intent: 'route-excluded',
    misconfig: "app.route('/api', api) then app.use('/api/*', cors(...)): the preflight reaches cors(), the route answers the PUT before it",
    scenario: 'cors-after-routes',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: `${CORS} before the routes` },
    expected: { stack: 'hono', evidence: ["access-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY is hono/cors' default allowMethods (on the paired answer)"] },
  },
  {
    name: 'hono-body-limit-before-cors',
    intent: 'error-without-cors',
    misconfig: "app.use('*', bodyLimit({ maxSize: 1024 })) before cors(): its 413 leaves without CORS headers",
    scenario: 'body-limit-before-cors',
    calls: [{ ...JSON_PUT, body: JSON.stringify({ name: 'renamed', notes: 'x'.repeat(2048) }) }],
    fix: { scenario: 'fixed-body-limit', applied: `${CORS} first, before any middleware that can answer` },
    expected: { stack: 'hono', evidence: ["access-control-allow-methods: GET,HEAD,PUT,POST,DELETE,PATCH,QUERY is hono/cors' default allowMethods (on the paired answer)", "Content-Type: text/plain;charset=UTF-8 is a fetch Response made from a string (Hono middleware)"] },
  },
];
