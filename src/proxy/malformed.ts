/**
 * The target's answer failed Node's HTTP parser, which is stricter than Chrome's: a bare LF, a
 * folded line, a duplicated Content-Length, a space before a colon, a status code of 2000. Without
 * corscope the page would read most of these; a 502 from corscope put a CORS error on the page
 * that had nothing to do with the API. So corscope reads the bytes Node refused the way Chrome
 * does (chrome-response.ts), judges that, and passes the answer on:
 *
 * - as sent, byte for byte, when nothing is to be changed: the browser reads it exactly as it
 *   would without corscope, including the answers Chrome itself refuses (the page then fails with
 *   Chrome's own net error, e.g. ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH, and no CORS line);
 * - rewritten as Chrome read it, well-formed, when --patch or a Location rewrite changes the head.
 *
 * Node hands over only the read that failed (`rawPacket`) and closes the connection to the target,
 * so this works when that read holds the whole head, which it does for heads of ordinary size. A
 * body longer than the read is cut where the read ends, and the log says so.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderLine } from '../cors/types.js';
import { readBody, readResponseHead, type ChromeHead } from './chrome-response.js';
import { stripHopByHop } from './head.js';

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

export type ChromeReading =
  | { readonly kind: 'read'; readonly head: ChromeHead; readonly body: Buffer; readonly complete: boolean }
  | { readonly kind: 'refused'; readonly netError: string; readonly why: string };

/** How Chrome reads the bytes Node refused; undefined when they do not hold a whole head. */
export function readAsChrome(parse: ParseError, method: string): ChromeReading | undefined {
  const head = readResponseHead(parse.packet, method);
  if (head.kind === 'partial') return undefined;
  if (head.kind === 'refused') return head;
  const body = readBody(parse.packet, head.head);
  if (body.kind === 'refused') return body;
  return { kind: 'read', head: head.head, body: body.body, complete: body.complete };
}

/** The log's words for an answer Chrome refuses itself, which corscope passes on as sent. */
export function chromeRefuses(netError: string, why: string): string {
  return `Chrome refuses this answer of the target itself (net::${netError}: ${why}); corscope passed it on as sent, so the page fails as it would without corscope, with no CORS error`;
}

/** Framing lines are corscope's to write when it writes the head anew. */
const FRAMING = new Set(['content-length', 'transfer-encoding']);

/**
 * Writes the answer straight onto the browser's connection (Node's response writer refuses status
 * codes outside 100-999 and control characters that Chrome accepts), then closes it: the head says
 * `Connection: close`, and the body ends as Chrome framed it.
 */
export function writeAsRead(res: ServerResponse, reading: Extract<ChromeReading, { kind: 'read' }>, status: number, statusText: string, headers: readonly HeaderLine[]): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  const { head, body, complete } = reading;
  const lines = stripHopByHop(headers).filter(([name]) => head.framing.kind === 'none' || !FRAMING.has(name.toLowerCase()));
  let framing = '';
  let payload = body;
  if (status === 204 || status === 304) payload = Buffer.alloc(0);
  else if (head.framing.kind === 'length') framing = `Content-Length: ${head.framing.length}\r\n`;
  else if (head.framing.kind === 'chunked' && complete) framing = `Content-Length: ${body.length}\r\n`;
  else if (head.framing.kind === 'chunked') {
    // Cut short: chunked again, without the last chunk, so the page sees a cut body as it would.
    framing = 'Transfer-Encoding: chunked\r\n';
    payload = body.length > 0 ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body;
  }
  const digits = status === head.status ? head.statusDigits : String(status);
  socket.end(Buffer.concat([rawHead(digits, statusText, lines, framing), payload]));
}

/**
 * An answer Node's parser took but its response writer refuses, a status code below 100 (Chrome
 * reads `099` as 99): the head goes straight onto the browser's connection, the body after it, and
 * the connection closes with it.
 */
export function relayUnwritable(res: ServerResponse, from: IncomingMessage, status: number, statusText: string, headers: readonly HeaderLine[]): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) {
    from.destroy();
    return;
  }
  socket.write(rawHead(String(status).padStart(3, '0'), statusText, stripHopByHop(headers), ''));
  from.on('error', () => socket.destroy());
  from.pipe(socket);
}

function rawHead(digits: string, statusText: string, lines: readonly HeaderLine[], framing: string): Buffer {
  const text = `HTTP/1.1 ${digits}${statusText === '' ? '' : ` ${statusText}`}\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}${framing}Connection: close\r\n\r\n`;
  return Buffer.from(text, 'latin1');
}

export function sameLines(a: readonly HeaderLine[], b: readonly HeaderLine[]): boolean {
  return a.length === b.length && a.every(([name, value], i) => name === b[i]![0] && value === b[i]![1]);
}

/** The target's bytes, as sent: the browser reads them as it would without corscope. */
export function passOn(res: ServerResponse, packet: Buffer): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) socket.end(packet);
}
