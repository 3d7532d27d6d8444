/**
 * The Express profile against what a real Express 5 with the cors package answered real Chromium:
 * test/fixtures/servers/express.json, recorded by `node test/servers/record.mjs express`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { express } from '../../../src/diagnose/stacks/express.js';
import type { DiagnosisCode, FixContext, Observation, StackEvidence } from '../../../src/diagnose/types.js';

interface Recorded {
  stage: 'preflight' | 'request';
  target: string;
  request: { method: string; url: string; headers: HeaderLine[] };
  response?: { status: number; headers: HeaderLine[] };
  body?: { base64: string; bytes: number; truncated: boolean };
}
interface Run {
  call: { credentials?: string };
  exchanges: Recorded[];
}
interface Case {
  name: string;
  intent: DiagnosisCode;
  calls: Run[];
  fix: { applied: string; calls: Run[] };
}

const load = (stack: string) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/servers/${stack}.json`, import.meta.url)), 'utf8')) as { cases: Case[] };
const fixture = load('express');
const byName = (name: string) => fixture.cases.find((c) => c.name === name) as Case;

function observation(e: Recorded): Observation {
  const type = e.response?.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    stage: e.stage,
    request: e.request,
    response: e.response ?? { status: 0, headers: [] },
    ...(e.body ? { body: { text: Buffer.from(e.body.base64, 'base64').toString('utf8'), type, bytes: e.body.bytes, truncated: e.body.truncated } } : {}),
  };
}

function evidenceOf(o: Observation, related: Observation[] = []): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: related.map((r) => r.response), identity: [] };
}

interface Failing {
  exchange: Observation;
  verdict: Verdict;
  preflight?: { observation: Observation; verdict: Verdict };
}

/**
 * The exchange Chrome blocked in the case's last call (its preflight if that failed, else the
 * request, or the redirect that left for the sign-in page), judged with the page's credentials mode.
 */
function failing(c: Case): Failing {
  const last = c.calls.at(-1) as Run;
  const credentials = last.call.credentials === 'include' ? 'include' : 'omit';
  const judged = (o: Observation) => judge({ ...o, context: { credentials } });
  const exchanges = last.exchanges.filter((e) => e.target === 'api' && e.response);
  const pre = exchanges.find((e) => e.stage === 'preflight');
  const req = exchanges.find((e) => e.stage === 'request');
  if (pre) {
    const preflight = observation(pre);
    const verdict = judged(preflight);
    if (verdict.verdict === 'blocked' || !req) return { exchange: preflight, verdict };
    const exchange = observation(req);
    return { exchange, verdict: judged(exchange), preflight: { observation: preflight, verdict } };
  }
  const exchange = observation(req as Recorded);
  return { exchange, verdict: judged(exchange) };
}

function contextFor(c: Case): FixContext {
  const f = failing(c);
  const location = f.exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  return fixContext(f, { code: c.intent, evidence: [], ...(location ? { location } : {}) });
}

const prints = (e: StackEvidence) => express.recognise(e).map((f) => `${f.weight} ${f.evidence}`);
const strong = (e: StackEvidence) => express.recognise(e).filter((f) => f.weight === 'strong').map((f) => f.evidence);

const answersOf = (cases: Case[]) =>
  cases.flatMap((c) =>
    [...c.calls, ...c.fix.calls].flatMap((run, i) =>
      run.exchanges.filter((e) => e.target === 'api' && e.response).map((e) => [`${c.name} #${i} ${e.stage} ${e.response?.status}`, e] as const),
    ),
  );

