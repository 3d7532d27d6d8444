/**
 * The FastAPI profile against what a real FastAPI (Starlette CORSMiddleware, uvicorn) answered real
 * Chromium: test/fixtures/servers/fastapi.json, recorded by test/servers/record.mjs fastapi.
 */
import { describe, expect, it } from 'vitest';
import { fastapi } from '../../../src/diagnose/stacks/fastapi.js';
import type { StackEvidence } from '../../../src/diagnose/types.js';
import { brokenRunAnswers, caseNamed, contextFor, evidenceOf, failing, itFindsNoStrongFingerprint, itFixesEveryCase, itMarksEveryAnswer, itPrintsTheBlockedAnswers, itWritesTheWholeFix, loadFixture, type StackCase } from '../../support/stack-cases.js';

const fixture = loadFixture('fastapi');
/** The blocked answer alone, as these tests read it: without its paired preflight. */
const blockedAlone = (c: StackCase) => evidenceOf(failing(c).exchange);

describe('fastapi: recognise', () => {
  itMarksEveryAnswer(fastapi, fixture, 'server: uvicorn', '%s carries a strong fingerprint');

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
  itPrintsTheBlockedAnswers(fastapi, fixture, blocked, blockedAlone);
});

describe('fastapi: fix', () => {
  itFixesEveryCase(fastapi, fixture);

  itWritesTheWholeFix(fastapi, fixture, [
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
  ]);

  // Chrome reports Starlette's 400 refusals as a status failure when the origin passed: the fix still names what was refused.
  it.each([
    ['fastapi-default-methods', 'allow_methods=["GET", "PUT"]'],
    ['fastapi-default-headers', 'allow_headers=["Authorization"]'],
  ])('%s read as preflight-status still gets the list fix', (name, applied) => {
    const c = caseNamed(fixture, name);
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
    ...brokenRunAnswers('aiohttp'),
  ];
  itFindsNoStrongFingerprint(fastapi, hand);
});
