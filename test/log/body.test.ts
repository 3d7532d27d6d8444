/**
 * The body excerpt a refused answer's record carries: decoded when compressed, text only when it
 * is text, bounded, with the request's secrets and secret-looking tokens redacted.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BODY_EXCERPT_BYTES, bodyExcerpt } from '../../src/log/body.js';
import type { HeaderLine } from '../../src/cors/types.js';

const html = '<!doctype html><title>Error</title><pre>Error: Not allowed by CORS</pre>';

function excerpt(bytes: Buffer, headers: HeaderLine[], request: HeaderLine[] = [], extra: { seen?: number; truncated?: boolean; logSecrets?: boolean } = {}) {
  return bodyExcerpt({ bytes, seen: extra.seen ?? bytes.length, truncated: extra.truncated ?? false, responseHeaders: headers, requestHeaders: request, logSecrets: extra.logSecrets ?? false });
}

describe('bodyExcerpt', () => {
  it.each([
    ['identity', (b: Buffer) => b, undefined],
    ['gzip', (b: Buffer) => zlib.gzipSync(b), 'gzip'],
    ['deflate (zlib)', (b: Buffer) => zlib.deflateSync(b), 'deflate'],
    ['deflate (raw, as some servers send it)', (b: Buffer) => zlib.deflateRawSync(b), 'deflate'],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b), 'br'],
  ])('%s: the text as the server wrote it', (_name, encode, coding) => {
    const bytes = encode(Buffer.from(html));
    const headers: HeaderLine[] = [['Content-Type', 'text/html; charset=utf-8'], ...(coding ? [['Content-Encoding', coding] as const] : [])];
    expect(excerpt(bytes, headers)).toEqual({ type: 'text/html; charset=utf-8', bytes: bytes.length, truncated: false, text: html });
  });

  it('a gzip body cut at the bound still shows what its first bytes hold', () => {
    const long = Buffer.from('Something broke! '.repeat(2000));
    const gz = zlib.gzipSync(long, { level: 1 });
    const cut = gz.subarray(0, 600);
    const got = excerpt(cut, [['Content-Type', 'text/plain'], ['Content-Encoding', 'gzip']], [], { seen: gz.length, truncated: true });
    expect(got.text?.startsWith('Something broke! Something broke!')).toBe(true);
    expect(got.text!.length).toBeLessThanOrEqual(BODY_EXCERPT_BYTES);
    expect(got).toMatchObject({ bytes: gz.length, truncated: true });
  });

  it('a binary body is named by its type and size, never printed', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(excerpt(png, [['Content-Type', 'image/png']])).toEqual({ type: 'image/png', bytes: 12, truncated: false });
    expect(excerpt(png, [])).toEqual({ type: null, bytes: 12, truncated: false });
  });

  it('an unknown encoding is not guessed at', () => {
    expect(excerpt(Buffer.from('xyz'), [['Content-Type', 'text/plain'], ['Content-Encoding', 'zstd']])).toEqual({ type: 'text/plain', bytes: 3, truncated: false });
  });

  it("the request's cookie and authorization values, and tokens that look secret, are redacted", () => {
    const body = 'session=PLANTED-cookie-value rejected; Bearer PLANTED-bearer-value; token: "abcdefghij"; jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig';
    const got = excerpt(Buffer.from(body), [['Content-Type', 'text/plain']], [['Cookie', 'session=PLANTED-cookie-value'], ['Authorization', 'Bearer PLANTED-bearer-value']]);
    expect(got.text).toBe('session=[redacted] rejected; Bearer [redacted]; token: "[redacted]"; jwt [redacted]');
    expect(excerpt(Buffer.from(body), [['Content-Type', 'text/plain']], [['Cookie', 'session=PLANTED-cookie-value']], { logSecrets: true }).text).toBe(body);
  });
});
