/**
 * hapi 21 and its own CORS (`routes.cors`, per-route `options.cors`), with an API-key check as a
 * server extension (test/servers/npm-stacks/hapi-app.mjs). Needs `npm ci --prefix test/servers/npm-stacks`.
 */
import { nodeApp, version } from '../npm-stacks/versions.mjs';

export const stack = 'hapi';

export async function describe() {
  return `@hapi/hapi ${version('@hapi/hapi')}, Node ${process.versions.node}`;
}

export function command(scenario, port) {
  return nodeApp('hapi-app.mjs', scenario, port);
}

const JSON_PUT = { method: 'PUT', path: '/api/items/1', headers: [['Content-Type', 'application/json']], body: '{"name":"renamed"}' };
const CORS = "routes: { cors: { origin: ['http://localhost:5173'] } }";
const CORS_CREDENTIALS = "routes: { cors: { origin: ['http://localhost:5173'], credentials: true } }";
// The key's header is not in hapi's default cors.headers either: the fix needs both.
const ON_PRE_AUTH = "move the check from server.ext('onRequest', ...) to server.ext('onPreAuth', ...), and add additionalHeaders: ['X-Api-Key']";

export const cases = [
  {
    name: 'hapi-no-cors',
    intent: 'no-cors',
    misconfig: 'no cors in the server or route options (hapi\'s default is cors: false)',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: null, stack: 'hapi', evidence: ["cache-control: no-cache (lower case) is hapi's default on every answer"], why: "no cors anywhere: a route's 200 shows only hapi's lower-case cache-control: no-cache" },
  },
  {
    name: 'hapi-cors-true-credentials',
    intent: 'credentials-not-allowed',
    misconfig: 'Hapi.server({ routes: { cors: true } }): origin echoed, credentials false by default, while the page sends its cookie',
    scenario: 'cors-true',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: CORS_CREDENTIALS },
    expected: { stack: 'hapi', evidence: ["access-control-expose-headers: WWW-Authenticate,Server-Authorization is hapi's default cors.exposedHeaders", "cache-control: no-cache (lower case) is hapi's default on every answer", "vary: origin (lower case) is what hapi adds on routes with cors"] },
  },
  {
    name: 'hapi-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "routes: { cors: { origin: ['http://127.0.0.1:5173'], credentials: true } }: hapi answers the preflight 200 {\"message\":\"CORS error: Origin not allowed\"} without CORS headers",
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...JSON_PUT, credentials: 'include' },
    ],
    fix: { scenario: 'fixed-list', applied: "add 'http://localhost:5173' to cors.origin" },
    expected: { stack: 'hapi', evidence: ["200 {\"message\":\"CORS error: Origin not allowed\"} is hapi's CORS preflight route refusing: the origin is not in cors.origin", "cache-control: no-cache (lower case) is hapi's default on every answer"] },
  },
  {
    name: 'hapi-origin-trailing-slash',
    intent: 'origin-not-allowed',
    misconfig: "routes: { cors: { origin: ['http://localhost:5173/'] } }: hapi compares the string, so nothing is sent (not the malformed value)",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: null, stack: 'hapi', evidence: ["cache-control: no-cache (lower case) is hapi's default on every answer", "vary: origin (lower case) is what hapi adds on routes with cors"], why: "a simple GET from a refused origin: hapi leaves out every CORS header, its default exposedHeaders too; only vary: origin and cache-control: no-cache remain" },
  },
  {
    name: 'hapi-default-headers',
    intent: 'header-not-allowed',
    misconfig: "routes: { cors: { origin: ['http://localhost:5173'] } } while the page sends X-Requested-With, not in hapi's default headers (Accept, Authorization, Content-Type, If-None-Match): the preflight gets 200 {\"message\":\"CORS error: Some headers are not allowed\"}",
    scenario: 'default-headers',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Requested-With', 'XMLHttpRequest']] }],
    fix: { scenario: 'fixed-headers', applied: "additionalHeaders: ['X-Requested-With']" },
    expected: { stack: 'hapi', evidence: ["200 {\"message\":\"CORS error: Some headers are not allowed\"} is hapi's CORS preflight route refusing: a requested header is not in cors.headers / additionalHeaders", "cache-control: no-cache (lower case) is hapi's default on every answer"] },
  },
  {
    name: 'hapi-per-route',
    intent: 'route-excluded',
    misconfig: "options: { cors: {...} } on the GET routes only: the PUT's preflight gets 200 {\"message\":\"CORS is disabled for this route\"}",
    scenario: 'per-route',
    calls: [{ method: 'GET', path: '/api/items' }, JSON_PUT],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { stack: 'hapi', evidence: ["200 {\"message\":\"CORS is disabled for this route\"} is hapi's CORS preflight route refusing: the route has no cors", "cache-control: no-cache (lower case) is hapi's default on every answer"] },
  },
  {
    name: 'hapi-onrequest-auth',
    intent: 'auth-before-cors',
    misconfig: "server.ext('onRequest', apiKeyCheck) with per-route cors: the check answers the preflight 401 before any route (and its cors) is looked up",
    scenario: 'onrequest-auth-per-route',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Api-Key', 'secret']] }],
    fix: { scenario: 'fixed-auth-per-route', applied: ON_PRE_AUTH },
    expected: { recognised: null, stack: 'hapi', evidence: ["cache-control: no-cache (lower case) is hapi's default on every answer"], why: "the 401 is the app's own onRequest answer, and per-route cors adds nothing to it: only cache-control: no-cache is hapi's" },
  },
  {
    name: 'hapi-onrequest-auth-server-cors',
    intent: 'preflight-status',
    misconfig: "server.ext('onRequest', apiKeyCheck) with server-wide routes.cors: hapi decorates the 401 with CORS headers, but a preflight must be 2xx",
    scenario: 'onrequest-auth',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Api-Key', 'secret']] }],
    fix: { scenario: 'fixed-auth', applied: ON_PRE_AUTH },
    expected: { stack: 'hapi', evidence: ["access-control-expose-headers: WWW-Authenticate,Server-Authorization is hapi's default cors.exposedHeaders", "cache-control: no-cache (lower case) is hapi's default on every answer", "vary: origin (lower case) is what hapi adds on routes with cors"] },
  },
];
