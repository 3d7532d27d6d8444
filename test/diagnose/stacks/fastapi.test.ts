/**
 * The FastAPI profile against what a real FastAPI (Starlette CORSMiddleware, uvicorn) answered real
 * Chromium: test/fixtures/servers/fastapi.json, recorded by test/servers/record.mjs fastapi.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { fastapi } from '../../../src/diagnose/stacks/fastapi.js';
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

const fixture = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/servers/fastapi.json', import.meta.url)), 'utf8')) as { cases: Case[] };
const other = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/servers/aiohttp.json', import.meta.url)), 'utf8')) as { cases: Case[] };

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

const strong = (e: StackEvidence) => fastapi.recognise(e).filter((f) => f.weight === 'strong').map((f) => f.evidence);

const answers = fixture.cases.flatMap((c) =>
  [...c.calls, ...c.fix.calls].flatMap((run, i) => run.exchanges.filter((e) => e.target === 'api' && e.response).map((e) => [`${c.name} #${i} ${e.stage} ${e.response?.status}`, e] as const)),
);

describe('fastapi: recognise', () => {
  it.each(answers)('%s carries a strong fingerprint', (_, e) => {
    expect(strong(evidenceOf(observation(e)))).toContain('server: uvicorn');
  });

  // Every fingerprint of the answer Chrome blocked, strong and weak, as the diagnosis will quote them.
  const blocked: [string, string[]][] = [
    ['fastapi-no-cors', ['strong server: uvicorn']],
    [
      'fastapi-origin-trailing-slash',
      [
        'strong server: uvicorn',
        'weak Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Starlette CORSMiddleware\'s allow_methods=["*"]',
        "weak Access-Control-Max-Age 600 is CORSMiddleware's default max_age",
        'strong 400 "Disallowed CORS origin" is Starlette CORSMiddleware\'s preflight refusal',
      ],
    ],
    ['fastapi-origin-127', ['strong server: uvicorn']],
    ['fastapi-wildcard-credentials', ['strong server: uvicorn']],
    ['fastapi-credentials-missing', ['strong server: uvicorn']],
    [
      'fastapi-default-methods',
      [
        'strong server: uvicorn',
        "strong Access-Control-Allow-Headers Accept, Accept-Language, Content-Language, Content-Type is Starlette CORSMiddleware's list (Accept, Accept-Language, Content-Language, Content-Type always in, sorted)",
        'weak Access-Control-Allow-Methods GET with Access-Control-Max-Age 600 are CORSMiddleware\'s defaults (allow_methods=("GET",), max_age=600)',
        'strong 400 "Disallowed CORS method" is Starlette CORSMiddleware\'s preflight refusal',
      ],
    ],
    [
      'fastapi-default-headers',
      [
        'strong server: uvicorn',
        "strong Access-Control-Allow-Headers Accept, Accept-Language, Content-Language, Content-Type is Starlette CORSMiddleware's list (Accept, Accept-Language, Content-Language, Content-Type always in, sorted)",
        'weak Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Starlette CORSMiddleware\'s allow_methods=["*"]',
        "weak Access-Control-Max-Age 600 is CORSMiddleware's default max_age",
        'strong 400 "Disallowed CORS headers" is Starlette CORSMiddleware\'s preflight refusal',
      ],
    ],
    ['fastapi-auth-middleware-outside-cors', ['strong server: uvicorn']],
    ['fastapi-unhandled-500', ['strong server: uvicorn', 'weak 500 "Internal Server Error" (text/plain) is Starlette\'s ServerErrorMiddleware page']],
    ['fastapi-route-headers-405', ['strong server: uvicorn', 'strong 405 {"detail":"Method Not Allowed"} is FastAPI\'s HTTPException answer']],
    ['fastapi-hand-rolled-405', ['strong server: uvicorn', 'strong 405 {"detail":"Method Not Allowed"} is FastAPI\'s HTTPException answer']],
  ];
  it.each(blocked)('%s: the blocked answer', (name, prints) => {
    const c = fixture.cases.find((x) => x.name === name) as Case;
    const { exchange } = failing(c);
    expect(fastapi.recognise(evidenceOf(exchange)).map((f) => `${f.weight} ${f.evidence}`)).toEqual(prints);
  });

  it('covers every recorded case', () => {
    expect(blocked.map(([n]) => n)).toEqual(fixture.cases.map((c) => c.name));
  });
});

describe('fastapi: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: the fix for its intent holds what was applied', (_, c) => {
    expect(fastapi.fix(contextFor(c))).toContain(c.fix.applied);
  });

  it.each([
    ['fastapi-no-cors', 'from fastapi.middleware.cors import CORSMiddleware, then app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:5173"])'],
    ['fastapi-default-methods', 'CORSMiddleware\'s allow_methods defaults to ("GET",) and it refuses any other method with a 400 "Disallowed CORS method": allow_methods=["GET", "PUT"] (or ["*"] for all)'],
    [
      'fastapi-default-headers',
      'CORSMiddleware\'s allow_headers defaults to () (only Accept, Accept-Language, Content-Language and Content-Type pass) and it refuses others with a 400 "Disallowed CORS headers": allow_headers=["Authorization"] (or ["*"])',
    ],
    [
      'fastapi-unhandled-500',
      'ServerErrorMiddleware writes the 500 outside every app.add_middleware() layer, so it never passes CORSMiddleware (starlette#1116): wrap the whole app instead, at the end of main.py: app = CORSMiddleware(app, allow_origins=["http://localhost:5173"]) and let uvicorn serve that object; or catch the exception and return a JSONResponse(status_code=500)',
    ],
  ])('%s: the whole fix', (name, text) => {
    expect(fastapi.fix(contextFor(fixture.cases.find((c) => c.name === name) as Case))).toBe(text);
  });

  // Chrome reports Starlette's 400 refusals as a status failure when the origin passed: the fix still names what was refused.
  it.each([
    ['fastapi-default-methods', 'allow_methods=["GET", "PUT"]'],
    ['fastapi-default-headers', 'allow_headers=["Authorization"]'],
  ])('%s read as preflight-status still gets the list fix', (name, applied) => {
    const c = fixture.cases.find((x) => x.name === name) as Case;
    expect(fastapi.fix({ ...contextFor(c), code: 'preflight-status' })).toContain(applied);
  });
});

describe('fastapi: answers of other stacks', () => {
  const lines = (...l: [string, string][]) => l;
  const hand: [string, StackEvidence][] = [
    ['nginx 404', { stage: 'preflight', status: 404, headers: lines(['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']), related: [], identity: [] }],
    [
      'Express with cors defaults',
      { stage: 'preflight', status: 204, headers: lines(['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Vary', 'Access-Control-Request-Headers']), related: [], identity: [] },
    ],
    [
      'Flask with flask-cors defaults',
      { stage: 'preflight', status: 200, headers: lines(['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['Access-Control-Allow-Origin', 'http://localhost:5173']), related: [], identity: [] },
    ],
    [
      'Django with django-cors-headers defaults',
      {
        stage: 'preflight',
        status: 200,
        headers: lines(['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['access-control-allow-headers', 'accept, authorization, content-type, user-agent, x-csrftoken, x-requested-with'], ['access-control-allow-methods', 'DELETE, GET, OPTIONS, PATCH, POST, PUT'], ['access-control-max-age', '86400']),
        body: { text: '{"detail":"Not found."}', type: 'application/json', bytes: 23, truncated: false },
        related: [],
        identity: [],
      },
    ],
    ['Go net/http 404', { stage: 'request', status: 404, headers: lines(['Content-Type', 'text/plain; charset=utf-8']), body: { text: '404 page not found\n', type: 'text/plain; charset=utf-8', bytes: 19, truncated: false }, related: [], identity: [] }],
    ...other.cases.flatMap((c) => c.calls.flatMap((run) => run.exchanges.filter((e) => e.response).map((e) => [`aiohttp ${c.name} ${e.stage} ${e.response?.status}`, evidenceOf(observation(e))] as [string, StackEvidence]))),
  ];
  it.each(hand)('%s: no strong fingerprint', (_, e) => {
    expect(strong(e)).toEqual([]);
  });
});
