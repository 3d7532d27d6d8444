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
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { HeaderLine } from '../cors/types.js';
import { readAnswer, readBody, type ChromeHead, type ParseError } from './chrome-response.js';
import { toLines } from './exchange.js';
import { closingHead, stripHopByHop } from './head.js';
import type { ResolvedOptions } from './options.js';
import type { Outcome, Published, Session } from './session.js';

/** The proxy's side of it: judging a head as every other answer is judged, and the log. */
export interface MalformedContext {
  judge(session: Session, req: IncomingMessage, status: number, lines: readonly HeaderLine[]): { lines: readonly HeaderLine[]; outcome?: Outcome };
  publish(outcome: Published): void;
  readonly options: ResolvedOptions;
}

/**
 * Answers the browser from the read Node refused, when that read holds the start of the answer
 * and a whole head; false otherwise (the caller's 502 then). Logs `upstream-malformed`.
 */
export function answerMalformed(ctx: MalformedContext, parse: ParseError, session: Session, req: IncomingMessage, res: ServerResponse): boolean {
  if (!firstRead(session, parse)) return false;
  const reading = readAsChrome(parse, req.method ?? 'GET');
  if (!reading) return false;
  if (reading.kind === 'refused') {
    passOn(res, parse.packet);
    warn(ctx, session, parse, reading, false);
    return true;
  }
  const { head } = reading;
  const { lines, outcome } = ctx.judge(session, req, head.status, head.headers);
  const status = outcome?.status ?? head.status;
  const statusText = status === head.status ? head.statusText : (http.STATUS_CODES[status] ?? '');
  const asSent = deliver(res, parse, reading, { status, statusText, headers: outcome?.headers ?? lines }, head);
  if (outcome) ctx.publish(outcome);
  warn(ctx, session, parse, reading, false, `the target's answer is malformed (${head.quirks.join('; ') || parse.reason}): Node's parser refuses it, Chrome reads it, so corscope judged Chrome's reading and passed it on${asSent ? ' as sent' : ' rewritten well-formed'}`);
  return true;
}

/**
 * The read Node refused is the first of the answer, not a later read of a head that came in
 * several (which may happen to begin with "HTTP" too): it is all the socket read since the request
 * took it.
 */
function firstRead(session: Session, parse: ParseError): boolean {
  const read = session.upstream?.socket?.bytesRead;
  return read !== undefined && session.readBefore >= 0 && read - session.readBefore === parse.packet.length;
}

/**
 * Node's parser took the head and refused the body in the same read (a bare LF after a chunk size,
 * which Chrome reads; a chunk size that is not hex, which Chrome fails too). While not one byte of
 * the response has gone to the browser, the answer goes out from that read instead: as sent when the
 * head the browser was given is the target's own, else that head (patched) with the body as Chrome
 * reads it. The exchange's record was written with the head. False otherwise: the caller cuts the
 * response.
 */
export function passOnMidBody(ctx: MalformedContext, parse: ParseError, session: Session, res: ServerResponse): boolean {
  const { response, sent } = session;
  if (!response || !sent || !firstRead(session, parse) || headGoneOut(res)) return false;
  const reading = readAsChrome(parse, session.request.method);
  if (!reading) return false;
  // The body relay ends here: its error (the parse fault) must not cut what goes out now.
  response.unpipe(res);
  response.removeAllListeners('error');
  response.on('error', () => undefined);
  const statusText = sent.status === response.statusCode ? (response.statusMessage ?? '') : (http.STATUS_CODES[sent.status] ?? '');
  const asSent = deliver(res, parse, reading, { ...sent, statusText }, { status: response.statusCode ?? 0, headers: toLines(response.rawHeaders) });
  warn(ctx, session, parse, reading, true, `Node's parser refused the target's body (${parse.code}: ${parse.reason}); Chrome reads it, so corscope passed the answer on${asSent ? ' as sent' : ' with the head the browser was given'}`);
  return true;
}

