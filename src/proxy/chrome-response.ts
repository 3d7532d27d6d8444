/**
 * An HTTP/1.x response read the way Chrome's network stack reads it, for the answers Node's strict
 * parser (llhttp) refuses and Chrome does not: bare-LF line ends, folded lines, a space before a
 * colon, a line without one, a duplicated Content-Length, a status code outside 100-999, a
 * lower-case `http/1.1`. Without this corscope answered those with a 502, and the page got a CORS
 * error it would never get without corscope.
 *
 * The rules are Chromium's `net/http`: HttpUtil::LocateStartOfStatusLine, LocateEndOfHeaders and
 * AssembleRawHeaders, HttpResponseHeaders::ParseStatusLine and its HeadersIterator,
 * HttpStreamParser's checks of the head and body framing, and HttpChunkedDecoder. Every rule is
 * pinned by test/fixtures/chrome-response-heads.json, what Chromium 156 did with each case.
 * Pure: bytes in, a reading out.
 */
import type { HeaderLine } from '../cors/types.js';

/** How the body after the head ends, as Chrome frames it. */
export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  | { readonly kind: 'close' };

export interface ChromeHead {
  readonly status: number;
  /** The status digits as sent (`099` stays `099`). */
  readonly statusDigits: string;
  readonly statusText: string;
  /** The lines Chrome keeps, names and values trimmed, folded lines joined; in order. */
  readonly headers: readonly HeaderLine[];
  /** Where the body starts in the bytes read. */
  readonly bodyStart: number;
  readonly framing: Framing;
  /** What a strict parser refuses here and Chrome reads anyway, in words, for the log. */
  readonly quirks: readonly string[];
}

export type HeadReading =
  | { readonly kind: 'head'; readonly head: ChromeHead }
  /** Chrome fails the request itself, with this net error. */
  | { readonly kind: 'refused'; readonly netError: string; readonly why: string }
  /** The bytes hold no complete head (it may have started in an earlier read). */
  | { readonly kind: 'partial' };

export type BodyReading =
  | { readonly kind: 'body'; readonly body: Buffer; readonly complete: boolean }
  | { readonly kind: 'refused'; readonly netError: string; readonly why: string };

/** Up to 4 bytes of junk may precede the status line's `HTTP` (any case); -1 when it is not there. */
export function statusLineStart(bytes: Buffer): number {
  const last = Math.min(bytes.length - 4, 4);
  for (let i = 0; i <= last; i++) {
    if (bytes.toString('latin1', i, i + 4).toLowerCase() === 'http') return i;
  }
  return -1;
}

/**
 * Bytes that start an answer and can no longer become a status line: Chrome reads them as HTTP/0.9
 * and refuses them (as recorded, on a port other than 80).
 */
function http09(bytes: Buffer): { readonly netError: string; readonly why: string } | undefined {
  if (bytes.length < 8 || statusLineStart(bytes) !== -1) return undefined;
  return { netError: 'ERR_INVALID_HTTP_RESPONSE', why: 'the answer does not start with an HTTP status line, so Chrome reads it as HTTP/0.9, which it refuses' };
}

/**
 * The first bytes of an answer as Chrome reads them: HTTP/0.9 (refused) once no status line can
 * come any more, else `readResponseHead`.
 */
export function readAnswer(bytes: Buffer, method: string): HeadReading {
  const head09 = http09(bytes);
  return head09 ? { kind: 'refused', ...head09 } : readResponseHead(bytes, method);
}

/** The end of the head: `\n\n` or `\n\r\n`; -1 when it has not come yet. */
function locateEndOfHeaders(bytes: Buffer, from: number): number {
  let wasLf = false;
  let last = 0;
  for (let i = from; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x0a) {
      if (wasLf) return i + 1;
      wasLf = true;
    } else if (c !== 0x0d || last !== 0x0a) {
      wasLf = false;
    }
    last = c;
  }
  return -1;
}

const isLws = (c: string | undefined): boolean => c === ' ' || c === '\t';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const trimLws = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/** A line that may be continued by a folded one: a header line with a token name. */
function continuable(line: string): boolean {
  const colon = line.indexOf(':');
  if (colon === -1) return false;
  const name = trimLws(line.slice(0, colon));
  return name !== '' && TOKEN.test(name);
}

