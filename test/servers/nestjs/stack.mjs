/**
 * NestJS 12 on @nestjs/platform-express with Nest's own CORS (`app.enableCors`, the `cors` create
 * option; the `cors` package underneath) (test/servers/npm-stacks/nestjs-app.mjs).
 * Needs `npm ci --prefix test/servers/npm-stacks`.
 */
import { nodeApp, version } from '../npm-stacks/versions.mjs';

export const stack = 'nestjs';

export async function describe() {
  return `@nestjs/core ${version('@nestjs/core')}, @nestjs/platform-express ${version('@nestjs/platform-express')} (express ${version('express')}, cors ${version('cors')}), Node ${process.versions.node}`;
}

export function command(scenario, port) {
  return nodeApp('nestjs-app.mjs', scenario, port);
}

const JSON_PUT = { method: 'PUT', path: '/api/items/1', headers: [['Content-Type', 'application/json']], body: '{"name":"renamed"}' };
const CORS = "app.enableCors({ origin: 'http://localhost:5173' })";
const CORS_CREDENTIALS = "app.enableCors({ origin: 'http://localhost:5173', credentials: true })";
const FIRST = `call ${CORS} first, before app.use() and app.useBodyParser()`;

export const cases = [
  {
    name: 'nestjs-no-cors',
    intent: 'no-cors',
    misconfig: 'no enableCors() and no cors create option',
    scenario: 'no-cors',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-default-wildcard-credentials',
    intent: 'wildcard-with-credentials',
    misconfig: "app.enableCors(): the cors package's default origin '*' while the page sends its cookie",
    scenario: 'default-credentials',
    calls: [{ method: 'GET', path: '/api/items', credentials: 'include' }],
    fix: { scenario: 'fixed-credentials', applied: CORS_CREDENTIALS },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-origin-trailing-slash',
    intent: 'origin-malformed',
    misconfig: "app.enableCors({ origin: 'http://localhost:5173/' }): a string origin is sent as written",
    scenario: 'origin-trailing-slash',
    calls: [{ method: 'GET', path: '/api/items' }],
    fix: { scenario: 'fixed', applied: CORS },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-origin-127',
    intent: 'origin-not-allowed',
    misconfig: "app.enableCors({ origin: ['http://127.0.0.1:5173'], credentials: true })",
    scenario: 'origin-127',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include', page: 'http://127.0.0.1:5173' },
      { ...JSON_PUT, credentials: 'include' },
    ],
    fix: { scenario: 'fixed-list', applied: "add 'http://localhost:5173' to the origin list of enableCors()" },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)", "Access-Control-Allow-Methods GET,HEAD,PUT,PATCH,POST,DELETE is the cors package's default, which enableCors() uses"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-methods',
    intent: 'method-not-allowed',
    misconfig: "app.enableCors({ origin: 'http://localhost:5173', methods: ['GET', 'POST'] })",
    scenario: 'methods',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed-methods', applied: "methods: ['GET', 'POST', 'PUT']" },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-headers',
    intent: 'header-not-allowed',
    misconfig: "app.enableCors({ origin: 'http://localhost:5173', allowedHeaders: ['Content-Type'] }) while the page sends Authorization",
    scenario: 'headers',
    calls: [{ ...JSON_PUT, headers: [['Content-Type', 'application/json'], ['Authorization', 'Bearer recorded-token']] }],
    fix: { scenario: 'fixed-headers', applied: "allowedHeaders: ['Content-Type', 'Authorization']" },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)", "Access-Control-Allow-Methods GET,HEAD,PUT,PATCH,POST,DELETE is the cors package's default, which enableCors() uses"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-enable-after-listen',
    intent: 'preflight-unhandled',
    misconfig: 'await app.listen(3000); app.enableCors(...): the cors middleware lands after Nest\'s routes and 404 handler',
    scenario: 'enable-after-listen',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: `call ${CORS} before app.listen()` },
    expected: { stack: 'nestjs', evidence: ["404 {\"message\":\"Cannot OPTIONS /api/items/1\",\"error\":\"Not Found\",\"statusCode\":404} is NestJS's router finding no route (NotFoundException)", "X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-preflight-continue',
    intent: 'preflight-status',
    misconfig: "app.enableCors({ origin: 'http://localhost:5173', preflightContinue: true }): the OPTIONS goes on to Nest's router, which has no OPTIONS route (404 with the CORS headers)",
    scenario: 'preflight-continue',
    calls: [JSON_PUT],
    fix: { scenario: 'fixed', applied: 'remove preflightContinue: true' },
    expected: { stack: 'nestjs', evidence: ["404 {\"message\":\"Cannot OPTIONS /api/items/1\",\"error\":\"Not Found\",\"statusCode\":404} is NestJS's router finding no route (NotFoundException)", "X-Powered-By: Express is consistent with NestJS's default platform (Express)", "Access-Control-Allow-Methods GET,HEAD,PUT,PATCH,POST,DELETE is the cors package's default, which enableCors() uses"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-auth-before-cors',
    intent: 'auth-before-cors',
    misconfig: "NestFactory.create(AppModule, { cors: {...} }) then app.use(apiKey) in main.ts: the cors option is applied in init(), after the API-key middleware, which answers the preflight 401",
    scenario: 'auth-before-cors',
    calls: [{ method: 'GET', path: '/api/items', headers: [['X-Api-Key', 'secret']] }],
    fix: { scenario: 'fixed-auth', applied: FIRST },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["401 {\"statusCode\":401,\"message\":\"missing or wrong X-Api-Key\"} has the {statusCode, message} shape NestJS's exception filter gives errors that are not HttpExceptions", "X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-bodyparser-before-cors',
    intent: 'error-without-cors',
    misconfig: "NestFactory.create(AppModule, { cors: {...} }) then app.useBodyParser('json', { limit: '1kb' }): the parser runs before cors, its 413 has no CORS headers",
    scenario: 'bodyparser-before-cors',
    calls: [{ ...JSON_PUT, body: JSON.stringify({ name: 'renamed', notes: 'x'.repeat(2048) }) }],
    fix: { scenario: 'fixed-bodyparser', applied: FIRST },
    expected: { stack: 'nestjs', evidence: ["413 {\"statusCode\":413,\"message\":\"request entity too large\"} is NestJS's exception filter passing on body-parser's error", "X-Powered-By: Express is consistent with NestJS's default platform (Express)", "Access-Control-Allow-Methods GET,HEAD,PUT,PATCH,POST,DELETE is the cors package's default, which enableCors() uses"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
  {
    name: 'nestjs-route-header',
    intent: 'route-overrides',
    misconfig: "@Header('Access-Control-Allow-Origin', '*') on a handler while enableCors({ origin, credentials: true }) echoes the origin",
    scenario: 'route-header',
    calls: [
      { method: 'GET', path: '/api/items', credentials: 'include' },
      { method: 'GET', path: '/api/items/feed/public', credentials: 'include' },
    ],
    fix: { scenario: 'fixed-credentials', applied: "remove @Header('Access-Control-Allow-Origin', '*')" },
    expected: { recognised: 'express', stack: 'nestjs', evidence: ["X-Powered-By: Express is consistent with NestJS's default platform (Express)"], why: "NestJS on Express sends Express's marks (X-Powered-By: Express, the cors package's defaults), which name Express; only Nest's own error bodies name Nest, and this answer is a route's or a middleware's" },
  },
];
