/**
 * Express 5 with the cors package (test/servers/express/app.mjs), run in-process from corscope's
 * own devDependencies.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { createApp } from './app.mjs';

export const stack = 'express';

const require = createRequire(import.meta.url);
const version = (name) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;

export async function describe() {
  return `Express ${version('express')}, cors ${version('cors')}, Node ${process.versions.node}`;
}

export async function start(scenario, port) {
  const app = createApp(scenario);
  const server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (err) => (err ? reject(err) : resolve(s)));
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const PAGE = "'http://localhost:5173'";
const JSON_HEADERS = [['Content-Type', 'application/json']];
const PUT = { method: 'PUT', path: '/api/items/1', headers: JSON_HEADERS, body: '{"name":"renamed"}' };
const BEARER = ['Authorization', 'Bearer recorded-token'];
// Express's init middleware sets it on every answer.
const XP = 'X-Powered-By: Express';

export const cases = [
  {
    name: 'express-no-cors',
    intent: 'no-cors',
    misconfig: 'no cors() at all: app.use(express.json()) and the routes',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'origin', applied: `app.use(cors({ origin: ${PAGE} }))` },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: `app.use(authenticate) (a bearer check answering 401 + WWW-Authenticate: Bearer) registered before app.use(cors({ origin: ${PAGE} }))`,
    scenario: 'auth-before-cors',
    calls: [{ ...PUT, headers: [...JSON_HEADERS, BEARER] }],
    fix: { scenario: 'auth-after-cors', applied: `register app.use(cors({ origin: ${PAGE} })) before your authentication middleware` },
    expected: { stack: 'express', evidence: [XP, 'WWW-Authenticate: Bearer'] },
  },
  {
    name: 'express-origin-callback-error',
    intent: 'origin-not-allowed',
    misconfig: "cors({ origin(origin, callback) { allowlist.indexOf(origin) !== -1 ? callback(null, true) : callback(new Error('Not allowed by CORS')) } }) with allowlist = ['http://localhost:3000']",
    scenario: 'origin-callback-error',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'origin-callback-fixed', applied: `add ${PAGE} to the list it checks` },
    expected: { stack: 'express', evidence: [XP, 'Error: Not allowed by CORS'] },
  },
  {
    name: 'express-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "app.use(cors({ origin: ['http://127.0.0.1:5173'], credentials: true })) while the page runs on http://localhost:5173",
    scenario: 'origin-127',
    calls: [
      { ...PUT, credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...PUT, credentials: 'include' },
    ],
    fix: { scenario: 'origin-localhost', applied: `app.use(cors({ origin: [${PAGE}], credentials: true }))` },
    expected: { stack: 'express', evidence: [XP, 'GET,HEAD,PUT,PATCH,POST,DELETE'] },
  },
  {
    name: 'express-json-before-cors',
    intent: 'error-without-cors',
    misconfig: "app.use(express.json()) before app.use(cors(...)); malformed JSON throws there and the guide's error handler answers res.status(500).send('Something broke!')",
    scenario: 'json-before-cors',
    calls: [{ method: 'POST', path: '/api/items', headers: JSON_HEADERS, body: '{"name": "broken",}' }],
    fix: { scenario: 'cors-before-json', applied: `register app.use(cors({ origin: ${PAGE} })) before express.json()` },
    expected: { stack: 'express', evidence: [XP, 'Something broke!'] },
  },
  {
    name: 'express-route-cors-no-options',
    intent: 'preflight-unhandled',
    misconfig: `app.put('/api/items/:id', cors({ origin: ${PAGE} }), handler) with no app.options(...): Express answers the OPTIONS itself (200, Allow, no CORS headers)`,
    scenario: 'route-cors',
    calls: [PUT],
    fix: { scenario: 'route-cors-fixed', applied: `app.use(cors({ origin: ${PAGE} })) before the routes` },
    expected: { stack: 'express', evidence: [XP, "Express's automatic OPTIONS answer"] },
  },
  {
    name: 'express-default-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.use(cors()): the cors package's default origin '*', with a credentialed fetch",
    scenario: 'default',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'origin-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-route-sets-star',
    intent: 'route-overrides',
    misconfig: `app.use(cors({ origin: ${PAGE}, credentials: true })) and a route doing res.header('Access-Control-Allow-Origin', '*')`,
    scenario: 'route-star',
    calls: [
      { method: 'GET', path: '/api/me', credentials: 'include' },
      { method: 'GET', path: '/api/report', credentials: 'include' },
    ],
    fix: { scenario: 'route-star-removed', applied: "remove res.header('Access-Control-Allow-Origin', '*') from the /api/report route" },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-append-after-cors',
    intent: 'duplicate-layers',
    misconfig: "app.use(cors()) then a middleware doing res.append('Access-Control-Allow-Origin', ['*']): two Access-Control-Allow-Origin lines",
    scenario: 'append-after-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'cors-only', applied: "remove the res.append('Access-Control-Allow-Origin', ...) middleware" },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-origin-trailing-slash',
    intent: 'origin-malformed',
    misconfig: "app.use(cors({ origin: 'http://localhost:5173/', credentials: true })): the cors package sends a string origin as written",
    scenario: 'origin-slash',
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'origin-credentials', applied: `app.use(cors({ origin: ${PAGE}, credentials: true }))` },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-redirect-to-login',
    intent: 'redirect-to-login',
    misconfig: "res.redirect('http://localhost:9000/login') for a call without a session (cors() first, with credentials)",
    scenario: 'login-redirect',
    cookie: false,
    calls: [{ method: 'GET', path: '/api/me', credentials: 'include' }],
    fix: { scenario: 'login-401', applied: "res.status(401).json({ error: 'unauthenticated' })" },
    expected: { stack: 'express', evidence: [XP, 'http://localhost:9000/login'] },
  },
  {
    name: 'express-allowed-headers',
    intent: 'header-not-allowed',
    misconfig: `app.use(cors({ origin: ${PAGE}, allowedHeaders: ['Content-Type'] })) while the page sends Authorization`,
    scenario: 'allowed-headers',
    calls: [{ ...PUT, headers: [...JSON_HEADERS, BEARER] }],
    fix: { scenario: 'allowed-headers-auth', applied: "allowedHeaders: ['Content-Type', 'Authorization']" },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-methods',
    intent: 'method-not-allowed',
    misconfig: `app.use(cors({ origin: ${PAGE}, methods: ['GET', 'POST'] })) and a DELETE`,
    scenario: 'methods',
    calls: [{ method: 'DELETE', path: '/api/items/1' }],
    fix: { scenario: 'methods-delete', applied: "methods: ['GET', 'POST', 'DELETE']" },
    expected: { stack: 'express', evidence: [XP] },
  },
  {
    name: 'express-preflight-continue',
    intent: 'preflight-status',
    misconfig: `app.use(cors({ origin: ${PAGE}, preflightContinue: true })) then app.use(authenticate): the preflight goes on with the CORS headers and gets 401`,
    scenario: 'preflight-continue',
    calls: [{ ...PUT, headers: [...JSON_HEADERS, BEARER] }],
    fix: { scenario: 'auth-after-cors', applied: `drop preflightContinue: app.use(cors({ origin: ${PAGE} }))` },
    expected: { stack: 'express', evidence: [XP] },
  },
];