/** Status line plus header lines, folded lines joined (AssembleRawHeaders). */
function assemble(text: string, quirks: string[]): { statusLine: string; lines: string[] } {
  const statusEnd = text.search(/[\r\n]/);
  const statusLine = statusEnd === -1 ? text : text.slice(0, statusEnd);
  const lines: string[] = [];
  let mayContinue = false;
  const rest = statusEnd === -1 ? '' : text.slice(statusEnd);
  if (/(^|[^\r])\n/.test(rest)) quirks.push('lines end in a bare LF instead of CRLF');
  if (/\r(?!\n)/.test(rest)) quirks.push('a bare CR inside the head, which Chrome reads as a line end');
  for (const line of rest.split(/[\r\n]+/)) {
    if (line === '') continue;
    if (mayContinue && isLws(line[0])) {
      quirks.push(`a folded (obs-fold) continuation line, joined to the line before: '${line}'`);
      lines[lines.length - 1] += ` ${trimLws(line)}`;
      continue;
    }
    lines.push(line);
    mayContinue = continuable(line);
  }
  return { statusLine, lines };
}

interface StatusLine {
  readonly version: number;
  readonly status: number;
  readonly digits: string;
  readonly text: string;
}

/** HttpResponseHeaders::ParseStatusLine; `version` is 10, 11 or 20. */
function parseStatusLine(line: string, quirks: string[]): StatusLine {
  const version = /^http\/(\d)[^.]*\.(\d)/i.exec(line);
  const major = version ? Number(version[1]) : 0;
  const minor = version ? Number(version[2]) : 0;
  const clamped = major === 2 && minor === 0 ? 20 : major > 1 || (major === 1 && minor >= 1) ? 11 : 10;
  if (!/^HTTP\/1\.[01] /.test(line)) quirks.push(`the status line '${line}' is not 'HTTP/1.x <code> <reason>'`);
  const space = line.indexOf(' ');
  if (space === -1) return { version: clamped, status: 200, digits: '200', text: 'OK' };
  let p = space;
  while (line[p] === ' ') p++;
  const digits = /^\d*/.exec(line.slice(p))![0];
  if (digits === '') return { version: clamped, status: 200, digits: '200', text: '' };
  const status = Math.min(Number(digits), 2 ** 31 - 1);
  if (digits.length !== 3 || status < 100) quirks.push(`status code ${digits}, outside 100-999`);
  const text = line.slice(p + digits.length).replace(/^ +| +$/g, '');
  return { version: clamped, status, digits, text };
}

/** HeadersIterator: lines without a colon, with an empty or non-token name, or starting with LWS are skipped. */
function headerLines(lines: readonly string[], quirks: string[]): HeaderLine[] {
  const headers: HeaderLine[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) {
      quirks.push(`a line without a colon, which Chrome ignores: '${line}'`);
      continue;
    }
    const raw = line.slice(0, colon);
    const name = trimLws(raw);
    if (name === '' || isLws(raw[0]) || !TOKEN.test(name)) {
      quirks.push(`a line whose name '${raw}' is not a header name, which Chrome ignores: '${line}'`);
      continue;
    }
    if (name !== raw) quirks.push(`whitespace around the header name '${raw}', which Chrome trims`);
    const value = trimLws(line.slice(colon + 1));
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) quirks.push(`control characters in the value of ${name}`);
    headers.push([name, value]);
  }
  return headers;
}

/** Values of `name`, split at commas the way HttpResponseHeaders stores a coalescing header. */
function listValues(headers: readonly HeaderLine[], name: string, split: boolean): string[] {
  const values: string[] = [];
  for (const [n, v] of headers) {
    if (n.toLowerCase() !== name) continue;
    if (split) for (const item of v.split(',')) values.push(trimLws(item));
    else values.push(v);
  }
  return values.filter((v) => v !== '');
}

/** HttpUtil::HeadersContainMultipleCopiesOfField: copies with different values. */
function differingCopies(values: readonly string[]): boolean {
  return values.some((v) => v !== values[0]);
}

