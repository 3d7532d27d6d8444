/**
 * The aiohttp profile against what a real aiohttp with aiohttp-cors answered real Chromium:
 * test/fixtures/servers/aiohttp.json, recorded by test/servers/record.mjs aiohttp.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { aiohttp } from '../../../src/diagnose/stacks/aiohttp.js';
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

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/servers/aiohttp.json', import.meta.url)), 'utf8')) as { cases: Case[] };
const other = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/servers/fastapi.json', import.meta.url)), 'utf8')) as { cases: Case[] };

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

/**
 * The exchange Chrome blocked in the case's last call: its preflight if that failed, else the request.
 * Judged with the credentials mode the page used, which the recording knows.
 */
function failing(c: Case): { exchange: Observation; verdict: Verdict; preflight?: { observation: Observation; verdict: Verdict } } {
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
  return fixContext(failing(c), { code: c.intent, evidence: [] });
}

const strong = (e: StackEvidence) => aiohttp.recognise(e).filter((f) => f.weight === 'strong').map((f) => f.evidence);

const answers = fixture.cases.flatMap((c) =>
  [...c.calls, ...c.fix.calls].flatMap((run, i) => run.exchanges.filter((e) => e.target === 'api' && e.response).map((e) => [`${c.name} #${i} ${e.stage} ${e.response?.status}`, e] as const)),
);

describe('aiohttp: recognise', () => {
  it.each(answers)('%s carries a strong fingerprint', (_, e) => {
    expect(strong(evidenceOf(observation(e)))).toContain('Server: Python/3.11 aiohttp/3.8.4');
  });

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
  it.each(blocked)('%s: the blocked answer', (name, prints) => {
    const c = fixture.cases.find((x) => x.name === name) as Case;
    const { exchange } = failing(c);
    expect(aiohttp.recognise(evidenceOf(exchange)).map((f) => `${f.weight} ${f.evidence}`)).toEqual(prints);
  });

  it('covers every recorded case', () => {
    expect(blocked.map(([n]) => n)).toEqual(fixture.cases.map((c) => c.name));
  });

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
  ])('%s: the first %s of the fixed run', (name, stage, prints) => {
    const c = fixture.cases.find((x) => x.name === name) as Case;
    const e = c.fix.calls.flatMap((r) => r.exchanges).find((x) => x.stage === stage) as Recorded;
    expect(aiohttp.recognise(evidenceOf(observation(e))).map((f) => `${f.weight} ${f.evidence}`)).toEqual(prints);
  });
});

describe('aiohttp: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the fix for its intent holds what was applied', (_, c) => {
    expect(aiohttp.fix(contextFor(c))).toContain(c.fix.applied);
  });

  it.each([
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
  ])('%s: the whole fix', (name, text) => {
    expect(aiohttp.fix(contextFor(fixture.cases.find((c) => c.name === name) as Case))).toBe(text);
  });
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
    ...other.cases.flatMap((c) => c.calls.flatMap((run) => run.exchanges.filter((e) => e.response).map((e) => [`fastapi ${c.name} ${e.stage} ${e.response?.status}`, evidenceOf(observation(e))] as [string, StackEvidence]))),
  ];
  it.each(hand)('%s: no strong fingerprint', (_, e) => {
    expect(strong(e)).toEqual([]);
  });
});
