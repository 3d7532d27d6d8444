/**
 * Every kind of body arrives byte for byte, with the headers that describe it: gzip (never
 * decoded), binary, empty bodies of every sort, and the body-less HEAD.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, send, startProxy, startUpstream, type Proxy, type Upstream } from './helpers.js';

const BINARY = randomBytes(300_000);
const GZIPPED = gzipSync(Buffer.from('{"hello":"world"}'.repeat(5000)));
const ORIGIN = 'http://localhost:5173';

let upstream: Upstream;
let proxy: Proxy;

const ROUTES: Record<string, { status: number; headers: [string, string][]; body: Buffer }> = {
  '/gzip': { status: 200, headers: [['Content-Encoding', 'gzip'], ['Content-Type', 'application/json'], ['Content-Length', String(GZIPPED.length)]], body: GZIPPED },
  '/binary': { status: 200, headers: [['Content-Type', 'application/octet-stream']], body: BINARY },
  '/no-content': { status: 204, headers: [], body: Buffer.alloc(0) },
  '/zero-length': { status: 200, headers: [['Content-Length', '0']], body: Buffer.alloc(0) },
  '/chunked-empty': { status: 200, headers: [['Transfer-Encoding', 'chunked']], body: Buffer.alloc(0) },
  '/not-modified': { status: 304, headers: [['ETag', '"1"']], body: Buffer.alloc(0) },
};

beforeAll(async () => {
  upstream = await startUpstream(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    if (req.url === '/echo') {
      const body = Buffer.concat(chunks);
      res.writeHead(200, ['Access-Control-Allow-Origin', '*', 'X-Length', String(body.length), 'X-Sha256', sha256(body)]);
      res.end(body);
      return;
    }
    const route = ROUTES[req.url ?? '']!;
    res.writeHead(route.status, [['Access-Control-Allow-Origin', '*'], ...route.headers].flat());
    res.end(req.method === 'HEAD' ? undefined : route.body);
  });
  proxy = await startProxy(upstream.origin);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const header = (lines: readonly (readonly [string, string])[], name: string) =>
  lines.find(([n]) => n.toLowerCase() === name)?.[1];

describe('response bodies', () => {
  it.each(Object.entries(ROUTES))('%s arrives as sent', async (path, route) => {
    const reply = await send(proxy.port, { path, headers: corsHeaders(ORIGIN) });
    expect(reply.status).toBe(route.status);
    expect(sha256(reply.body)).toBe(sha256(route.body));
    for (const [name, value] of route.headers) {
      if (name.toLowerCase() !== 'transfer-encoding') expect(header(reply.headers, name.toLowerCase())).toBe(value);
    }
  });

  it('HEAD keeps the Content-Length of the body it does not carry', async () => {
    const reply = await send(proxy.port, { method: 'HEAD', path: '/gzip', headers: corsHeaders(ORIGIN) });
    expect(reply.body.length).toBe(0);
    expect(header(reply.headers, 'content-length')).toBe(String(GZIPPED.length));
    expect(header(reply.headers, 'content-encoding')).toBe('gzip');
  });
});

describe('request bodies', () => {
  it.each([
    ['binary', BINARY],
    ['gzip', GZIPPED],
    ['empty', Buffer.alloc(0)],
  ] as const)('%s arrives byte for byte', async (_name, body) => {
    const reply = await send(proxy.port, {
      method: 'POST',
      path: '/echo',
      headers: corsHeaders(ORIGIN, [['Content-Type', 'application/octet-stream'], ['Content-Length', String(body.length)]]),
      body,
    });
    expect(header(reply.headers, 'x-length')).toBe(String(body.length));
    expect(header(reply.headers, 'x-sha256')).toBe(sha256(body));
    expect(sha256(reply.body)).toBe(sha256(body));
  });

  // http-proxy-3 gives a DELETE or OPTIONS without Content-Length a `content-length: 0` and drops its
  // Transfer-Encoding: a chunked body was cut off before corscope put the framing back (the lines
  // themselves: wire.test.ts).
  it.each(['DELETE', 'OPTIONS', 'PUT', 'GET'])('a chunked %s body arrives byte for byte', async (method) => {
    const reply = await send(proxy.port, {
      method,
      path: '/echo',
      headers: corsHeaders(ORIGIN, [['Transfer-Encoding', 'chunked']]),
      body: BINARY,
    });
    expect(reply.status).toBe(200);
    expect(header(reply.headers, 'x-length')).toBe(String(BINARY.length));
    expect(header(reply.headers, 'x-sha256')).toBe(sha256(BINARY));
  });

  it.each(['DELETE', 'OPTIONS'])('a %s without a body still reaches the target without one', async (method) => {
    const reply = await send(proxy.port, { method, path: '/echo', headers: corsHeaders(ORIGIN) });
    expect(reply.status).toBe(200);
    expect(header(reply.headers, 'x-length')).toBe('0');
  });
});