/** HttpResponseHeaders::GetContentLength: -1 when absent or not a plain non-negative integer. */
function contentLength(values: readonly string[]): number {
  const first = values[0];
  if (first === undefined || !/^-?\d+$/.test(first)) return -1;
  const n = Number(first);
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

export function readResponseHead(bytes: Buffer, method: string): HeadReading {
  const start = statusLineStart(bytes);
  if (start === -1) return { kind: 'partial' };
  const end = locateEndOfHeaders(bytes, start);
  if (end === -1) return { kind: 'partial' };
  const text = bytes.toString('latin1', start, end);
  if (text.includes('\0')) return { kind: 'refused', netError: 'ERR_INVALID_HTTP_RESPONSE', why: 'the response head contains a NUL byte' };
  const quirks: string[] = [];
  if (start > 0) quirks.push(`${start} byte(s) before the status line, which Chrome skips`);
  const { statusLine, lines } = assemble(text, quirks);
  const status = parseStatusLine(statusLine, quirks);
  const headers = headerLines(lines, quirks);

  const te = listValues(headers, 'transfer-encoding', true);
  const chunked = status.version >= 11 && te.some((v) => v.toLowerCase() === 'chunked');
  const lengths = listValues(headers, 'content-length', true);
  if (!chunked && differingCopies(lengths)) {
    return { kind: 'refused', netError: 'ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH', why: `Content-Length values that differ: ${lengths.join(', ')}` };
  }
  for (const [name, netError] of [
    ['content-disposition', 'ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_DISPOSITION'],
    ['location', 'ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION'],
  ] as const) {
    const values = listValues(headers, name, false);
    if (differingCopies(values)) return { kind: 'refused', netError, why: `${name} lines that differ: ${values.join(' | ')}` };
  }
  if (lengths.length > 1) quirks.push(`Content-Length given ${lengths.length} times (${lengths.join(', ')})`);

  let framing: Framing;
  const length = contentLength(lengths);
  if (method === 'HEAD' || status.status === 204 || status.status === 205 || status.status === 304) framing = { kind: 'none' };
  else if (chunked) {
    if (lengths.length > 0) quirks.push('Content-Length together with Transfer-Encoding: chunked; Chrome reads the body as chunked');
    framing = { kind: 'chunked' };
  } else if (length >= 0) framing = { kind: 'length', length };
  else {
    if (lengths.length > 0) quirks.push(`Content-Length '${lengths[0]}' is not a length; Chrome reads the body until the connection closes`);
    framing = { kind: 'close' };
  }
  return {
    kind: 'head',
    head: { status: status.status, statusDigits: status.digits, statusText: status.text, headers, bodyStart: end, framing, quirks },
  };
}

/**
 * The body that follows the head in `bytes`, as far as they go. `complete` is false when the
 * framing asks for more than the bytes hold; for a body that ends with the connection it is true:
 * nothing in the bytes says more was coming.
 */
export function readBody(bytes: Buffer, head: ChromeHead): BodyReading {
  const rest = bytes.subarray(head.bodyStart);
  switch (head.framing.kind) {
    case 'none':
      return { kind: 'body', body: Buffer.alloc(0), complete: true };
    case 'length':
      return { kind: 'body', body: rest.subarray(0, head.framing.length), complete: rest.length >= head.framing.length };
    case 'close':
      return { kind: 'body', body: rest, complete: true };
    case 'chunked':
      return decodeChunked(rest);
  }
}

const INVALID_CHUNKED = 'ERR_INVALID_CHUNKED_ENCODING';

/** HttpChunkedDecoder: LF or CRLF line ends, extensions after `;` ignored, trailers skipped. */
export function decodeChunked(bytes: Buffer): BodyReading {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lf = bytes.indexOf(0x0a, at);
    if (lf === -1) return { kind: 'body', body: Buffer.concat(parts), complete: false };
    let line = bytes.toString('latin1', at, lf);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    at = lf + 1;
    const semicolon = line.indexOf(';');
    const size = (semicolon === -1 ? line : line.slice(0, semicolon)).replace(/ +$/, '');
    if (!/^[0-9a-fA-F]+$/.test(size)) return { kind: 'refused', netError: INVALID_CHUNKED, why: `'${line}' is not a chunk size` };
    const length = parseInt(size, 16);
    if (length === 0) return trailers(bytes, at, parts);
    if (at + length > bytes.length) {
      parts.push(bytes.subarray(at));
      return { kind: 'body', body: Buffer.concat(parts), complete: false };
    }
    parts.push(bytes.subarray(at, at + length));
    at += length;
    const end = bytes.indexOf(0x0a, at);
    if (end === -1) return { kind: 'body', body: Buffer.concat(parts), complete: false };
    const terminator = bytes.toString('latin1', at, end);
    if (terminator !== '' && terminator !== '\r') return { kind: 'refused', netError: INVALID_CHUNKED, why: 'chunk data not followed by a line end' };
    at = end + 1;
  }
}

/** Trailer lines after the last chunk, up to the empty line that ends the body. */
function trailers(bytes: Buffer, from: number, parts: Buffer[]): BodyReading {
  let at = from;
  for (;;) {
    const lf = bytes.indexOf(0x0a, at);
    if (lf === -1) return { kind: 'body', body: Buffer.concat(parts), complete: false };
    const line = bytes.toString('latin1', at, lf);
    at = lf + 1;
    if (line === '' || line === '\r') return { kind: 'body', body: Buffer.concat(parts), complete: true };
  }
}

/** Node's parse error: its code (`HPE_…`), and the read it failed on. */
export interface ParseError {
  readonly code: string;
  readonly reason: string;
  readonly packet: Buffer;
}

export function parseErrorOf(err: unknown): ParseError | undefined {
  const e = err as { code?: unknown; reason?: unknown; message?: unknown; rawPacket?: unknown } | null;
  if (typeof e?.code !== 'string' || !e.code.startsWith('HPE_') || !Buffer.isBuffer(e.rawPacket)) return undefined;
  return { code: e.code, reason: typeof e.reason === 'string' ? e.reason : String(e.message ?? ''), packet: e.rawPacket };
}