/**
 * The answer from the read Node refused: as sent when the head to give the browser is the
 * target's own (and always when Chrome refuses the answer), else that head with the body as Chrome
 * read it. True when as sent.
 */
function deliver(
  res: ServerResponse,
  parse: ParseError,
  reading: ChromeReading,
  head: { readonly status: number; readonly statusText: string; readonly headers: readonly HeaderLine[] },
  own: { readonly status: number; readonly headers: readonly HeaderLine[] },
): boolean {
  if (reading.kind === 'refused' || (head.status === own.status && sameLines(head.headers, own.headers))) {
    passOn(res, parse.packet);
    return true;
  }
  writeAsRead(res, reading, head.status, head.statusText, head.headers);
  return false;
}

/** The `upstream-malformed` line: `said` for an answer Chrome reads; an answer it refuses says so itself. */
function warn(ctx: MalformedContext, session: Session, parse: ParseError, reading: ChromeReading, midBody: boolean, said = ''): void {
  const { logger, target } = ctx.options;
  const where = midBody ? 'the target\'s answer mid-body' : 'the target\'s answer';
  const fields = {
    event: 'upstream-malformed',
    id: session.id,
    url: session.request.url,
    upstream: { code: parse.code, message: `Node's HTTP parser refused ${where} (${parse.code}: ${parse.reason})`, target: target.href },
  };
  if (reading.kind === 'refused') logger?.warn({ ...fields, chrome: { netError: reading.netError, why: reading.why } }, chromeRefuses(reading.netError, reading.why));
  else {
    const cut = reading.complete ? '' : '; its body went on past the read Node refused and is cut there';
    logger?.warn({ ...fields, ...(midBody ? {} : { quirks: reading.head.quirks }), complete: reading.complete }, `${said}${cut}`);
  }
}

/** Whether any byte of the response (its head first) went to the browser; Node keeps that internal. */
function headGoneOut(res: ServerResponse): boolean {
  return (res as unknown as { _headerSent?: unknown })._headerSent !== false;
}

type ChromeReading =
  | { readonly kind: 'read'; readonly head: ChromeHead; readonly body: Buffer; readonly complete: boolean }
  | { readonly kind: 'refused'; readonly netError: string; readonly why: string };

/** How Chrome reads the bytes Node refused; undefined when they do not hold a whole head. */
function readAsChrome(parse: ParseError, method: string): ChromeReading | undefined {
  const head = readAnswer(parse.packet, method);
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
function writeAsRead(res: ServerResponse, reading: Extract<ChromeReading, { kind: 'read' }>, status: number, statusText: string, headers: readonly HeaderLine[]): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  const { head, body, complete } = reading;
  const lines = stripHopByHop(headers).filter(([name]) => head.framing.kind === 'none' || !FRAMING.has(name.toLowerCase()));
  let framing: HeaderLine[] = [];
  let payload = body;
  if (status === 204 || status === 304) payload = Buffer.alloc(0);
  else if (head.framing.kind === 'length') framing = [['Content-Length', String(head.framing.length)]];
  else if (head.framing.kind === 'chunked' && complete) framing = [['Content-Length', String(body.length)]];
  else if (head.framing.kind === 'chunked') {
    // Cut short: chunked again, without the last chunk, so the page sees a cut body as it would.
    framing = [['Transfer-Encoding', 'chunked']];
    payload = body.length > 0 ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]) : body;
  }
  const digits = status === head.status ? head.statusDigits : status;
  socket.end(Buffer.concat([closingHead(digits, statusText, [...lines, ...framing]), payload]));
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
  socket.write(closingHead(String(status).padStart(3, '0'), statusText, stripHopByHop(headers)));
  from.on('error', () => socket.destroy());
  from.pipe(socket);
}

function sameLines(a: readonly HeaderLine[], b: readonly HeaderLine[]): boolean {
  return a.length === b.length && a.every(([name, value], i) => name === b[i]![0] && value === b[i]![1]);
}

/** The target's bytes, as sent: the browser reads them as it would without corscope. */
function passOn(res: ServerResponse, packet: Buffer): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) socket.end(packet);
}
