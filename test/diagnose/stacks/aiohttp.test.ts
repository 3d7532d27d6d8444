/**
 * The aiohttp profile against what a real aiohttp with aiohttp-cors answered real Chromium:
 * test/fixtures/servers/aiohttp.json, recorded by test/servers/record.mjs aiohttp.
 */
import { describe, expect, it } from 'vitest';
import { aiohttp } from '../../../src/diagnose/stacks/aiohttp.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import type { RecordedExchange } from '../../support/servers.js';
import { brokenRunAnswers, caseNamed, evidenceOf, failing, itFindsNoStrongFingerprint, itFixesEveryCase, itMarksEveryAnswer, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, observation, prints, type StackCase } from '../../support/stack-cases.js';

const fixture = loadFixture('aiohttp');
/** The blocked answer alone, as these tests read it: without its paired preflight. */
const blockedAlone = (c: StackCase) => evidenceOf(failing(c).exchange);

describe('aiohttp: recognise', () => {
  itMarksEveryAnswer(aiohttp, fixture, 'Server: Python/3.11 aiohttp/3.8.4', '%s carries a strong fingerprint');

  // Every fingerprint of the answer Chrome blocked, strong and weak, as the diagnosis will quote them.
  const server = 'strong Server: Python/3.11 aiohttp/3.8.4';
  const blocked: [string, string[]][] = [
    ['aiohttp-no-cors', [server]],
    ['aiohttp-origin-127', [server]],
    ['aiohttp-origin-trailing-slash', [server, `strong 403 "CORS preflight request failed: origin 'http://localhost:5173' is not allowed" is aiohttp-cors' preflight refusal`]],
    ['aiohttp-credentials-missing', [server]],
    ['aiohttp-default-headers', [server, `strong 403 "CORS preflight request failed: headers are not allowed: CONTENT-TYPE" is aiohttp-cors' preflight refusal`]],
    ['aiohttp-method-not-added', [server, `strong 403 "CORS preflight request failed: request method 'PUT' is not allowed for 'http://localhost:5173' origin" is aiohttp-cors' preflight refusal`]],
    ['aiohttp-route-after-cors', [server, `weak 405 "405: Method Not Allowed" is aiohttp's HTTPException text`]],
    ['aiohttp-auth-middleware', [server, `weak 401 "401: Unauthorized" is aiohttp's HTTPException text`]],
    ['aiohttp-hand-rolled-wildcard', [server]],
  ];
  itPrintsTheBlockedAnswers(aiohttp, fixture, blocked, blockedAlone);

  // What aiohttp-cors answers when it lets a preflight through, and aiohttp's own 500 (which it still decorates).
  it.each([
    [
      'aiohttp-default-headers',
      'preflight',
      [
        server,
        'strong Access-Control-Allow-Headers CONTENT-TYPE: the requested names upper-cased, as aiohttp-cors echoes them',
        'weak Access-Control-Allow-Methods PUT names only the requested method and no Vary, as aiohttp-cors answers',
      ],
    ],
    ['aiohttp-credentials-missing', 'request', [server, `strong 500 "500 Internal Server Error\\n\\nServer got itself in trouble" is aiohttp's own error answer`]],
  ])('%s: the first %s of the fixed run', (name, stage, expected) => {
    const c = caseNamed(fixture, name);
    const e = c.fix.calls.flatMap((r) => r.exchanges).find((x) => x.stage === stage) as RecordedExchange;
    expect(prints(aiohttp, evidenceOf(observation(e)))).toEqual(expected);
  });
});

describe('aiohttp: fix', () => {
  itFixesEveryCase(aiohttp, fixture);

  itWritesTheWholeFix(aiohttp, fixture, [
    [
      'aiohttp-no-cors',
      'cors = aiohttp_cors.setup(app, defaults={"http://localhost:5173": aiohttp_cors.ResourceOptions()}), then call cors.add(route) for every route after the last app.router.add_*(): for route in list(app.router.routes()): cors.add(route)',
    ],
    [
      'aiohttp-origin-trailing-slash',
      'add the page\'s origin to the defaults (or to the cors.add() config), spelled exactly as the browser sends it (aiohttp-cors compares strings; no trailing slash, no path): "http://localhost:5173": aiohttp_cors.ResourceOptions(allow_headers=("Content-Type",))',
    ],
    ['aiohttp-credentials-missing', 'aiohttp-cors\' allow_credentials defaults to False: "http://localhost:5173": aiohttp_cors.ResourceOptions(allow_credentials=True)'],
    [
      'aiohttp-method-not-added',
      'aiohttp-cors allows, by default (allow_methods=None), only the methods of routes passed to cors.add(): cors.add() the PUT route too, or allow_methods=["PUT"] in the ResourceOptions',
    ],
  ]);
});

describe('aiohttp: answers of other stacks', () => {
  const lines = (...l: [string, string][]) => l;
  const hand: [string, StackEvidence][] = [
    ['nginx 405', { stage: 'preflight', status: 405, headers: lines(['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']), body: { text: '<html><head><title>405 Not Allowed</title></head></html>', type: 'text/html', bytes: 56, truncated: false }, related: [], identity: [] }],
    [
      'Express with cors echoing the requested headers',
      { stage: 'preflight', status: 204, headers: lines(['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', 'http://localhost:5173'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Access-Control-Allow-Headers', 'content-type']), related: [], identity: [] },
    ],
    ['Flask (Werkzeug) 405', { stage: 'preflight', status: 405, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'GET, HEAD, OPTIONS']), related: [], identity: [] }],
    ['Python http.server', { stage: 'request', status: 500, headers: lines(['Server', 'SimpleHTTP/0.6 Python/3.11.2']), body: { text: 'Error code explanation: 500 - Server got itself in trouble.', type: 'text/html', bytes: 60, truncated: false }, related: [], identity: [] }],
    ['Go net/http 405', { stage: 'preflight', status: 405, headers: lines(['Allow', 'PUT'], ['Content-Type', 'text/plain; charset=utf-8']), body: { text: 'Method Not Allowed\n', type: 'text/plain; charset=utf-8', bytes: 19, truncated: false }, related: [], identity: [] }],
    ...brokenRunAnswers('fastapi'),
  ];
  itFindsNoStrongFingerprint(aiohttp, hand);
});