describe('express: recognise', () => {
  // Express's init middleware sets X-Powered-By on every answer, the cors package's and the auth's alike.
  it.each(answersOf(fixture.cases))('%s carries X-Powered-By: Express', (_, e) => {
    expect(strong(evidenceOf(observation(e)))).toContain('X-Powered-By: Express');
  });

  // Every fingerprint of the answer Chrome blocked (with its preflight), as the diagnosis will quote them.
  const cors = "weak Access-Control-Allow-Methods GET,HEAD,PUT,PATCH,POST,DELETE is the cors package's default";
  const own204 = "weak preflight 204 with Content-Length: 0 is the cors package's own answer (optionsSuccessStatus 204)";
  const blocked: [string, string[]][] = [
    ['express-no-cors', ['strong X-Powered-By: Express', 'weak ETag: W/"19-tlFMrV2XM3OR/BTpFpBrZDQ6kK0" is res.send\'s weak ETag']],
    ['express-auth-before-cors', ['strong X-Powered-By: Express', 'weak ETag: W/"18-gH7/fIZxPCVRh6TuPVNAgHt/40I" is res.send\'s weak ETag']],
    [
      'express-origin-callback-error',
      [
        'strong X-Powered-By: Express',
        'strong 500 page "Error: Not allowed by CORS" is Express\'s default error handler (finalhandler)',
        'weak "Error: Not allowed by CORS" is what a cors origin function passes for an origin it refuses',
      ],
    ],
    ['express-origin-127', ['strong X-Powered-By: Express', cors]],
    ['express-json-before-cors', ['strong X-Powered-By: Express', 'strong X-Powered-By: Express (on the paired answer)', cors, 'weak ETag: W/"10-ezY8G4nlvJU7IxGyOdeWYrPLNsU" is res.send\'s weak ETag']],
    ['express-route-cors-no-options', ['strong X-Powered-By: Express', "strong 200 to OPTIONS with Allow: GET, HEAD, PUT and the same list as its body is Express's automatic OPTIONS answer"]],
    ['express-default-wildcard-credentials', ['strong X-Powered-By: Express', 'weak ETag: W/"2b-NKu1NSUti1uWk1Lt2HDRko6dFgk" is res.send\'s weak ETag']],
    ['express-route-sets-star', ['strong X-Powered-By: Express', 'weak ETag: W/"a-Pq5+d0bZyIydiFZ0JoLVYrqJ5TA" is res.send\'s weak ETag']],
    ['express-append-after-cors', ['strong X-Powered-By: Express', 'weak ETag: W/"19-tlFMrV2XM3OR/BTpFpBrZDQ6kK0" is res.send\'s weak ETag']],
    ['express-origin-trailing-slash', ['strong X-Powered-By: Express', 'weak ETag: W/"2b-NKu1NSUti1uWk1Lt2HDRko6dFgk" is res.send\'s weak ETag']],
    ['express-redirect-to-login', ['strong X-Powered-By: Express']],
    ['express-allowed-headers', ['strong X-Powered-By: Express', cors, own204]],
    ['express-methods', ['strong X-Powered-By: Express', own204]],
    ['express-preflight-continue', ['strong X-Powered-By: Express', cors, 'weak ETag: W/"18-gH7/fIZxPCVRh6TuPVNAgHt/40I" is res.send\'s weak ETag']],
  ];
  it.each(blocked)('%s: the blocked answer', (name, expected) => {
    const { exchange, preflight } = failing(byName(name));
    expect(prints(evidenceOf(exchange, preflight ? [preflight.observation] : []))).toEqual(expected);
  });

  it('covers every recorded case', () => {
    expect(blocked.map(([n]) => n)).toEqual(fixture.cases.map((c) => c.name));
  });

  // With X-Powered-By turned off (app.disable('x-powered-by'), helmet) the answer's own marks remain.
  it.each([
    ['express-route-cors-no-options', "200 to OPTIONS with Allow: GET, HEAD, PUT and the same list as its body is Express's automatic OPTIONS answer"],
    ['express-origin-callback-error', '500 page "Error: Not allowed by CORS" is Express\'s default error handler (finalhandler)'],
  ])('%s without X-Powered-By', (name, evidence) => {
    const { exchange } = failing(byName(name));
    const headers = exchange.response.headers.filter(([n]) => n !== 'X-Powered-By');
    expect(strong({ ...evidenceOf(exchange), headers })).toEqual([evidence]);
  });

  it('reads X-Powered-By from the server identity corscope remembers', () => {
    const e: StackEvidence = { stage: 'request', status: 200, headers: [['Content-Type', 'application/json']], related: [], identity: [['X-Powered-By', 'Express']] };
    expect(strong(e)).toEqual(['X-Powered-By: Express (on earlier answers)']);
  });
});

