/**
 * The Koa profile against what real Koa 3 + @koa/cors 5 answered Chromium
 * (test/fixtures/servers/koa.json, recorded by `node test/servers/record.mjs koa`).
 */
import { describe, expect, it } from 'vitest';
import { koa } from '../../../src/diagnose/stacks/koa.js';
import { caseNamed, contextFor, itFindsNoStrongFingerprint, itFixesEveryCase, itRecognisesTheRecording, loadFixture, otherAnswer } from '../../support/stack-cases.js';

const fixture = loadFixture('koa');

describe('koa: recognise', () => {
  itRecognisesTheRecording(koa, fixture);
});

describe('koa: fix', () => {
  itFixesEveryCase(koa, fixture, { title: '%s (%s): the fix contains what was applied' });

  it('method-not-allowed names the list as sent plus the method', () => {
    const c = caseNamed(fixture, 'koa-methods-get-post');
    expect(koa.fix(contextFor(c))).toBe(
      "@koa/cors was given allowMethods without DELETE: allowMethods: ['GET', 'POST', 'DELETE'] (or leave allowMethods out: the default is GET,HEAD,PUT,POST,DELETE,PATCH)",
    );
  });

  it('auth-before-cors is about order, not headers', () => {
    const c = caseNamed(fixture, 'koa-auth-before-cors');
    expect(koa.fix(contextFor(c))).toBe(
      "Koa runs middleware in app.use() order, and a preflight never carries cookies, tokens or API keys, so the check answered it 401 before cors() ran: register app.use(cors({ origin: 'http://localhost:5173' })) before your authentication middleware; cors() then answers the preflight itself (204) and keeps its headers on the 401s thrown after it",
    );
  });

  it('a non-2xx preflight with CORS headers has no Koa-specific fix (@koa/cors answers preflights 204 itself)', () => {
    const c = caseNamed(fixture, 'koa-router-cors');
    expect(koa.fix({ ...contextFor(c), code: 'preflight-status' })).toBeUndefined();
  });
});

describe('koa: other stacks are not Koa', () => {
  itFindsNoStrongFingerprint(koa, [
    ['nginx 404', otherAnswer([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express + cors preflight', otherAnswer([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'], ['Vary', 'Access-Control-Request-Headers'], ['Content-Length', '0']], 204, '', 'preflight')],
    ['Express automatic OPTIONS', otherAnswer([['X-Powered-By', 'Express'], ['Allow', 'GET, HEAD'], ['Content-Type', 'text/html; charset=utf-8']], 200, 'GET, HEAD', 'preflight')],
    ['Express redirect', otherAnswer([['X-Powered-By', 'Express'], ['Location', '/api/items'], ['Content-Type', 'text/plain; charset=utf-8']], 301, 'Moved Permanently. Redirecting to /api/items')],
    ['hono/cors before QUERY (lower-case names)', otherAnswer([['access-control-allow-methods', 'GET,HEAD,PUT,POST,DELETE,PATCH'], ['access-control-allow-origin', '*']], 204, '', 'preflight')],
    ['hapi preflight', otherAnswer([['access-control-allow-origin', 'http://localhost:5173'], ['access-control-allow-methods', 'PUT'], ['access-control-allow-headers', 'Accept,Authorization,Content-Type,If-None-Match'], ['cache-control', 'no-cache']], 200, '', 'preflight')],
    ['Flask automatic OPTIONS', otherAnswer([['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'OPTIONS, HEAD, GET'], ['Content-Length', '0']], 200, '', 'preflight')],
    ['Go net/http 404', otherAnswer([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
  ]);
});
