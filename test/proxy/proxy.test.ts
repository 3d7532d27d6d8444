/**
 * The proxy's own duties around the engine: pairing, redirect memory, target failures, header
 * fidelity, and the exact record fields.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOracle } from '../support/oracle.js';
import { recordedLines } from '../support/browser-oracle.js';
import { corsHeaders, endToEnd, pairs as pairsOf, preflightHeaders, send, startProxy, startUpstream, writeRaw, type Proxy, type Upstream } from './helpers.js';

const PAGE = 'http://localhost:5173';
const oracle = loadOracle();

/** Chrome's line for a case, with the page and API hosts of this run put in. */
function chromeLine(id: string, proxyPort: number, page = PAGE): string {
  const kase = oracle.cases.find((c) => c.id === id)!;
  return kase.consoleErrors[0]!
    .split(`localhost:${kase.ports.API_PORT}`)
    .join(`localhost:${proxyPort}`)
    .split(kase.origins.page)
    .join(page);
}

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function pair(handler: Parameters<typeof startUpstream>[0], options = {}): Promise<{ upstream: Upstream; proxy: Proxy }> {
  const upstream = await startUpstream(handler);
  const proxy = await startProxy(upstream.origin, options);
  running.push(upstream, proxy);
  return { upstream, proxy };
}

