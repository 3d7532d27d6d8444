/**
 * The hapi profile against what real hapi 21.4 and its route cors answered Chromium
 * (test/fixtures/servers/hapi.json, recorded by `node test/servers/record.mjs hapi`).
 */
import { describe, expect, it } from 'vitest';
import { hapi } from '../../../src/diagnose/stacks/hapi.js';
import { caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itRecognisesTheRecording, loadFixture, otherAnswer } from '../../support/stack-cases.js';

const fixture = loadFixture('hapi');

describe('hapi: recognise', () => {
  itRecognisesTheRecording(hapi, fixture);
});

describe('hapi: fix', () => {
  itFixesEveryCase(hapi, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('header-not-allowed adds only what hapi\'s default cors.headers lacks', () => {
    const c = caseNamed(fixture, 'hapi-default-headers');
    expect(hapi.fix({ ...contextFor(c), requestHeaders: ['content-type', 'x-requested-with'], missingHeaders: [] })).toBe(
      "hapi allows only cors.headers (default Accept, Authorization, Content-Type, If-None-Match) and answers any other requested header with 200 {\"message\":\"CORS error: Some headers are not allowed\"}: keep the defaults and add yours: additionalHeaders: ['X-Requested-With'], e.g. routes: { cors: { origin: ['http://localhost:5173'], additionalHeaders: ['X-Requested-With'] } }",
    );
  });

  it('auth-before-cors is about order: the check moves off onRequest (and its header joins the list)', () => {
    const c = caseNamed(fixture, 'hapi-onrequest-auth');
    expect(hapi.fix(contextFor(c))).toBe(
      "A server extension answered the preflight 401 (a preflight never carries keys or cookies): move the check from server.ext('onRequest', ...) to server.ext('onPreAuth', ...), and add additionalHeaders: ['X-Api-Key'] (or make it an auth strategy): hapi's CORS preflight route skips onPreAuth and authentication, while onRequest runs for every request before the route is looked up",
    );
  });

  it('a header hapi allows by default needs no additionalHeaders', () => {
    const c = caseNamed(fixture, 'hapi-onrequest-auth');
    expect(hapi.fix({ ...contextFor(c), requestHeaders: ['authorization'] })).not.toContain('additionalHeaders');
  });

  it('header-not-allowed for headers hapi allows by default has no hapi fix', () => {
    const c = caseNamed(fixture, 'hapi-default-headers');
    expect(hapi.fix({ ...contextFor(c), requestHeaders: ['content-type'], missingHeaders: ['content-type'] })).toBeUndefined();
  });

  it('method-not-allowed has no hapi fix: its preflight route echoes the method asked for', () => {
    const c = caseNamed(fixture, 'hapi-per-route');
    expect(hapi.fix({ ...contextFor(c), code: 'method-not-allowed' })).toBeUndefined();
  });
});

describe('hapi: other stacks are not hapi', () => {
  itFindsNoStrongFingerprint(hapi, [
    ['nginx 404', otherAnswer([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + cors preflight', otherAnswer([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Access-Control-Allow-Headers', 'Accept,Authorization'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Fastify 404 (statusCode first, its own message)', otherAnswer([['content-type', 'application/json; charset=utf-8']], 404, '{"message":"Route OPTIONS:/api/items not found","error":"Not Found","statusCode":404}')],
    ['Fastify 500', otherAnswer([['content-type', 'application/json; charset=utf-8']], 500, '{"statusCode":500,"error":"Internal Server Error","message":"boom"}')],
    ['NestJS 404', otherAnswer([['X-Powered-By', 'Express'], ['Content-Type', 'application/json; charset=utf-8']], 404, '{"message":"Cannot OPTIONS /api/items/1","error":"Not Found","statusCode":404}')],
    ['Hono preflight', otherAnswer([['access-control-allow-headers', 'content-type'], ['access-control-allow-methods', 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY'], ['access-control-allow-origin', 'http://localhost:5173'], ['vary', 'Origin, Access-Control-Request-Headers']], 204, '', 'preflight')],
    ['a body that is a different CORS refusal', otherAnswer([['Content-Type', 'text/plain']], 400, 'Disallowed CORS origin')],
    ['Go net/http 404', otherAnswer([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ]);
});
