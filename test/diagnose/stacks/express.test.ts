/**
 * The Express profile against what a real Express 5 with the cors package answered real Chromium:
 * test/fixtures/servers/express.json, recorded by `node test/servers/record.mjs express`.
 */
import { describe, expect, it } from 'vitest';
import { express } from '../../../src/diagnose/stacks/express.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import { caseNamed, evidenceOf, failing, itFindsNoStrongFingerprint, itFixesEveryCase, itMarksEveryAnswer, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, otherStackAnswers, strongOf, textBody } from '../../support/stack-cases.js';

const fixture = loadFixture('express');
const byName = (name: string) => caseNamed(fixture, name);
const strong = (e: StackEvidence) => strongOf(express, e);

describe('express: recognise', () => {
  // Express's init middleware sets X-Powered-By on every answer, the cors package's and the auth's alike.
  itMarksEveryAnswer(express, fixture, 'X-Powered-By: Express');

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
  itPrintsTheBlockedAnswers(express, fixture, blocked);

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
  itFixesEveryCase(express, fixture);

  itWritesTheWholeFix(express, fixture, [
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
  ]);
});

describe('express: answers of other stacks', () => {
  const lines = (...l: [string, string][]) => l;
  const hand: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'preflight', status: 404, headers: lines(['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']), related: [], identity: [] }],
    [
      'Flask with flask-cors defaults',
      { stage: 'preflight', status: 200, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'PUT, OPTIONS, GET, HEAD'], ['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']), related: [], identity: [] },
    ],
    // Werkzeug's automatic OPTIONS answers with Allow and an empty body: not Express's echo of the list.
    ['Flask automatic OPTIONS', { stage: 'preflight', status: 200, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'GET, HEAD, OPTIONS, PUT']), body: textBody('', 'text/html; charset=utf-8'), related: [], identity: [] }],
    ['Koa 404', { stage: 'preflight', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', '9']), body: textBody('Not Found', 'text/plain; charset=utf-8'), related: [], identity: [] }],
    ['Go net/http 404', { stage: 'request', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8']), body: textBody('404 page not found\n', 'text/plain; charset=utf-8'), related: [], identity: [] }],
    ['hapi Boom 404', { stage: 'preflight', status: 404, headers: lines(['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-cache']), body: textBody('{"statusCode":404,"error":"Not Found","message":"Not Found"}', 'application/json; charset=utf-8'), related: [], identity: [] }],
    ...otherStackAnswers('fastify'),
  ];
  itFindsNoStrongFingerprint(express, hand);
});
