/**
 * Koa 3 with @koa/cors, @koa/router and @koa/bodyparser (test/servers/npm-stacks/koa-app.mjs).
 * Needs `npm ci --prefix test/servers/npm-stacks`.
 */
import { nodeApp, version } from '../npm-stacks/versions.mjs';

export const stack = 'koa';

export async function describe() {
  return `Koa ${version('koa')}, @koa/cors ${version('@koa/cors')}, @koa/router ${version('@koa/router')}, @koa/bodyparser ${version('@koa/bodyparser')}, Node ${process.versions.node}`;
}

export function command(scenario, port) {
  return nodeApp('koa-app.mjs', scenario, port);
}

const JSON_PUT = { method: 'PUT', path: '/api/items/1', headers: [['Content-Type', 'application/json']], body: '{"name":"renamed"}' };
const PAGE = "'http://localhost:5173'";

export const cases = [
  {
    name: 'koa-no-cors',
    intent: 'no-cors',
    misconfig: 'no @koa/cors at all: app.use(router.routes()) only',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} }))` },
  },
  {
    name: 'koa-origin-list-127',
    intent: 'origin-not-allowed',
    misconfig: "app.use(cors({ origin: (ctx) => allowed.includes(ctx.get('Origin')) ? ctx.get('Origin') : '', credentials: true })) with allowed = ['http://127.0.0.1:5173']",
    scenario: 'origin-list-127',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...JSON_PUT, credentials: 'include' },
    ],
    fix: { scenario: 'fixed-list', applied: `add ${PAGE} to the origins your @koa/cors origin function returns` },
  },
  {
    name: 'koa-origin-fixed-127',
    intent: 'origin-fixed-other',
    misconfig: "app.use(cors({ origin: 'http://127.0.0.1:5173' }))",
    scenario: 'origin-fixed-127',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} }))` },
  },
  {
    name: 'koa-origin-trailing-slash',
    intent: 'origin-malformed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173/', credentials: true }))",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
  },
  {
    name: 'koa-default-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.use(cors()): @koa/cors' default origin '*', credentials false",
    scenario: 'default-credentials',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
  },
  {
    name: 'koa-credentials-missing',
    intent: 'credentials-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173' })) while the page sends its session cookie",
    scenario: 'no-credentials',
    calls: [{ ...JSON_PUT, credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
  },
  {
    name: 'koa-methods-get-post',
    intent: 'method-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173', allowMethods: ['GET', 'POST'] }))",
    scenario: 'methods-get-post',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'fixed-methods', applied: "allowMethods: ['GET', 'POST', 'DELETE']" },
  },
  {
    name: 'koa-headers-content-type',
    intent: 'header-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173', allowHeaders: ['Content-Type'] })) while the page sends Authorization",
    scenario: 'headers-content-type',
    calls: [{ ...JSON_PUT, headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'fixed-headers', applied: "allowHeaders: ['Content-Type', 'Authorization']" },
  },
  {
    name: 'koa-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: "app.use(apiKey) before app.use(cors(...)): the API-key check answers the preflight 401 (ctx.throw)",
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Api-Key', 'secret']] }],
    fix: { scenario: 'fixed-auth', applied: `app.use(cors({ origin: ${PAGE} })) before your authentication middleware` },
  },
  {
    name: 'koa-router-cors',
    intent: 'preflight-unhandled',
    misconfig: "router.use(cors(...)): on the router cors runs only for a matched method, so router.allowedMethods() answers the OPTIONS 200 with Allow",
    scenario: 'router-cors',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} })) ahead of app.use(router.routes())` },
  },
  {
    name: 'koa-bodyparser-before-cors',
    intent: 'error-without-cors',
    misconfig: 'app.use(bodyParser()) before app.use(cors(...)): the 400 for a body that is not JSON leaves before cors runs',
    scenario: 'bodyparser-before-cors',
    calls: [{ ...JSON_PUT, body: "{name: 'renamed'}" }],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} })) before app.use(bodyParser())` },
  },
  {
    name: 'koa-redirect-before-cors',
    intent: 'redirect-before-cors',
    misconfig: 'a trailing-slash redirect middleware (koa-no-trailing-slash style) before app.use(cors(...))',
    scenario: 'redirect-before-cors',
    calls: [{ method: 'GET', path: '/api/items/', credentials: 'include' }],
    fix: { scenario: 'fixed-redirect', applied: `app.use(cors({ origin: ${PAGE}, credentials: true })) before the redirecting middleware` },
  },
];