describe('records', () => {
  it('missing ACAO: every stable field, exactly', async () => {
    const { proxy } = await pair((req, res) => writeRaw(res, 200, [['Content-Type', 'application/json']], '{}'));
    const reply = await send(proxy.port, { path: '/api?x=1', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(200);
    const [record] = proxy.records;
    const line = chromeLine('acao-missing-fetch', proxy.port).replace('/api', '/api?x=1');
    const xhr = chromeLine('acao-missing-xhr', proxy.port).replace('/api', '/api?x=1');
    expect(record).toEqual({
      event: 'cors',
      id: '1',
      stage: 'request',
      verdict: 'blocked',
      method: 'GET',
      url: `http://localhost:${proxy.port}/api?x=1`,
      origin: PAGE,
      status: 200,
      chrome: { code: 'MissingAllowOriginHeader', message: line, variants: { fetch: line, xhr } },
      cause: expect.any(String),
      fix: expect.stringContaining('Access-Control-Allow-Origin'),
      findings: expect.any(Array),
      credentials: 'unknown',
      initiator: 'fetch',
      // What Firefox 153 and WebKit 2.50 printed for the same answer (browser-oracle.json).
      browsers: {
        firefox: { verdict: 'blocked', lines: recordedLines('acao-missing-fetch', 'firefox', { page: 5173, api: proxy.port }).map((l) => l.replace('/api.', '/api?x=1.')), reason: 'CORSMissingAllowOrigin' },
        safari: { verdict: 'blocked', lines: recordedLines('acao-missing-fetch', 'webkit', { page: 5173, api: proxy.port }).map((l) => l.replace('/api ', '/api?x=1 ')) },
      },
      durationMs: expect.any(Number),
      diagnosis: {
        code: 'no-cors',
        stack: null,
        evidence: ['200 with no CORS headers'],
        fix: `Add CORS to this server (its framework's CORS middleware, or the headers in the proxy in front of it) for ${PAGE}. Send Access-Control-Allow-Origin: ${PAGE} and Vary: Origin.`,
      },
      msg: line,
    });
    expect(record!.findings[0]).toMatchObject({ code: 'MissingAllowOriginHeader', severity: 'error', header: 'Access-Control-Allow-Origin', value: null });
  });

  it('X-Requested-With: XMLHttpRequest makes the XHR line the message; --initiator overrides', async () => {
    const { upstream, proxy } = await pair((req, res) => writeRaw(res, 200, []));
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE, [['X-Requested-With', 'XMLHttpRequest']]) });
    expect(proxy.records[0]!.initiator).toBe('xhr');
    expect(proxy.records[0]!.chrome!.message).toBe(chromeLine('acao-missing-xhr', proxy.port));
    const forced = await startProxy(upstream.origin, { initiator: 'xhr' });
    running.push(forced);
    await send(forced.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(forced.records[0]!.chrome!.message).toBe(chromeLine('acao-missing-xhr', forced.port));
  });

  it('a Cookie makes credentials certain: wildcard ACAO is blocked, not conditional', async () => {
    const { proxy } = await pair((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true']]));
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE, [['Cookie', 'sid=1']]) });
    const [record] = proxy.records;
    expect(record).toMatchObject({ verdict: 'blocked', credentials: 'include' });
    expect(record!.chrome!.variants.fetch).toBe(chromeLine('acao-wildcard-credentials-fetch', proxy.port));
    expect(record!.chrome!.variants.xhr).toBe(chromeLine('acao-wildcard-credentials-xhr', proxy.port));
  });

  it('requests without Origin are not CORS: forwarded, recorded as not-cors', async () => {
    const { proxy } = await pair((req, res) => writeRaw(res, 200, [], 'page'));
    const reply = await send(proxy.port, { path: '/' });
    expect(reply.body.toString()).toBe('page');
    expect(proxy.records[0]).toMatchObject({ verdict: 'not-cors', notCors: 'no-origin', chrome: null });
  });

  it("the target gets its own Host by default (changeOrigin), the browser's with --keep-host", async () => {
    const { upstream, proxy } = await pair((req, res) => writeRaw(res, 200, [], req.headers.host ?? ''));
    expect((await send(proxy.port, { path: '/' })).body.toString()).toBe(`127.0.0.1:${upstream.port}`);
    const keeping = await startProxy(upstream.origin, { keepHost: true });
    running.push(keeping);
    expect((await send(keeping.port, { path: '/' })).body.toString()).toBe(`localhost:${keeping.port}`);
  });

  it.each([
    ['a root target: the path as sent', '', '/api/items?x=1&y=%20', '/api/items?x=1&y=%20'],
    ['a root target: a double slash kept', '/', '//double/path', '//double/path'],
    ['a target with a path: prefixed', '/base', '/api?x=1', '/base/api?x=1'],
    ['a target with a path and a query: both joined', '/base/?k=v', '/api?x=1', '/base/api?k=v&x=1'],
    ['dot segments as sent (a browser never sends them; curl --path-as-is does)', '', '/a/../b/./c', '/a/../b/./c'],
    ['percent-encoded dots as sent', '', '/%2e%2e/c', '/%2e%2e/c'],
    ['a backslash as sent', '', '/a\\b', '/a\\b'],
    ['dot segments as sent, after the target path', '/base', '/a/../b', '/base/a/../b'],
    ['an absolute-form target (corscope as a forward proxy): its path and query', '', 'http://elsewhere.test/api?x=1', '/api?x=1'],
  ])('%s', async (_name, targetPath, path, expected) => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [], req.url ?? ''));
    const proxy = await startProxy(`${upstream.origin}${targetPath}`);
    running.push(upstream, proxy);
    expect((await send(proxy.port, { path })).body.toString()).toBe(expected);
    expect((await send(proxy.port, { path })).body.toString()).toBe(expected);
  });

  it("the browser's hop-by-hop lines stay with its connection; the target gets the agent's keep-alive", async () => {
    const { proxy } = await pair((req, res) => {
      req.resume();
      writeRaw(res, 200, [], JSON.stringify(pairsOf(req.rawHeaders)));
    });
    const reply = await send(proxy.port, {
      method: 'PUT',
      path: '/h',
      headers: corsHeaders(PAGE, [['Connection', 'close, X-Hop'], ['X-Hop', '1'], ['Keep-Alive', 'timeout=9'], ['TE', 'trailers'], ['X-End', '2'], ['Content-Length', '3']]),
      body: 'abc',
    });
    const seen = JSON.parse(reply.body.toString()) as [string, string][];
    expect(seen.map(([name]) => name.toLowerCase())).toEqual(['host', 'accept', 'origin', 'sec-fetch-mode', 'sec-fetch-site', 'sec-fetch-dest', 'x-end', 'content-length', 'connection']);
    expect(seen.at(-1)).toEqual(['Connection', 'keep-alive']);
    expect(seen).toContainEqual(['content-length', '3']);
    // The engine judged the request as the browser sent it.
    expect(proxy.records[0]!.method).toBe('PUT');
  });

  it("a browser's Connection: close does not make a target that overrides its own Connection line fail the next request", async () => {
    const { proxy } = await pair((_req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', PAGE], ['Connection', 'X-Hop'], ['X-Hop', '1']], 'ok'));
    const replies = [];
    for (let i = 0; i < 4; i++) replies.push(await send(proxy.port, { path: '/c', headers: corsHeaders(PAGE, [['Connection', 'close']]) }));
    expect(replies.map((r) => [r.status, r.body.toString()])).toEqual(Array(4).fill([200, 'ok']));
  });

  it('--public-url sets the URL Chrome prints', async () => {
    const { upstream } = await pair((req, res) => writeRaw(res, 200, []));
    const proxy = await startProxy(upstream.origin, { publicUrl: 'https://api.dev.test' });
    running.push(proxy);
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(proxy.records[0]!.url).toBe('https://api.dev.test/api');
    expect(proxy.records[0]!.chrome!.message).toContain("Access to fetch at 'https://api.dev.test/api'");
  });
});

