/**
 * The Chrome-faithful reader against Node's own parser: on every well-formed answer (which both
 * read, and the two must then agree) they see the same status, reason, header lines and body; on
 * any bytes at all, the reader returns a reading and never throws.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeChunked, readAnswer, readBody, readResponseHead } from '../../src/proxy/chrome-response.js';

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}$/).filter((n) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(n.toLowerCase()));
/** A field value Node accepts and Chrome keeps as is: visible ASCII and latin1, inner spaces and tabs. */
const visible = fc.oneof(fc.integer({ min: 0x21, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c));
const value = fc.oneof(fc.constant(''), fc.tuple(visible, fc.string({ unit: fc.oneof(visible, fc.constantFrom(' ', '\t')), maxLength: 40 }), visible).map(([a, b, c]) => a + b + c));
const reason = fc.string({ unit: fc.oneof(visible, fc.constant(' ')), maxLength: 20 }).map((r) => r.trim());
const answer = fc.record({
  status: fc.integer({ min: 200, max: 599 }),
  reason,
  lines: fc.array(fc.tuple(token, value), { maxLength: 12 }),
  body: fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  chunks: fc.option(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 }), { nil: undefined }),
});
type Answer = typeof answer extends fc.Arbitrary<infer T> ? T : never;

function wire(a: Answer): Buffer {
  // Bodiless statuses are where the two differ by design: Chrome reads no body on a 205 (recorded).
  const status = a.status === 204 || a.status === 205 || a.status === 304 ? 200 : a.status;
  const head = `HTTP/1.1 ${status} ${a.reason}\r\n${a.lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}`;
  if (!a.chunks) return Buffer.concat([Buffer.from(`${head}Content-Length: ${a.body.length}\r\n\r\n`, 'latin1'), a.body]);
  const parts: Buffer[] = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`, 'latin1')];
  let at = 0;
  for (const size of a.chunks) {
    const piece = a.body.subarray(at, at + size);
    at += piece.length;
    if (piece.length) parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  if (at < a.body.length) parts.push(Buffer.from(`${(a.body.length - at).toString(16)}\r\n`), a.body.subarray(at), Buffer.from('\r\n'));
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

let target: net.Server;
let port = 0;
let reply: Buffer = Buffer.alloc(0);
beforeAll(async () => {
  target = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => socket.end(reply));
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  port = (target.address() as AddressInfo).port;
});
afterAll(() => void target.close());

/** What Node's client makes of `bytes`. */
function nodeReads(bytes: Buffer): Promise<{ status: number; reason: string; lines: [string, string][]; body: Buffer }> {
  reply = bytes;
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const lines: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', lines, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
  });
}

it('reads every well-formed answer as Node does', async () => {
  await fc.assert(
    fc.asyncProperty(answer, async (a) => {
      const bytes = wire(a);
      const node = await nodeReads(bytes);
      const reading = readResponseHead(bytes, 'GET');
      if (reading.kind !== 'head') throw new Error(`not a head: ${reading.kind}`);
      const body = readBody(bytes, reading.head);
      expect(body).toMatchObject({ kind: 'body', complete: true });
      expect({ status: reading.head.status, reason: reading.head.statusText, lines: reading.head.headers, quirks: reading.head.quirks }).toEqual({
        status: node.status,
        reason: node.reason,
        lines: node.lines.map(([n, v]) => [n, Buffer.from(v, 'latin1').toString('latin1')]),
        quirks: [],
      });
      expect(body.kind === 'body' && body.body.equals(node.body)).toBe(true);
    }),
    { numRuns: 150 },
  );
});

it('returns a reading for any bytes, and never throws', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom('GET', 'HEAD'), (raw, method) => {
      const bytes = Buffer.from(raw);
      decodeChunked(bytes);
      const reading = readAnswer(bytes, method);
      if (reading.kind === 'head') readBody(bytes, reading.head);
    }),
    { numRuns: 2000 },
  );
  // ...and on bytes that look like HTTP, so the head paths run too.
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('HTTP/1.1 ', '200', ' ', ':', 'a', '\r', '\n', '\t', ',', '5', 'Content-Length', 'Transfer-Encoding', 'chunked', '\0'), maxLength: 60 }), (text) => {
      const bytes = Buffer.from(`HTTP/1.1 200 OK\r\n${text}\r\n\r\n${text}`, 'latin1');
      const reading = readResponseHead(bytes, 'GET');
      if (reading.kind === 'head') readBody(bytes, reading.head);
    }),
    { numRuns: 2000 },
  );
});
