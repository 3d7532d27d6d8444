/**
 * Fastify 5 with @fastify/cors 11 (test/servers/fastify/app.mjs), run in-process from corscope's
 * own devDependencies.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createApp } from './app.mjs';

export const stack = 'fastify';

const require = createRequire(import.meta.url);
const version = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;

export async function describe() {
  return `Fastify ${version('fastify')}, @fastify/cors ${version('@fastify/cors')}, Node ${process.versions.node}`;
}

export async function start(scenario, port) {
  const fastify = await createApp(scenario);
  await fastify.listen({ port, host: '127.0.0.1' });
  return { stop: () => fastify.close() };
}

const PAGE = "'http://localhost:5173'";
const JSON_HEADERS = [['Content-Type', 'application/json']];
const PUT = { method: 'PUT', path: '/api/items/1', headers: JSON_HEADERS, body: '{"name":"renamed"}' };
const POST = { method: 'POST', path: '/api/items', headers: JSON_HEADERS, body: '{"name":"second"}' };
const PUT_METHODS = "methods: ['GET', 'HEAD', 'POST', 'PUT']";
// Fastify sends no Server or X-Powered-By. Its own bodies (404, FST_ERR codes) and @fastify/cors'
// default list name it; a route's plain answer only shows lower-case header names (weak: hapi and
// Hono on Node write them too), which name Fastify only while no other stack claims them.
const DEFAULT_METHODS = 'access-control-allow-methods: GET,HEAD,POST';
const LOWER = 'header names in lower case';

export const cases = [
  {
    name: 'fastify-no-cors',
    intent: 'no-cors',
    misconfig: 'no @fastify/cors at all',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'origin', applied: `await fastify.register(cors, { origin: ${PAGE} })` },
    expected: { stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-default-methods',
    intent: 'method-not-allowed',
    misconfig: "fastify.register(cors, { origin: '*' }) and a PUT: @fastify/cors 11 defaults methods to 'GET,HEAD,POST' (fastify/fastify-cors#370)",
    scenario: 'methods-default',
    calls: [PUT],
    fix: { scenario: 'methods-put', applied: PUT_METHODS },
    expected: { stack: 'fastify', evidence: [DEFAULT_METHODS] },
  },
  {
    name: 'fastify-route-cors-false',
    intent: 'route-excluded',
    misconfig: "fastify.post('/api/upload', { config: { cors: false } }, handler): the plugin's OPTIONS * route answers the preflight, the route itself sends no CORS headers",
    scenario: 'route-cors-false',
    calls: [{ ...POST, path: '/api/upload' }],
    fix: { scenario: 'route-cors-default', applied: 'remove config: { cors: false } from the POST /api/upload route' },
    expected: { stack: 'fastify', evidence: [DEFAULT_METHODS] },
  },
  {
    name: 'fastify-auth-hook-before-cors',
    intent: 'auth-before-cors',
    misconfig: `fastify.addHook('onRequest', authenticate) (401 + WWW-Authenticate: Bearer) added before fastify.register(cors, { origin: ${PAGE} })`,
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'auth-after-cors', applied: 'register @fastify/cors before the authentication hook' },
    expected: { stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-hook-prehandler-json-error',
    intent: 'error-without-cors',
    misconfig: `fastify.register(cors, { origin: ${PAGE}, hook: 'preHandler' }) (as in the README): a body Fastify cannot parse answers 400 FST_ERR_CTP_INVALID_JSON_BODY before that hook runs`,
    scenario: 'hook-prehandler',
    calls: [{ ...POST, body: '{"name": "broken",}' }],
    fix: { scenario: 'origin', applied: "hook: 'onRequest'" },
    expected: { stack: 'fastify', evidence: ['FST_ERR_CTP_INVALID_JSON_BODY'] },
  },
  {
    name: 'fastify-credentials-wildcard',
    intent: 'wildcard-with-credentials',
    misconfig: "fastify.register(cors, { credentials: true }): origin keeps its default '*'",
    scenario: 'credentials-star',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'origin-credentials', applied: `await fastify.register(cors, { origin: ${PAGE}, credentials: true })` },
    expected: { stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-origin-3000',
    intent: 'origin-fixed-other',
    misconfig: "fastify.register(cors, { origin: 'http://localhost:3000' }): the old dev server's origin",
    scenario: 'origin-3000',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'origin', applied: `await fastify.register(cors, { origin: ${PAGE} })` },
    expected: { recognised: null, stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-origin-csv',
    intent: 'origin-malformed',
    misconfig: "fastify.register(cors, { origin: process.env.CORS_ORIGIN }) with CORS_ORIGIN='http://localhost:5173,http://localhost:3000': one string, sent as is",
    scenario: 'origin-csv',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'origin-list', applied: "origin: ['http://localhost:5173', 'http://localhost:3000']" },
    expected: { recognised: null, stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-handler-headers',
    intent: 'preflight-unhandled',
    misconfig: "reply.header('Access-Control-Allow-Origin', '*') in the handlers, no @fastify/cors: nothing answers OPTIONS, Fastify's 404",
    scenario: 'handler-headers',
    calls: [PUT],
    fix: { scenario: 'origin-put', applied: `await fastify.register(cors, { origin: ${PAGE}, ${PUT_METHODS} })` },
    expected: { stack: 'fastify', evidence: ['Route OPTIONS:/api/items/1 not found'] },
  },
  {
    name: 'fastify-hook-headers-404',
    intent: 'preflight-status',
    misconfig: "CORS headers set by hand in an onRequest hook, no OPTIONS route: the preflight gets them on Fastify's 404",
    scenario: 'hook-headers',
    calls: [PUT],
    fix: { scenario: 'origin-put', applied: `await fastify.register(cors, { origin: ${PAGE}, ${PUT_METHODS} })` },
    expected: { stack: 'fastify', evidence: ['Route OPTIONS:/api/items/1 not found'] },
  },
  {
    name: 'fastify-no-credentials',
    intent: 'credentials-not-allowed',
    misconfig: `fastify.register(cors, { origin: ${PAGE} }) and a credentialed fetch`,
    scenario: 'no-credentials',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'origin-credentials', applied: `await fastify.register(cors, { origin: ${PAGE}, credentials: true })` },
    expected: { recognised: null, stack: 'fastify', evidence: [LOWER] },
  },
  {
    name: 'fastify-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "fastify.register(cors, { origin: ['http://127.0.0.1:5173'], credentials: true }) while the page runs on http://localhost:5173",
    scenario: 'origin-127',
    calls: [
      { ...POST, credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...POST, credentials: 'include' },
    ],
    fix: { scenario: 'origin-localhost', applied: `await fastify.register(cors, { origin: [${PAGE}], credentials: true })` },
    expected: { stack: 'fastify', evidence: [DEFAULT_METHODS] },
  },
];