describe('preflight pairing', () => {
  it('the preflight and its actual request name each other; a cached preflight still pairs', async () => {
    const { proxy } = await pair((req, res) => {
      req.resume();
      if (req.method === 'OPTIONS') {
        return writeRaw(res, 204, [
          ['Access-Control-Allow-Origin', PAGE],
          ['Access-Control-Allow-Credentials', 'true'],
          ['Access-Control-Allow-Methods', 'PUT'],
          ['Access-Control-Max-Age', '600'],
          ['Vary', 'Origin'],
        ]);
      }
      writeRaw(res, 200, [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']]);
    });
    await send(proxy.port, { method: 'OPTIONS', path: '/api', headers: preflightHeaders(PAGE, 'PUT') });
    await send(proxy.port, { method: 'PUT', path: '/api', headers: corsHeaders(PAGE, [['Content-Length', '1']]), body: 'x' });
    await send(proxy.port, { method: 'PUT', path: '/api', headers: corsHeaders(PAGE, [['Content-Length', '1']]), body: 'x' });
    const [preflight, first, second] = proxy.records;
    expect(preflight).toMatchObject({ stage: 'preflight', verdict: 'allowed', method: 'OPTIONS', request: first!.id });
    expect(first).toMatchObject({ stage: 'request', verdict: 'allowed', method: 'PUT', preflight: preflight!.id });
    expect(second).toMatchObject({ preflight: preflight!.id });
    expect(second!.id).not.toBe(first!.id);
  });

  it('a blocked preflight announces no request', async () => {
    const { proxy } = await pair((req, res) => writeRaw(res, 404, [['Access-Control-Allow-Origin', '*']]));
    await send(proxy.port, { method: 'OPTIONS', path: '/api', headers: preflightHeaders(PAGE, 'PUT') });
    expect(proxy.records[0]).toMatchObject({ verdict: 'blocked', chrome: { code: 'PreflightInvalidStatus' } });
    expect(proxy.records[0]!.chrome!.message).toBe(chromeLine('preflight-status-404-fetch', proxy.port));
    expect(proxy.records[0]!.request).toBeUndefined();
  });
});

describe('redirects', () => {
  it('a Location on the target points back at corscope, and the next hop says where it came from', async () => {
    const { upstream, proxy } = await pair((req, res) => {
      if (req.url === '/old-api') return writeRaw(res, 302, [['Access-Control-Allow-Origin', '*'], ['Location', `${upstream.origin}/new-api`]]);
      writeRaw(res, 200, []);
    });
    const hop = await send(proxy.port, { path: '/old-api', headers: corsHeaders(PAGE) });
    expect(hop.headers).toContainEqual(['Location', `http://localhost:${proxy.port}/new-api`]);
    await send(proxy.port, { path: '/new-api', headers: corsHeaders(PAGE) });
    const [, next] = proxy.records;
    expect(next).toMatchObject({ url: `http://localhost:${proxy.port}/new-api`, redirectedFrom: `http://localhost:${proxy.port}/old-api` });
    expect(next!.chrome!.message).toBe(chromeLine('redirect-main-acao-missing-after-redirect-fetch', proxy.port));
  });
});

describe('target failures', () => {
  it('target down: 502 naming corscope, one record with the cause and what Chrome will show', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const proxy = await startProxy(`http://127.0.0.1:${port}`);
    running.push(proxy);
    const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(502);
    expect(reply.body.toString()).toMatch(/^corscope: no response from the target .*connection refused/);
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({
      verdict: 'blocked',
      status: 502,
      upstream: { code: 'ECONNREFUSED', target: `http://127.0.0.1:${port}/` },
      chrome: { code: 'MissingAllowOriginHeader', message: chromeLine('acao-missing-fetch', proxy.port) },
    });
    expect(proxy.records[0]!.msg).toMatch(/^corscope could not get a response from the target \(ECONNREFUSED.*Chrome will show: Access to fetch/);
  });

  it('target silent past --timeout: 504', async () => {
    const { proxy } = await pair(() => undefined, { timeoutMs: 150 });
    const reply = await send(proxy.port, { path: '/slow', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(504);
    expect(proxy.records[0]).toMatchObject({ status: 504, upstream: { code: 'TIMEOUT' } });
  });

  it('target resetting before answering: 502, the process lives on', async () => {
    const { proxy } = await pair((req) => req.socket.destroy());
    const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(502);
    expect(proxy.records[0]!.upstream!.code).toBe('ECONNRESET');
    expect((await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) })).status).toBe(502);
  });
});

describe('target faults mid-way', () => {
  it('a target breaking off mid-body: the browser sees a truncated response, corscope lives on', async () => {
    const { proxy } = await pair((req, res) => {
      if (req.url !== '/cut') return writeRaw(res, 200, [], 'fine');
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('x'.repeat(100));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const outcome = await send(proxy.port, { path: '/cut', headers: corsHeaders(PAGE) }).then(
      () => 'complete',
      (err: Error) => err.message,
    );
    expect(outcome).not.toBe('complete');
    expect(proxy.records).toHaveLength(1);
    expect((await send(proxy.port, { path: '/' })).body.toString()).toBe('fine');
  });
});

describe('fidelity', () => {
  it('duplicate lines (two ACAO, two Set-Cookie) arrive unchanged, in order, and are judged as duplicates', async () => {
    const lines = [
      ['Access-Control-Allow-Origin', PAGE],
      ['Set-Cookie', 'a=1; Path=/'],
      ['X-Custom-Case', 'KeepMe'],
      ['Access-Control-Allow-Origin', PAGE],
      ['set-cookie', 'b=2; Path=/'],
    ] as const;
    const { proxy } = await pair((req, res) => writeRaw(res, 200, lines, 'ok'));
    const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(endToEnd(reply.headers)).toEqual(lines);
    expect(proxy.records[0]!.chrome!.code).toBe('MultipleAllowOriginValues');
  });

  it('hop-by-hop lines are not forwarded; the Connection-listed ones neither', async () => {
    const { proxy } = await pair((req, res) => {
      res.writeHead(200, ['Connection', 'X-Hop', 'X-Hop', 'secret-hop', 'Keep-Alive', 'timeout=5', 'X-End', 'kept']);
      res.end();
    });
    const reply = await send(proxy.port, { path: '/' });
    const names = reply.headers.map(([n]) => n.toLowerCase());
    expect(names).not.toContain('x-hop');
    expect(names).not.toContain('keep-alive');
    expect(reply.headers).toContainEqual(['X-End', 'kept']);
  });
});
