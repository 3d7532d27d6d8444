/**
 * `runCheck` on the wire: what it sends where Chrome's rules decide (preflight contents, cookies,
 * redirects and their method changes, taint, limits) and how it fails when there is no answer.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCheckInput, runCheck, type CheckOptions, type RawCheckInput } from '../../src/check/index.js';
import type { HeaderLine } from '../../src/cors/types.js';
import { chromeCorsLines, loadOracle } from '../support/oracle.js';

const ORIGIN = 'http://localhost:5173';

interface Seen {
  method: string;
  path: string;
  headers: HeaderLine[];
  body: string;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler, tls = false): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: HeaderLine[] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', path: req.url ?? '', headers, body });
      handler(req, res, body);
    });
  };
  const server = tls
    ? https.createServer(
        { cert: readFileSync(new URL('../proxy/tls/cert.pem', import.meta.url)), key: readFileSync(new URL('../proxy/tls/key.pem', import.meta.url)) },
        listener,
      )
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { base: `${tls ? 'https' : 'http'}://localhost:${(server.address() as AddressInfo).port}`, seen };
}

/** An API that answers every request with `answer`, byte for byte, and closes. */
async function rawApi(answer: string): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(Buffer.from(answer, 'latin1')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://localhost:${(server.address() as AddressInfo).port}`;
}

function options(raw: RawCheckInput): CheckOptions {
  const input = parseCheckInput(raw);
  if ('error' in input) throw new Error(input.error);
  return input.options;
}

const header = (s: Seen, name: string) => s.headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);

/** A permissive API: every preflight allowed for the page, every response readable. */
const permissive: Handler = (req, res) => {
  const allow: [string, string][] = [
    ['Access-Control-Allow-Origin', req.headers.origin ?? '*'],
    ['Access-Control-Allow-Credentials', 'true'],
    ['Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, PATCH'],
    ['Access-Control-Allow-Headers', 'x-alpha, x-zeta, content-type, authorization'],
  ];
  res.writeHead(req.method === 'OPTIONS' ? 204 : 200, allow.flat());
  res.end('ok');
};

describe('what check sends', () => {
  it('the preflight: Chrome\'s Access-Control-Request-Headers (lowercase, sorted), no author headers, no cookies', async () => {
    const api = await serve(permissive);
    const result = await runCheck(
      options({ url: `${api.base}/items`, origin: ORIGIN, method: 'put', headers: ['X-Zeta: 2', 'X-Alpha: 1', 'Cookie: sid=1'], credentials: true }),
    );
    expect(result.outcome).toBe('allowed');
    const [preflight, actual] = api.seen;
    expect(preflight).toMatchObject({ method: 'OPTIONS', path: '/items' });
    expect(header(preflight!, 'access-control-request-method')).toEqual(['PUT']);
    expect(header(preflight!, 'access-control-request-headers')).toEqual(['x-alpha,x-zeta']);
    expect(header(preflight!, 'origin')).toEqual([ORIGIN]);
    expect(header(preflight!, 'sec-fetch-mode')).toEqual(['cors']);
    expect(header(preflight!, 'accept')).toEqual(['*/*']);
    expect(header(preflight!, 'cookie')).toEqual([]);
    expect(header(preflight!, 'x-zeta')).toEqual([]);
    expect(actual).toMatchObject({ method: 'PUT', path: '/items' });
    expect(header(actual!, 'x-zeta')).toEqual(['2']);
    expect(header(actual!, 'cookie')).toEqual(['sid=1']);
    expect(result.records.map((r) => [r.stage, r.verdict, r.credentials])).toEqual([
      ['preflight', 'allowed', 'include'],
      ['request', 'allowed', 'include'],
    ]);
    expect(result.records[0]!.request).toBe(result.records[1]!.id);
    expect(result.records[1]!.preflight).toBe(result.records[0]!.id);
  });

  it('no preflight for a simple request; no cookies without --credentials', async () => {
    const api = await serve(permissive);
    const input = parseCheckInput({ url: `${api.base}/a`, origin: ORIGIN, headers: ['Cookie: sid=1', 'Accept: application/json'] });
    if ('error' in input) throw new Error(input.error);
    expect(input.notes).toEqual([expect.stringContaining('Cookie header is not sent without --credentials')]);
    await runCheck(input.options);
    expect(api.seen.map((s) => s.method)).toEqual(['GET']);
    expect(header(api.seen[0]!, 'cookie')).toEqual([]);
    expect(header(api.seen[0]!, 'accept')).toEqual(['application/json']);
  });

  it('a body only with --data, labelled text/plain;charset=UTF-8 as fetch does', async () => {
    const api = await serve(permissive);
    await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN, method: 'POST' }));
    await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN, method: 'POST', data: 'a=1' }));
    expect(api.seen.map((s) => [s.method, s.body, header(s, 'content-type')[0]])).toEqual([
      ['POST', '', undefined],
      ['POST', 'a=1', 'text/plain;charset=UTF-8'],
    ]);
  });
});

