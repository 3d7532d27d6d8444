/**
 * The Fastify profile against what a real Fastify 5 with @fastify/cors 11 answered real Chromium:
 * test/fixtures/servers/fastify.json, recorded by `node test/servers/record.mjs fastify`.
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fastify } from '../../../src/diagnose/stacks/fastify.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import type { RecordedExchange } from '../../support/servers.js';
import { answersOf, caseNamed, contextFor, evidenceOf, itFindsNoStrongFingerprint, itFixesEveryCase, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, observation, otherStackAnswers, prints as printsOf, strongOf, textBody } from '../../support/stack-cases.js';

const fixture = loadFixture('fastify');
const byName = (name: string) => caseNamed(fixture, name);
const prints = (e: StackEvidence) => printsOf(fastify, e);
const strong = (e: StackEvidence) => strongOf(fastify, e);

const lowerCase = (first: string) => `weak header names in lower case (${first}) beside Node's own Date: Fastify's reply.header (also hapi, Hono on Node)`;
const jsonType = "weak content-type: application/json; charset=utf-8 (lower-case name) is the type of Fastify's JSON replies (hapi's too)";
const defaultMethods = "access-control-allow-methods: GET,HEAD,POST is @fastify/cors' default methods (since 11), sent with a lower-case name";

describe('fastify: recognise', () => {
  /**
   * Fastify sends no Server or X-Powered-By header. Its own answers name it (the 404 JSON, the
   * FST_ERR codes, @fastify/cors' default method list); an answer of a route or hook with neither
   * carries only weak marks (lower-case names, which hapi and Hono on Node share), so the
   * diagnosis needs the paired preflight, the history or --stack to name Fastify there.
   */
  const expectedStrong = (e: RecordedExchange): string[] => {
    const o = observation(e);
    const text = o.body?.text ?? '';
    const out: string[] = [];
    const code = /"code":"(FST_[A-Z_]+)"/.exec(text)?.[1];
    if (code) out.push(`${o.response.status} body "code":"${code}" is a Fastify error code`);
    const route = /^\{"message":"Route (\S+) not found"/.exec(text)?.[1];
    if (route) out.push(`404 body {"message":"Route ${route} not found",…} is Fastify's default 404`);
    if (o.response.headers.some(([n, v]) => n === 'access-control-allow-methods' && v === 'GET,HEAD,POST')) out.push(defaultMethods);
    return out;
  };
  it.each(answersOf(fixture.cases))('%s: the strong marks its body and lists allow', (_, e) => {
    expect(strong(evidenceOf(observation(e)))).toEqual(expectedStrong(e));
  });
  it.each(answersOf(fixture.cases).filter(([, e]) => expectedStrong(e).length === 0))('%s: without them, lower-case names only', (_, e) => {
    expect(prints(evidenceOf(observation(e))).filter((p) => p.startsWith('weak header names in lower case'))).toHaveLength(1);
  });

  const blocked: [string, string[]][] = [
    ['fastify-no-cors', [lowerCase('content-type'), jsonType]],
    ['fastify-default-methods', [`strong ${defaultMethods}`, lowerCase('access-control-allow-origin')]],
    ['fastify-route-cors-false', [`strong ${defaultMethods}`, lowerCase('content-type'), jsonType]],
    ['fastify-auth-hook-before-cors', [lowerCase('www-authenticate'), jsonType]],
    ['fastify-hook-prehandler-json-error', ['strong 400 body "code":"FST_ERR_CTP_INVALID_JSON_BODY" is a Fastify error code', `strong ${defaultMethods}`, lowerCase('content-type'), jsonType]],
    ['fastify-credentials-wildcard', [lowerCase('access-control-allow-origin'), jsonType]],
    ['fastify-origin-3000', [lowerCase('access-control-allow-origin'), jsonType]],
    ['fastify-origin-csv', [lowerCase('access-control-allow-origin'), jsonType]],
    ['fastify-handler-headers', ['strong 404 body {"message":"Route OPTIONS:/api/items/1 not found",…} is Fastify\'s default 404', lowerCase('content-type'), jsonType]],
    ['fastify-hook-headers-404', ['strong 404 body {"message":"Route OPTIONS:/api/items/1 not found",…} is Fastify\'s default 404', lowerCase('access-control-allow-origin'), jsonType]],
    ['fastify-no-credentials', [lowerCase('access-control-allow-origin'), jsonType]],
    ['fastify-origin-127', [`strong ${defaultMethods}`, lowerCase('vary')]],
  ];
  itPrintsTheBlockedAnswers(fastify, fixture, blocked);

  // Not seen in the recording (the capture proxy closes each connection): Fastify's keepAliveTimeout.
  it.each([
    ['lower-case names', [['content-type', 'application/json; charset=utf-8'], ['Date', 'Thu, 03 Dec 2026 08:26:08 GMT'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=72']], 'strong'],
    ['names as written', [['Content-Type', 'application/json; charset=utf-8'], ['Date', 'Thu, 03 Dec 2026 08:26:08 GMT'], ['Connection', 'keep-alive'], ['Keep-Alive', 'timeout=72']], 'weak'],
  ] as [string, HeaderLine[], string][])('Keep-Alive: timeout=72 with %s', (_, headers, weight) => {
    const e: StackEvidence = { stage: 'request', status: 200, headers, related: [], identity: [] };
    expect(prints(e)).toContain(`${weight} Keep-Alive: timeout=72 is Fastify's default keepAliveTimeout (72 s)`);
  });

  it("reads @fastify/cors' strictPreflight refusal", () => {
    const e: StackEvidence = { stage: 'preflight', status: 400, headers: [['content-type', 'text/plain; charset=utf-8']], body: { text: 'Invalid Preflight Request', type: 'text/plain; charset=utf-8', bytes: 25, truncated: false }, related: [], identity: [] };
    expect(strong(e)).toEqual(['400 "Invalid Preflight Request" is @fastify/cors\' strictPreflight answer']);
  });
});

describe('fastify: fix', () => {
  itFixesEveryCase(fastify, fixture);

  itWritesTheWholeFix(fastify, fixture, [
    ['fastify-no-cors', "Register @fastify/cors (npm install @fastify/cors; import cors from '@fastify/cors'): await fastify.register(cors, { origin: 'http://localhost:5173' })"],
    ['fastify-default-methods', "@fastify/cors allows GET,HEAD,POST (its default is GET,HEAD,POST since 11): add PUT in the plugin's options: methods: ['GET', 'HEAD', 'POST', 'PUT']"],
    [
      'fastify-auth-hook-before-cors',
      "Fastify runs onRequest hooks in the order they are added, and a preflight never carries credentials, so the authentication answered 401 before @fastify/cors ran: register @fastify/cors before the authentication hook: await fastify.register(cors, { origin: 'http://localhost:5173' }) first, then fastify.addHook('onRequest', authenticate). @fastify/cors answers preflights in its own onRequest hook for this; keep its hook option at 'onRequest'",
    ],
    [
      'fastify-origin-csv',
      "@fastify/cors sends a string origin as is, so a comma-separated list goes out as one invalid value: pass an array in the plugin's options: origin: ['http://localhost:5173', 'http://localhost:3000'] (from an environment variable: process.env.CORS_ORIGIN.split(','))",
    ],
    [
      'fastify-handler-headers',
      "Nothing answers OPTIONS /api/items/1 (status 404): headers set in handlers or hooks do not make an OPTIONS route. Register @fastify/cors, which adds an OPTIONS * route and answers preflights: await fastify.register(cors, { origin: 'http://localhost:5173', methods: ['GET', 'HEAD', 'POST', 'PUT'] }), and drop the hand-set headers",
    ],
  ]);

  it('a trailing slash is fixed to the one origin, not a list', () => {
    const ctx = { ...contextFor(byName('fastify-origin-csv')), allowOrigin: 'http://localhost:5173/' };
    expect(fastify.fix(ctx)).toBe("@fastify/cors sends a string origin as is, and http://localhost:5173/ is not an origin (scheme://host:port, no trailing slash or path): await fastify.register(cors, { origin: 'http://localhost:5173' })");
  });
});

describe('fastify: answers of other stacks', () => {
  const lines = (...l: [string, string][]) => l;
  const hand: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'preflight', status: 404, headers: lines(['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']), related: [], identity: [] }],
    ['Flask 404', { stage: 'preflight', status: 404, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Content-Type', 'text/html; charset=utf-8']), related: [], identity: [] }],
    // hapi's Boom error has the serializer's keys, but no FST_ code and no "Route … not found".
    ['hapi Boom 404', { stage: 'preflight', status: 404, headers: lines(['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-cache'], ['Date', 'Thu, 03 Dec 2026 08:26:08 GMT']), body: textBody('{"statusCode":404,"error":"Not Found","message":"Not Found"}', 'application/json; charset=utf-8'), related: [], identity: [] }],
    ['Hono cors preflight', { stage: 'preflight', status: 204, headers: lines(['access-control-allow-methods', 'GET,HEAD,PUT,POST,DELETE,PATCH'], ['access-control-allow-origin', '*'], ['Date', 'Thu, 03 Dec 2026 08:26:08 GMT']), related: [], identity: [] }],
    ['NestJS 404 on Express', { stage: 'preflight', status: 404, headers: lines(['X-Powered-By', 'Express'], ['Content-Type', 'application/json; charset=utf-8']), body: textBody('{"message":"Cannot OPTIONS /api/items/1","error":"Not Found","statusCode":404}', 'application/json; charset=utf-8'), related: [], identity: [] }],
    // The cors package's default list, written with its own case: Express, not @fastify/cors.
    ['Express cors defaults', { stage: 'preflight', status: 204, headers: lines(['X-Powered-By', 'Express'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Content-Length', '0']), related: [], identity: [] }],
    ['Go net/http 404', { stage: 'request', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8']), body: textBody('404 page not found\n', 'text/plain; charset=utf-8'), related: [], identity: [] }],
    ...otherStackAnswers('express'),
  ];
  itFindsNoStrongFingerprint(fastify, hand);
});
