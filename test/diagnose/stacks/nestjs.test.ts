/**
 * The NestJS profile against what real NestJS 12 on Express 5 (enableCors, the cors package)
 * answered Chromium (test/fixtures/servers/nestjs.json, recorded by `node test/servers/record.mjs nestjs`).
 */
import { describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../../src/cors/types.js';
import { nestjs } from '../../../src/diagnose/stacks/nestjs.js';
import { caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itRecognisesTheRecording, loadFixture, otherAnswer } from '../../support/stack-cases.js';

const fixture = loadFixture('nestjs');

describe('nestjs: recognise', () => {
  itRecognisesTheRecording(nestjs, fixture);
});

describe('nestjs: fix', () => {
  itFixesEveryCase(nestjs, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('auth-before-cors is about order in main.ts, not headers', () => {
    const c = caseNamed(fixture, 'nestjs-auth-before-cors');
    expect(nestjs.fix(contextFor(c))).toBe(
      "Middleware registered with app.use() answered the preflight 401 (a preflight never carries keys or cookies) before CORS ran; Nest's guards run after enableCors()'s middleware and never see preflights. Fix: call app.enableCors({ origin: 'http://localhost:5173' }) first, before app.use() and app.useBodyParser(): Express runs middleware in registration order, and the cors option of NestFactory.create() is applied only in init() (at listen()), after everything main.ts registered",
    );
  });

  it('route-overrides quotes the value the handler set', () => {
    const c = caseNamed(fixture, 'nestjs-route-header');
    expect(nestjs.fix(contextFor(c))).toBe(
      "The /api/items/feed/public handler sets Access-Control-Allow-Origin itself over what enableCors() sent: remove @Header('Access-Control-Allow-Origin', '*') from it (or its res.header(...)) and let enableCors() answer",
    );
  });

  it('a guard\'s ForbiddenException body names Nest', () => {
    const e = { stage: 'request' as const, status: 403, headers: [['X-Powered-By', 'Express']] as HeaderLine[], body: { text: '{"message":"Forbidden resource","error":"Forbidden","statusCode":403}', type: 'application/json; charset=utf-8', bytes: 69, truncated: false }, related: [], identity: [] };
    expect(nestjs.recognise(e).filter((f) => f.weight === 'strong').map((f) => f.evidence)).toEqual([
      '403 {"message":"Forbidden resource","error":"Forbidden","statusCode":403} is a NestJS guard refusing (ForbiddenException)',
    ]);
  });
});

describe('nestjs: other stacks are not NestJS', () => {
  itFindsNoStrongFingerprint(nestjs, [
    ['nginx 404', otherAnswer([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + cors preflight', otherAnswer([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Vary', 'Access-Control-Request-Headers'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Express 404 page', otherAnswer([['X-Powered-By', 'Express'], ['Content-Security-Policy', "default-src 'none'"], ['Content-Type', 'text/html; charset=utf-8']], 404, '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /api/items</pre>\n</body>\n</html>\n')],
    ['Fastify 404 (statusCode last, but Fastify\'s message)', otherAnswer([['content-type', 'application/json; charset=utf-8']], 404, '{"message":"Route OPTIONS:/api/items not found","error":"Not Found","statusCode":404}')],
    ['Fastify 500 (statusCode first)', otherAnswer([['content-type', 'application/json; charset=utf-8']], 500, '{"statusCode":500,"error":"Internal Server Error","message":"boom"}')],
    ['hapi 404', otherAnswer([['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-cache']], 404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')],
    ['an app\'s own { statusCode, message } 401', otherAnswer([['Content-Type', 'application/json']], 401, '{"statusCode":401,"message":"missing token"}')],
    ['Go net/http 404', otherAnswer([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ]);
});
