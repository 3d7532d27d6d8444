/**
 * The Hono profile against what real Hono 4.13 + hono/cors on @hono/node-server answered Chromium
 * (test/fixtures/servers/hono.json, recorded by `node test/servers/record.mjs hono`).
 */
import { describe, expect, it } from 'vitest';
import { hono } from '../../../src/diagnose/stacks/hono.js';
import { caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itRecognisesTheRecording, loadFixture, otherAnswer } from '../../support/stack-cases.js';

const fixture = loadFixture('hono');

describe('hono: recognise', () => {
  itRecognisesTheRecording(hono, fixture);
});

describe('hono: fix', () => {
  itFixesEveryCase(hono, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('method-not-allowed keeps the list as sent (the docs example) and adds the method', () => {
    const c = caseNamed(fixture, 'hono-docs-methods');
    expect(hono.fix(contextFor(c))).toBe(
      "cors() was given allowMethods without PUT: allowMethods: ['POST', 'GET', 'OPTIONS', 'PUT'] (or leave allowMethods out: the default is GET,HEAD,PUT,POST,DELETE,PATCH,QUERY)",
    );
  });

  it('auth-before-cors is about order, not headers', () => {
    const c = caseNamed(fixture, 'hono-auth-before-cors');
    expect(hono.fix(contextFor(c))).toBe(
      "Hono runs middleware in registration order, and a preflight never carries the token, so the auth middleware answered it 401 before cors() ran: register app.use('*', cors({ origin: 'http://localhost:5173' })) before your auth middleware (bearerAuth, basicAuth, jwt); cors() then answers the preflight itself (204) and its headers stay on the 401s that follow",
    );
  });

  it('a non-2xx preflight with CORS headers has no Hono-specific fix (hono/cors answers preflights 204 itself)', () => {
    const c = caseNamed(fixture, 'hono-basepath-double');
    expect(hono.fix({ ...contextFor(c), code: 'preflight-status' })).toBeUndefined();
  });
});

describe('hono: other stacks are not Hono', () => {
  itFindsNoStrongFingerprint(hono, [
    ['nginx 404', otherAnswer([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + cors preflight', otherAnswer([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Vary', 'Origin, Access-Control-Request-Headers'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Koa + @koa/cors preflight', otherAnswer([['Vary', 'Origin'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,POST,DELETE,PATCH']], 204, '', 'preflight')],
    ['Koa 404', otherAnswer([['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', '9']], 404, 'Not Found')],
    ['hapi 404', otherAnswer([['content-type', 'application/json; charset=utf-8'], ['vary', 'origin'], ['access-control-allow-origin', 'http://localhost:5173'], ['cache-control', 'no-cache']], 404, '{"statusCode":404,"error":"Not Found","message":"Not Found"}')],
    ['uvicorn + Starlette (lower-case names)', otherAnswer([['server', 'uvicorn'], ['access-control-allow-methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['access-control-allow-origin', 'http://localhost:5173']], 200, 'OK', 'preflight')],
    ['a 401 with a named Bearer realm', otherAnswer([['WWW-Authenticate', 'Bearer realm="api"'], ['Content-Type', 'application/json']], 401, '{"error":"unauthorized"}')],
    ['Go net/http 404', otherAnswer([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ]);
});
