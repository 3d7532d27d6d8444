/**
 * The Chrome-faithful response reader against what Chromium did with each answer
 * (test/fixtures/chrome-response-heads.json, recorded by test/browser/response-heads.test.ts).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeChunked, readAnswer, readBody, readResponseHead } from '../../src/proxy/chrome-response.js';
import type { HeadObservation, ResponseHeadFixture } from '../support/response-heads.js';

const fixture = JSON.parse(fs.readFileSync(new URL('../fixtures/chrome-response-heads.json', import.meta.url), 'utf8')) as ResponseHeadFixture;

/** What only the connection's close tells Chrome; the reader is given bytes, not the close. */
const NEEDS_THE_CLOSE: Readonly<Record<string, 'partial'>> = {
  'cr-only-lines': 'partial', // no LF anywhere: Chrome takes it all as the head when the connection closes
};

const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date']);

/** The reader's result in the shape of the page's observation (fetch's header list: lower-case, sorted, joined). */
function asPageSees(raw: string, method = 'GET'): HeadObservation | 'partial' {
  const reading = readAnswer(Buffer.from(raw, 'latin1'), method);
  if (reading.kind === 'partial') return 'partial';
  if (reading.kind === 'refused') return { ok: false, netError: reading.netError, cors: [] };
  const { head } = reading;
  const body = readBody(Buffer.from(raw, 'latin1'), head);
  if (body.kind === 'refused') return { ok: false, netError: body.netError, cors: [] };
  if (!body.complete) return { ok: false, netError: head.framing.kind === 'chunked' ? 'ERR_INCOMPLETE_CHUNKED_ENCODING' : 'ERR_CONTENT_LENGTH_MISMATCH', cors: [] };
  const joined = new Map<string, string>();
  for (const [name, value] of head.headers) {
    const key = name.toLowerCase();
    if (FRAMING.has(key)) continue;
    joined.set(key, joined.has(key) ? `${joined.get(key)}, ${value}` : value);
  }
  const headers = [...joined].sort(([a], [b]) => (a < b ? -1 : 1));
  return { ok: true, status: head.status, statusText: head.statusText, body: body.body.toString('latin1'), headers, cors: [] };
}

describe('readResponseHead + readBody read each answer as Chromium did', () => {
  it.each(fixture.cases.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const expected = NEEDS_THE_CLOSE[id] ?? c.chrome;
    expect(asPageSees(c.raw, c.method)).toEqual(expected);
  });
});

describe('what a strict parser refuses is said in words', () => {
  const quirksOf = (raw: string): readonly string[] => {
    const reading = readResponseHead(Buffer.from(raw, 'latin1'), 'GET');
    if (reading.kind !== 'head') throw new Error(`no head: ${reading.kind}`);
    return reading.head.quirks;
  };
  it.each([
    ['HTTP/1.1 200 OK\nContent-Length: 0\n\n', /bare LF/],
    ['HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n', /folded \(obs-fold\)/],
    ['HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length: 0\r\n\r\n', /whitespace around the header name 'X-A '/],
    ['HTTP/1.1 200 OK\r\ngarbage\r\nContent-Length: 0\r\n\r\n', /without a colon, which Chrome ignores: 'garbage'/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n', /Content-Length given 2 times \(0, 0\)/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 5x\r\n\r\n', /Content-Length '5x' is not a length/],
    ['HTTP/1.1 200 OK\r\nContent-Length: 9\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /Content-Length together with Transfer-Encoding: chunked/],
    ['HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n', /status code 2000, outside 100-999/],
    ['http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', /status line 'http\/1.1 200 OK' is not/],
    ['HTTP/1.1 200 OK\r\nX-C: a\x01b\r\nContent-Length: 0\r\n\r\n', /control characters in the value of X-C/],
  ])('%j', (raw, quirk) => {
    expect(quirksOf(raw).join('\n')).toMatch(quirk);
  });
  it('a well-formed head has none', () => {
    expect(quirksOf('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n')).toEqual([]);
  });
});

describe('readResponseHead: bounds', () => {
  it('a head that has not ended is partial, at any split', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
    for (let cut = 0; cut < raw.indexOf('\r\n\r\n') + 3; cut++) expect(readResponseHead(Buffer.from(raw.slice(0, cut), 'latin1'), 'GET').kind).toBe('partial');
  });
  it('bytes from the middle of a head (no status line in the first five) are partial, not HTTP/0.9', () => {
    expect(readResponseHead(Buffer.from('ontent-Length: 5\r\n\r\nhello', 'latin1'), 'GET').kind).toBe('partial');
  });
  it('the first bytes of an answer are HTTP/0.9 only once 8 of them came without a status line', () => {
    expect(readAnswer(Buffer.from('hello w', 'latin1'), 'GET').kind).toBe('partial');
    expect(readAnswer(Buffer.from('\r\n\r\nHTTP/1.1 200 OK', 'latin1'), 'GET').kind).toBe('partial');
    expect(readAnswer(Buffer.from('hello world', 'latin1'), 'GET')).toMatchObject({ kind: 'refused', netError: 'ERR_INVALID_HTTP_RESPONSE' });
  });
  it('a Content-Length body the bytes do not hold all of is incomplete, with what they hold', () => {
    const raw = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhel', 'latin1');
    const reading = readResponseHead(raw, 'GET');
    if (reading.kind !== 'head') throw new Error(reading.kind);
    expect(readBody(raw, reading.head)).toEqual({ kind: 'body', body: Buffer.from('hel'), complete: false });
  });
  it('a status code too large for an int is clamped, not NaN', () => {
    const reading = readResponseHead(Buffer.from('HTTP/1.1 99999999999999 X\r\n\r\n', 'latin1'), 'GET');
    expect(reading.kind === 'head' && reading.head.status).toBe(2 ** 31 - 1);
  });
});

describe('decodeChunked', () => {
  it.each([
    ['5\r\nhello\r\n0\r\n\r\n', 'hello', true],
    ['5\nhello\n6\n world\n0\n\n', 'hello world', true],
    ['5 ;ext\r\nhello\r\n0\r\nTrailer: x\r\n\r\n', 'hello', true],
    ['5\r\nhel', 'hel', false],
    ['5\r\nhello\r\n', 'hello', false],
    ['5\r\nhello\r\n0\r\n', 'hello', false],
  ])('%j', (raw, body, complete) => {
    expect(decodeChunked(Buffer.from(raw, 'latin1'))).toEqual({ kind: 'body', body: Buffer.from(body, 'latin1'), complete });
  });
  it.each(['zz\r\n', '\r\n', '+5\r\nhello\r\n', '0x5\r\nhello\r\n', '5\r\nhelloX\r\n0\r\n\r\n'])('refuses %j as Chrome does', (raw) => {
    expect(decodeChunked(Buffer.from(raw, 'latin1'))).toMatchObject({ kind: 'refused', netError: 'ERR_INVALID_CHUNKED_ENCODING' });
  });
});