describe('express: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the fix for its intent holds what was applied', (_, c) => {
    expect(express.fix(contextFor(c))).toContain(c.fix.applied);
  });

  it.each([
    ['express-no-cors', "Install the cors package (npm install cors) and register it before the routes: import cors from 'cors'; app.use(cors({ origin: 'http://localhost:5173' }))"],
    [
      'express-auth-before-cors',
      "Express runs middleware in the order it is registered, and a preflight never carries credentials, so the authentication answered 401 before cors() ran: register app.use(cors({ origin: 'http://localhost:5173' })) before your authentication middleware, so cors() answers the preflight itself (204) and 401s keep the CORS headers",
    ],
    [
      'express-origin-callback-error',
      "The cors origin function refused http://localhost:5173 with an Error, which Express answers as a 500 page without CORS headers: add 'http://localhost:5173' to the list it checks, and refuse other origins with callback(null, false) rather than callback(new Error(...)). Or give cors() the list itself: app.use(cors({ origin: ['http://localhost:5173'] }))",
    ],
    [
      'express-route-cors-no-options',
      "Express answered OPTIONS /api/items/1 itself (its automatic answer with Allow, status 200): cors() given to a route runs only for that route's methods. Answer preflights with app.use(cors({ origin: 'http://localhost:5173' })) before the routes, or add app.options('/api/items/1', cors({ origin: 'http://localhost:5173' })) next to the route",
    ],
    [
      'express-methods',
      "cors() allows GET,POST: add DELETE to its options: methods: ['GET', 'POST', 'DELETE'] (or leave methods out: the default is GET,HEAD,PUT,PATCH,POST,DELETE)",
    ],
  ])('%s: the whole fix', (name, text) => {
    expect(express.fix(contextFor(byName(name)))).toBe(text);
  });
});

describe('express: answers of other stacks', () => {
  const lines = (...l: [string, string][]) => l;
  const text = (t: string, type: string) => ({ text: t, type, bytes: t.length, truncated: false });
  const hand: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'preflight', status: 404, headers: lines(['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']), related: [], identity: [] }],
    [
      'Flask with flask-cors defaults',
      { stage: 'preflight', status: 200, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'PUT, OPTIONS, GET, HEAD'], ['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']), related: [], identity: [] },
    ],
    // Werkzeug's automatic OPTIONS answers with Allow and an empty body: not Express's echo of the list.
    ['Flask automatic OPTIONS', { stage: 'preflight', status: 200, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'GET, HEAD, OPTIONS, PUT']), body: text('', 'text/html; charset=utf-8'), related: [], identity: [] }],
    ['Koa 404', { stage: 'preflight', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', '9']), body: text('Not Found', 'text/plain; charset=utf-8'), related: [], identity: [] }],
    ['Go net/http 404', { stage: 'request', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8']), body: text('404 page not found\n', 'text/plain; charset=utf-8'), related: [], identity: [] }],
    ['hapi Boom 404', { stage: 'preflight', status: 404, headers: lines(['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-cache']), body: text('{"statusCode":404,"error":"Not Found","message":"Not Found"}', 'application/json; charset=utf-8'), related: [], identity: [] }],
    ...answersOf(load('fastify').cases).map(([name, e]) => [`fastify ${name}`, evidenceOf(observation(e))] as [string, StackEvidence]),
  ];
  it.each(hand)('%s: no strong fingerprint', (_, e) => {
    expect(strong(e)).toEqual([]);
  });
});
