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
  },
  {
    name: 'hono-basepath-double',
    intent: 'preflight-unhandled',
    misconfig: "new Hono().basePath('/api') then app.use('/api/*', cors(...)): the middleware guards /api/api/*, so the OPTIONS finds no route (404)",
    scenario: 'basepath-double',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-basepath', applied: CORS },
  },
  {
    name: 'hono-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.use('/api/*', cors({ origin: '*', credentials: true }))",
    scenario: 'wildcard-credentials',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: CORS_CREDENTIALS },
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
  },
  {
    name: 'hono-origin-trailing-slash',
    intent: 'origin-not-allowed',
    misconfig: "app.use('/api/*', cors({ origin: 'http://localhost:5173/' })): hono/cors compares the string, so nothing is sent (not the malformed value)",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
  },
  {
    name: 'hono-docs-methods',
    intent: 'method-not-allowed',
    misconfig: "cors({ origin: 'http://localhost:5173', allowMethods: ['POST', 'GET', 'OPTIONS'] }) (the list from hono's docs example)",
    scenario: 'docs-methods',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-methods', applied: "allowMethods: ['POST', 'GET', 'OPTIONS', 'PUT']" },
  },
  {
    name: 'hono-docs-headers',
    intent: 'header-not-allowed',
    misconfig: "cors({ origin: 'http://localhost:5173', allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'] }) (the list from hono's docs example)",
    scenario: 'docs-headers',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-headers', applied: "allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests', 'Content-Type']" },
  },
  {
    name: 'hono-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: "app.use('/api/*', bearerAuth({ token })) before app.use('/api/*', cors(...)): the preflight (no Authorization) gets bearerAuth's 401",
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'fixed-auth', applied: `${CORS} before your auth middleware` },
  },
  {
    name: 'hono-cors-after-routes',
    intent: 'route-excluded',
    misconfig: "app.route('/api', api) then app.use('/api/*', cors(...)): the preflight reaches cors(), the route answers the PUT before it",
    scenario: 'cors-after-routes',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: `${CORS} before the routes` },
  },
  {
    name: 'hono-body-limit-before-cors',
    intent: 'error-without-cors',
    misconfig: "app.use('*', bodyLimit({ maxSize: 1024 })) before cors(): its 413 leaves without CORS headers",
    scenario: 'body-limit-before-cors',
    calls: [{ ...JSON_PUT, body: JSON.stringify({ name: 'renamed', notes: 'x'.repeat(2048) }) }],
    fix: { scenario: 'fixed-body-limit', applied: `${CORS} first, before any middleware that can answer` },
  },
];