describe('redirects, as Chrome follows them', () => {
  it('303 turns PUT into GET: body and Content-Type dropped, a new preflight only while still needed', async () => {
    const api = await serve((req, res, body) => {
      if (req.url === '/old' && req.method === 'PUT') {
        res.writeHead(303, ['Access-Control-Allow-Origin', ORIGIN, 'Location', '/new']);
        return res.end();
      }
      permissive(req, res, body);
    });
    const result = await runCheck(
      options({ url: `${api.base}/old`, origin: ORIGIN, method: 'PUT', headers: ['Content-Type: application/json'], data: '{}' }),
    );
    expect(result.outcome).toBe('allowed');
    expect(api.seen.map((s) => `${s.method} ${s.path} ${s.body}`)).toEqual(['OPTIONS /old ', 'PUT /old {}', 'GET /new ']);
    expect(header(api.seen[2]!, 'content-type')).toEqual([]);
    expect(result.records.at(-1)).toMatchObject({ url: `${api.base}/new`, redirectedFrom: `${api.base}/old`, method: 'GET' });
  });

  it('a cross-origin hop taints the origin: the next request says Origin: null, Chrome prints the page origin', async () => {
    const other = await serve((req, res) => {
      res.writeHead(200, ['Access-Control-Allow-Origin', ORIGIN]);
      res.end();
    });
    const api = await serve((_req, res) => {
      res.writeHead(307, ['Access-Control-Allow-Origin', '*', 'Location', `${other.base}/new`]);
      res.end();
    });
    const result = await runCheck(options({ url: `${api.base}/old`, origin: ORIGIN }));
    expect(header(other.seen[0]!, 'origin')).toEqual(['null']);
    expect(result.outcome).toBe('blocked');
    expect(result.records.at(-1)!.chrome!.message).toBe(
      `Access to fetch at '${other.base}/new' (redirected from '${api.base}/old') from origin '${ORIGIN}' has been blocked by CORS policy: ` +
        `The 'Access-Control-Allow-Origin' header has a value '${ORIGIN}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
    );
  });

  it('the 21st redirect fails as net::ERR_TOO_MANY_REDIRECTS, with no CORS line', async () => {
    const api = await serve((req, res) => {
      const n = Number(req.url!.slice(1));
      res.writeHead(302, ['Access-Control-Allow-Origin', '*', 'Location', `/${n + 1}`]);
      res.end();
    });
    const result = await runCheck(options({ url: `${api.base}/0`, origin: ORIGIN }));
    expect(api.seen).toHaveLength(21);
    expect(result.outcome).toBe('failed');
    expect(result.failure).toMatchObject({ code: 'TOO_MANY_REDIRECTS', chrome: 'net::ERR_TOO_MANY_REDIRECTS' });
  });
});

describe('outcomes without a CORS exchange', () => {
  it('a URL written without http:// gets Chrome\'s scheme error, and nothing is sent', async () => {
    const kase = loadOracle().cases.find((c) => c.id === 'scheme-missing-fetch')!;
    const result = await runCheck(options({ url: kase.client.url, origin: kase.origins.jsOrigin }));
    expect(result.outcome).toBe('blocked');
    expect(result.exchanges).toEqual([]);
    expect([result.records[0]!.chrome!.message]).toEqual(chromeCorsLines(kase));
  });

  it('same origin: not CORS, allowed', async () => {
    const api = await serve((_req, res) => res.end('x'));
    const result = await runCheck(options({ url: `${api.base}/a`, origin: api.base }));
    expect(result.outcome).toBe('allowed');
    expect(result.records[0]).toMatchObject({ verdict: 'not-cors', notCors: 'no-origin' });
    expect(header(api.seen[0]!, 'origin')).toEqual([]);
  });

  it('nothing listening: failed, with the net error Chrome would show', async () => {
    const api = await serve((_req, res) => res.end());
    await closers.pop()!();
    const result = await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN }));
    expect(result).toMatchObject({ outcome: 'failed', failure: { code: 'ECONNREFUSED', chrome: 'net::ERR_CONNECTION_REFUSED' } });
  });

  it('an answer Node refuses and Chrome reads: judged as Chrome reads it, with what is malformed', async () => {
    const base = await rawApi(`HTTP/1.1 200 OK\nAccess-Control-Allow-Origin : ${ORIGIN}\nContent-Length: 2\n\nok`);
    const result = await runCheck(options({ url: `${base}/a`, origin: ORIGIN }));
    expect(result.outcome).toBe('allowed');
    expect(result.exchanges[0]!.malformed).toEqual(['lines end in a bare LF instead of CRLF', "whitespace around the header name 'Access-Control-Allow-Origin ', which Chrome trims"]);
  });

  it('an answer Chrome refuses too: failed, with Chrome\'s own net error', async () => {
    const base = await rawApi('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!');
    const result = await runCheck(options({ url: `${base}/a`, origin: ORIGIN }));
    expect(result).toMatchObject({
      outcome: 'failed',
      failure: { code: expect.stringMatching(/^HPE_/), message: 'Chrome refuses this answer itself: Content-Length values that differ: 2, 3', chrome: 'net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH' },
    });
  });

  it('no answer in time: failed with TIMEOUT', async () => {
    const api = await serve(() => undefined);
    const result = await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN, timeoutMs: 200 }));
    expect(result).toMatchObject({ outcome: 'failed', failure: { code: 'TIMEOUT' } });
  });

  it('a self-signed HTTPS API: refused with advice, accepted with --insecure', async () => {
    const api = await serve(permissive, true);
    const refused = await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN }));
    expect(refused.failure?.message).toContain('--insecure');
    const accepted = await runCheck(options({ url: `${api.base}/a`, origin: ORIGIN, insecure: true }));
    expect(accepted.outcome).toBe('allowed');
  });
});

describe('mistakes in what was typed', () => {
  it.each([
    ['no scheme at all', { url: 'api.example.com/x', origin: ORIGIN }, "'api.example.com/x' is not an absolute URL; did you mean 'http://api.example.com/x'?"],
    ['origin with a path', { url: 'http://a.test/', origin: 'http://localhost:5173/app' }, "--origin 'http://localhost:5173/app' is not an origin; did you mean 'http://localhost:5173'?"],
    ['origin not a URL', { url: 'http://a.test/', origin: 'localhost' }, "--origin 'localhost' is not an origin (expected e.g. http://localhost:5173)"],
    ['header without colon', { url: 'http://a.test/', origin: ORIGIN, headers: ['X-A'] }, "-H 'X-A' is not a header; write it as 'Name: value'"],
    ['bad header name', { url: 'http://a.test/', origin: ORIGIN, headers: ['X A: 1'] }, "-H 'X A: 1': 'X A' is not a valid header name"],
    ['Origin as a header', { url: 'http://a.test/', origin: ORIGIN, headers: ['Origin: http://x'] }, "set the page's origin with --origin, not -H 'Origin: …'"],
    ['bad method', { url: 'http://a.test/', origin: ORIGIN, method: 'GE T' }, "--method 'GE T' is not a valid HTTP method"],
    ['a body on GET', { url: 'http://a.test/', origin: ORIGIN, data: 'x' }, 'fetch() refuses a body on a GET request; drop --data or choose a method with -X'],
    ['forbidden method', { url: 'http://a.test/', origin: ORIGIN, method: 'trace' }, 'fetch() refuses the method TRACE; a page cannot send it'],
  ] as const)('%s', (_name, raw, message) => {
    expect(parseCheckInput(raw as RawCheckInput)).toEqual({ error: message });
  });
});
