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
    expected: { recognised: null, stack: 'koa', evidence: [], why: "Koa sends no Server or X-Powered-By header and nothing here does CORS: a route's 200 JSON names no stack" },
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
    expected: { stack: 'koa', evidence: ["an empty 200 with Allow: HEAD, GET, PUT, PATCH, DELETE (HEAD ahead of GET) is @koa/router's allowedMethods() answer to OPTIONS", "Vary: Origin without Access-Control-Allow-Origin, as @koa/cors sends it when its origin function returns nothing for this origin"], why: "the blocked preflight names @koa/router, but the GETs around it (history, fixed run) are simple requests to @koa/cors with an origin function: its default methods show on preflights only" },
  },
  {
    name: 'koa-origin-fixed-127',
    intent: 'origin-fixed-other',
    misconfig: "app.use(cors({ origin: 'http://127.0.0.1:5173' }))",
    scenario: 'origin-fixed-127',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} }))` },
    expected: { recognised: null, stack: 'koa', evidence: ["Vary: Origin ahead of every other header, as @koa/cors sets it"], why: "a simple GET to @koa/cors given an origin string: its default methods show on preflights only; just the Vary-first order hints at it" },
  },
  {
    name: 'koa-origin-trailing-slash',
    intent: 'origin-malformed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173/', credentials: true }))",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
    expected: { recognised: null, stack: 'koa', evidence: ["Vary: Origin ahead of every other header, as @koa/cors sets it"], why: "a simple GET to @koa/cors given an origin string: its default methods show on preflights only; just the Vary-first order hints at it" },
  },
  {
    name: 'koa-default-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.use(cors()): @koa/cors' default origin '*', credentials false",
    scenario: 'default-credentials',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
    expected: { recognised: null, stack: 'koa', evidence: ["Vary: Origin ahead of every other header, as @koa/cors sets it"], why: "a simple GET: @koa/cors' default methods show on preflights only; just Vary: Origin (sent even with '*') ahead of everything hints at it" },
  },
  {
    name: 'koa-credentials-missing',
    intent: 'credentials-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173' })) while the page sends its session cookie",
    scenario: 'no-credentials',
    calls: [{ ...JSON_PUT, credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
    expected: { stack: 'koa', evidence: ["Access-Control-Allow-Methods: GET,HEAD,PUT,POST,DELETE,PATCH is @koa/cors' default allowMethods", "Vary: Origin ahead of every other header, as @koa/cors sets it"] },
  },
  {
    name: 'koa-methods-get-post',
    intent: 'method-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173', allowMethods: ['GET', 'POST'] }))",
    scenario: 'methods-get-post',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'fixed-methods', applied: "allowMethods: ['GET', 'POST', 'DELETE']" },
    expected: { recognised: null, stack: 'koa', evidence: ["Vary: Origin ahead of every other header, as @koa/cors sets it"], why: "allowMethods was given, so @koa/cors' default list does not show; the 204 has only the Vary-first order" },
  },
  {
    name: 'koa-headers-content-type',
    intent: 'header-not-allowed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173', allowHeaders: ['Content-Type'] })) while the page sends Authorization",
    scenario: 'headers-content-type',
    calls: [{ ...JSON_PUT, headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'fixed-headers', applied: "allowHeaders: ['Content-Type', 'Authorization']" },
    expected: { stack: 'koa', evidence: ["Access-Control-Allow-Methods: GET,HEAD,PUT,POST,DELETE,PATCH is @koa/cors' default allowMethods", "Vary: Origin ahead of every other header, as @koa/cors sets it"] },
  },
  {
    name: 'koa-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: "app.use(apiKey) before app.use(cors(...)): the API-key check answers the preflight 401 (ctx.throw)",
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Api-Key', 'secret']] }],
    fix: { scenario: 'fixed-auth', applied: `app.use(cors({ origin: ${PAGE} })) before your authentication middleware` },
    expected: { recognised: null, stack: 'koa', evidence: [], why: "the 401 is the app's own check, thrown before @koa/cors ran: text/plain with the thrown message, which any stack could send" },
  },
  {
    name: 'koa-router-cors',
    intent: 'preflight-unhandled',
    misconfig: "router.use(cors(...)): on the router cors runs only for a matched method, so router.allowedMethods() answers the OPTIONS 200 with Allow",
    scenario: 'router-cors',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} })) ahead of app.use(router.routes())` },
    expected: { stack: 'koa', evidence: ["an empty 200 with Allow: HEAD, GET, PUT, PATCH, DELETE (HEAD ahead of GET) is @koa/router's allowedMethods() answer to OPTIONS"] },
  },
  {
    name: 'koa-bodyparser-before-cors',
    intent: 'error-without-cors',
    misconfig: 'app.use(bodyParser()) before app.use(cors(...)): the 400 for a body that is not JSON leaves before cors runs',
    scenario: 'bodyparser-before-cors',
    calls: [{ ...JSON_PUT, body: "{name: 'renamed'}" }],
    fix: { scenario: 'fixed', applied: `app.use(cors({ origin: ${PAGE} })) before app.use(bodyParser())` },
    expected: { stack: 'koa', evidence: ["Access-Control-Allow-Methods: GET,HEAD,PUT,POST,DELETE,PATCH is @koa/cors' default allowMethods (on the paired answer)", "400 body \"Bad Request\" (text/plain; charset=utf-8) is Koa's default error body"] },
  },
  {
    name: 'koa-redirect-before-cors',
    intent: 'redirect-before-cors',
    misconfig: 'a trailing-slash redirect middleware (koa-no-trailing-slash style) before app.use(cors(...))',
    scenario: 'redirect-before-cors',
    calls: [{ method: 'GET', path: '/api/items/', credentials: 'include' }],
    fix: { scenario: 'fixed-redirect', applied: `app.use(cors({ origin: ${PAGE}, credentials: true })) before the redirecting middleware` },
    expected: { stack: 'koa', evidence: ["301 body \"Redirecting to /api/items.\" is Koa's ctx.redirect()"], why: "the redirect names Koa, but its target in the fixed run is a simple GET: @koa/cors' default methods show on preflights only" },
  },
];
