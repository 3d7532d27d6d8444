/**
 * The diagnosis in the proxy (issue 15): which records get one, the refused answer's body read
 * along without holding the browser's stream, and a page that works reading as working.
 */
import http from 'node:http';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../../src/log/pretty.js';
import type { ExchangeRecord } from '../../src/index.js';
import { corsHeaders, preflightHeaders, send, startProxy, startUpstream, writeRaw, type Proxy } from './helpers.js';

const PAGE = 'http://localhost:5173';
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function pair(handler: Parameters<typeof startUpstream>[0], options: Parameters<typeof startProxy>[1] = {}): Promise<Proxy> {
  const upstream = await startUpstream(handler);
  const proxy = await startProxy(upstream.origin, options);
  running.push(upstream, proxy);
  return proxy;
}

async function recordCount(proxy: Proxy, n: number): Promise<ExchangeRecord[]> {
  const deadline = Date.now() + 3000;
  while (proxy.records.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return proxy.records;
}

const plain = { red: String, yellow: String, green: String, cyan: String, dim: String, bold: String } as unknown as Parameters<typeof render>[1];

describe('credentials: quiet unless the page shows it uses them', () => {
  const echo = (extra: [string, string][] = []) => (req: http.IncomingMessage, res: http.ServerResponse) =>
    writeRaw(res, 200, [['Access-Control-Allow-Origin', String(req.headers.origin)], ['Vary', 'Origin'], ...extra], '{}');

  it('no sign: a note at info level, no diagnosis, an ok line', async () => {
    const proxy = await pair(echo());
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    const [record] = await recordCount(proxy, 1);
    expect(record).toMatchObject({ verdict: 'conditional', chrome: { code: 'InvalidAllowCredentials' } });
    expect(record!.credentialsSign).toBeUndefined();
    expect(record!.diagnosis).toBeUndefined();
    const text = render({ ...record, level: 30 } as unknown as Record<string, unknown>, plain);
    expect(text.split('\n')[0]).toMatch(/ ok +#1 request GET /);
    expect(text.split('\n')[1]).toBe(
      "  note    only if the request is sent with credentials ('include' / withCredentials): InvalidAllowCredentials: The response (status 200) has no Access-Control-Allow-Credentials header.",
    );
  });

  it('cookies seen on an earlier request of the page: a warning with the sign and a diagnosis', async () => {
    const proxy = await pair(echo());
    await send(proxy.port, { path: '/me', headers: corsHeaders(PAGE, [['Cookie', 'sid=1']]) });
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    const records = await recordCount(proxy, 2);
    expect(records[0]).toMatchObject({ verdict: 'blocked', credentials: 'include', diagnosis: { code: 'credentials-not-allowed' } });
    expect(records[1]).toMatchObject({ verdict: 'conditional', credentialsSign: 'cookies-before', diagnosis: { code: 'credentials-not-allowed', stack: null } });
    const text = render({ ...records[1], level: 40 } as unknown as Record<string, unknown>, plain);
    expect(text).toContain('DEPENDS');
    expect(text).toContain('  sign    this page sent cookies to this API before');
    expect(text).toContain('  server  credentials-not-allowed');
  });

  it('the server sends Access-Control-Allow-Credentials: true: the sign is the server expecting credentials', async () => {
    const proxy = await pair((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', '*'], ['Access-Control-Allow-Credentials', 'true']], '{}'));
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    const [record] = await recordCount(proxy, 1);
    expect(record).toMatchObject({ verdict: 'conditional', credentialsSign: 'allow-credentials', diagnosis: { code: 'wildcard-with-credentials' } });
  });
});

describe("the refused answer's body", () => {
  it('a gzip 500 is read along, decoded, and the browser gets every byte as sent', async () => {
    const page = Buffer.concat([Buffer.from('<!doctype html><title>Error</title><pre>Error: Not allowed by CORS<br> &nbsp; &nbsp;at origin (app.js:12:5)</pre>'), Buffer.alloc(100_000, 'x')]);
    const gz = zlib.gzipSync(page);
    const proxy = await pair((req, res) => writeRaw(res, 500, [['Content-Type', 'text/html; charset=utf-8'], ['Content-Encoding', 'gzip'], ['X-Powered-By', 'Express']], gz as unknown as string));
    const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(reply.body.equals(gz)).toBe(true);
    const [record] = await recordCount(proxy, 1);
    expect(record!.body).toMatchObject({ type: 'text/html; charset=utf-8', truncated: true });
    expect(record!.body!.text).toMatch(/^<!doctype html><title>Error<\/title><pre>Error: Not allowed by CORS/);
    expect(record!.diagnosis).toMatchObject({ code: 'origin-not-allowed', stack: 'express' });
    // Markup and &nbsp; gone, one line, bounded.
    expect(record!.diagnosis!.evidence[0]).toMatch(/^500 from the cors package's origin callback \(its README's example error\): "Error Error: Not allowed by CORS at origin \(app\.js:12:5\) x+\.\.\."$/);
  });

  it('a body that never ends: the record comes after the wait, the stream is never held', async () => {
    let upstreamRes: http.ServerResponse | undefined;
    const proxy = await pair((req, res) => {
      upstreamRes = res;
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.write('upstream is warming up');
    });
    const started = Date.now();
    let client: http.ClientRequest | undefined;
    const got = await new Promise<string>((resolve, reject) => {
      const req = (client = http.request({ host: '127.0.0.1', port: proxy.port, path: '/api', headers: Object.fromEntries(corsHeaders(PAGE)) }));
      req.on('error', reject);
      req.on('response', (res) => res.once('data', (chunk: Buffer) => resolve(chunk.toString())));
      req.end();
    });
    expect(Date.now() - started).toBeLessThan(900);
    // The first bytes reached the browser while the body is still open and no record is out yet.
    expect(got).toBe('upstream is warming up');
    expect(proxy.records).toHaveLength(0);
    const [record] = await recordCount(proxy, 1);
    expect(record!.body).toEqual({ type: 'text/plain', bytes: 22, truncated: true, text: 'upstream is warming up' });
    expect(record!.diagnosis).toMatchObject({ code: 'error-without-cors', evidence: ['503 with no CORS headers', 'body: upstream is warming up', 'Chrome hides this 503 and its body from the page'] });
    upstreamRes!.end();
    client!.destroy();
  });

  it('an allowed answer is not read: no body, no diagnosis', async () => {
    const proxy = await pair((req, res) => writeRaw(res, 500, [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true']], 'boom'));
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    const [record] = await recordCount(proxy, 1);
    expect(record!.verdict).toBe('allowed');
    expect(record!.body).toBeUndefined();
    expect(record!.diagnosis).toBeUndefined();
  });
});

describe('pairing and --stack', () => {
  it('the actual request of a passed preflight, answered without CORS: route-excluded, naming the preflight', async () => {
    const proxy = await pair((req, res) => {
      req.resume();
      if (req.method === 'OPTIONS') writeRaw(res, 204, [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Methods', 'PUT']]);
      else writeRaw(res, 200, [['Content-Type', 'application/json']], '{}');
    });
    await send(proxy.port, { method: 'OPTIONS', path: '/upload', headers: preflightHeaders(PAGE, 'PUT') });
    await send(proxy.port, { method: 'PUT', path: '/upload', headers: corsHeaders(PAGE), body: 'x' });
    const records = await recordCount(proxy, 2);
    expect(records[1]!.diagnosis).toEqual({
      code: 'route-excluded',
      stack: null,
      evidence: ['preflight #1 passed', 'the response (status 200) carries no CORS headers'],
      fix: `Apply the CORS layer to /upload as well: other answers of this server carry the CORS headers, this one does not. Send Access-Control-Allow-Origin: ${PAGE} and Vary: Origin.`,
    });
  });

  it('--stack names the stack the wire does not, and writes the fix in its terms', async () => {
    const proxy = await pair((req, res) => writeRaw(res, 200, [['Content-Type', 'application/json']], '{}'), { stack: 'flask' });
    await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    const [record] = await recordCount(proxy, 1);
    expect(record!.diagnosis).toMatchObject({ code: 'no-cors', stack: 'flask', evidence: ['200 with no CORS headers', '--stack flask'] });
    expect(record!.diagnosis!.fix).toContain(`CORS(app, origins=["${PAGE}"])`);
  });

  it('an unknown --stack is an options error naming the choices', async () => {
    await expect(startProxy('http://127.0.0.1:1', { stack: 'rails' as never })).rejects.toThrow(/unknown stack 'rails' \(one of express, fastify, /);
  });
});
