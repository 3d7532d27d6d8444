/**
 * A bounded fuzz loop over a real corscope: odd Origins, odd CORS headers, random header lines and
 * bodies both ways. Whatever comes, the response reaches the browser exactly as the API sent it (no
 * patch mode), the request reaches the API intact, one record is written, and corscope lives on.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { send, startProxy, startUpstream, writeRaw, type Proxy, type Upstream } from './helpers.js';

/** Lines Node or the proxy manage themselves (framing, hop-by-hop, Host, redirects). */
const RESERVED = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer',
  'upgrade', 'expect', 'location', 'date',
]);

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}$/).filter((n) => !RESERVED.has(n.toLowerCase()));
/** What Node lets through in a header value: HTAB, visible ASCII, space, and latin1 above 0x7f. */
const fieldChar = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0xff }),
  fc.constant(0x09),
).map((c) => String.fromCharCode(c));
const fieldValue = fc.string({ unit: fieldChar, maxLength: 60 });

const origin = fc.oneof(
  fc.constantFrom('http://localhost:5173', 'null', '', 'http://LOCALHOST:5173', 'http://localhost:5173/', 'http://u:p@localhost:5173', 'http://ü.example', 'file://', ' http://localhost:5173 ', 'x'.repeat(3000)),
  fieldValue,
);
const corsResponseName = fc.constantFrom(
  'Access-Control-Allow-Origin', 'access-control-allow-origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers', 'Access-Control-Max-Age', 'Access-Control-Expose-Headers', 'Vary', 'Set-Cookie',
);
const corsResponseValue = fc.oneof(fc.constantFrom('*', 'null', 'http://localhost:5173', 'true', 'TRUE', '*, *', 'PUT, patch', 'x-a,,X-B', '', '-1', '86400'), fieldValue);
const bytes = fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a));

const scenario = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
  path: fc.constantFrom('/', '/api', '/api?x=1&y=%20', '/%C3%BC', '/a/../b', '//double'),
  origin: fc.option(origin, { nil: undefined }),
  preflight: fc.option(fc.tuple(fc.constantFrom('PUT', 'patch', 'GET', ''), fc.option(fieldValue, { nil: undefined })), { nil: undefined }),
  requestLines: fc.array(fc.tuple(token, fieldValue), { maxLength: 20 }),
  requestBody: bytes,
  status: fc.constantFrom(200, 201, 204, 206, 400, 401, 403, 404, 405, 500, 503),
  responseLines: fc.array(fc.oneof(fc.tuple(corsResponseName, corsResponseValue), fc.tuple(token, fieldValue)), { maxLength: 16 }),
  responseBody: bytes,
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

let upstream: Upstream;
let proxy: Proxy;
let script: Scenario | undefined;
let received: { sha256: string; length: number } | undefined;

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const bodiless = (s: Scenario): boolean => s.status === 204;
/** Header values are compared as a parser reads them: optional whitespace trimmed. */
const trimmed = (lines: readonly HeaderLine[]): HeaderLine[] =>
  lines.filter(([n]) => !RESERVED.has(n.toLowerCase())).map(([n, v]) => [n, v.replace(/^[ \t]+|[ \t]+$/g, '')] as const);

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received = { sha256: sha(body), length: body.length };
      const s = script!;
      writeRaw(res, s.status, s.responseLines, bodiless(s) ? '' : (s.responseBody as unknown as string));
    });
  });
  proxy = await startProxy(upstream.origin);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

it('200 random exchanges: byte-exact both ways, one record each, corscope alive', async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      script = s;
      received = undefined;
      const before = proxy.records.length;
      const headers: HeaderLine[] = [
        ...(s.origin !== undefined ? ([['Origin', s.origin]] as HeaderLine[]) : []),
        ...(s.preflight ? ([['Access-Control-Request-Method', s.preflight[0]]] as HeaderLine[]) : []),
        ...(s.preflight?.[1] !== undefined ? ([['Access-Control-Request-Headers', s.preflight[1]]] as HeaderLine[]) : []),
        ['Sec-Fetch-Mode', 'cors'],
        ...s.requestLines,
        ['Content-Length', String(s.requestBody.length)],
      ];
      const reply = await send(proxy.port, { method: s.method, path: s.path, headers, body: s.requestBody });
      expect(reply.status).toBe(s.status);
      expect(trimmed(reply.headers)).toEqual(trimmed(s.responseLines));
      expect(sha(reply.body)).toBe(sha(bodiless(s) ? Buffer.alloc(0) : s.responseBody));
      expect(received).toEqual({ sha256: sha(s.requestBody), length: s.requestBody.length });
      expect(proxy.records.length).toBe(before + 1);
      expect(proxy.records.at(-1)).toMatchObject({ method: s.method, url: `http://localhost:${proxy.port}${s.path}`, status: s.status });
    }),
    { numRuns: 200, seed: 20261125 },
  );
  script = { ...script!, status: 200, responseLines: [], responseBody: Buffer.from('alive') };
  const alive = await send(proxy.port, { path: '/' });
  expect([alive.status, alive.body.toString()]).toEqual([200, 'alive']);
}, 60_000);
