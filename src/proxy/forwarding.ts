/**
 * How corscope has http-proxy-3 forward a request and its answer as they were sent: the adaptations
 * around its passes and Node's client that a faithful debugging proxy needs, each found by a case
 * where a direct connection and one through corscope differed.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type https from 'node:https';
import type { ProxyServer } from 'http-proxy-3';
import type { Session } from './session.js';

/**
 * Chrome reads response heads up to 256 KiB; Node's client stops at 16 KiB (a 502) and at 1000
 * header lines (the rest dropped without a word). Both are set per request before its socket's
 * parser is made, which only the agent sees in time (`addRequest`, the hook agents like
 * agent-base override).
 */
export const MAX_RESPONSE_HEAD = 256 * 1024;
export function upstreamAgent<A extends http.Agent | https.Agent>(agent: A): A {
  const addRequest = (agent as unknown as { addRequest: (req: http.ClientRequest, ...rest: unknown[]) => void }).addRequest;
  Object.assign(agent, {
    addRequest(this: A, req: http.ClientRequest, ...rest: unknown[]): void {
      (req as http.ClientRequest & { maxHeaderSize?: number }).maxHeaderSize = MAX_RESPONSE_HEAD;
      req.maxHeadersCount = 0;
      addRequest.call(this, req, ...rest);
    },
  });
  return agent;
}

/**
 * http-proxy-3's `deleteLength` pass gives a DELETE or OPTIONS without Content-Length a
 * `content-length: 0` and drops its Transfer-Encoding. Every preflight reached the target with a
 * line Chrome never sent, and a chunked body was cut off, so the target answered a request the
 * browser never made. Two passes around it put the framing back as the browser sent it; for every
 * other request they cost a method comparison. (`after` in http-proxy-3 1.23 inserts before the
 * named pass, so both use `before`.)
 */
const FRAMING = Symbol('corscope.framing');
/** The request's Transfer-Encoding, or null for none, when `deleteLength` is about to act. */
type Framed = IncomingMessage & { [FRAMING]?: string | null };
export function keepRequestFraming(proxy: ProxyServer): void {
  proxy.before('web', 'deleteLength', (req: IncomingMessage) => {
    if ((req.method === 'DELETE' || req.method === 'OPTIONS') && !req.headers['content-length']) (req as Framed)[FRAMING] = req.headers['transfer-encoding'] ?? null;
  });
  proxy.before('web', 'timeout', (req: IncomingMessage) => {
    const encoding = (req as Framed)[FRAMING];
    if (encoding === undefined) return;
    delete req.headers['content-length'];
    if (encoding !== null) req.headers['transfer-encoding'] = encoding;
  });
}

/**
 * A pooled connection the target had already closed (it closes idle ones, often without a
 * `Keep-Alive: timeout` hint: Go, uvicorn, gunicorn) fails the request before any byte of an answer.
 * Chrome sends such a request again on a new connection, so the page never sees it fail; corscope
 * does the same, once, for a request without a body (one with a body has streamed on and cannot be
 * sent again).
 */
export function mayResend(session: Session, req: IncomingMessage, err: unknown): boolean {
  if (session.retried || session.timedOut || session.response || !session.upstream?.reusedSocket) return false;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ECONNRESET' && code !== 'EPIPE') return false;
  const length = req.headers['content-length'];
  return req.complete && (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

/** Per-request options for http-proxy-3 (merged into its own options on every call anyway). */
const VERBATIM_PATH = Object.freeze({});
/**
 * A request target that is not a path (`GET http://host/p` when corscope is used as a forward
 * proxy, `OPTIONS *`) is reduced to its path and query by http-proxy-3's parsing, as before.
 */
const PARSED_PATH = Object.freeze({ toProxy: false });
export const pathOptions = (req: IncomingMessage): object => (req.url?.startsWith('/') ? VERBATIM_PATH : PARSED_PATH);

/**
 * The target answered before it had the whole request body (a 401 or 413 to an upload) and its
 * response is complete. Node's client stops draining a request once its response has ended, so
 * the body pipe would stall for good and the browser's upload with it. The rest of the body goes
 * nowhere, as the target would have dropped it, and the connection to the target, left mid-request,
 * is closed rather than reused.
 */
export function dropUnsentBody(req: IncomingMessage, upstream: http.ClientRequest | undefined): void {
  if (req.complete && req.readableEnded) return;
  req.unpipe();
  req.resume();
  upstream?.destroy();
}

/**
 * A `103 Early Hints` from the target goes on to the browser (Chrome preloads what its `Link` lines
 * name while the target is still working). Other interim answers are not passed on: Chrome acts on
 * no other, and Node's server writes only this one. A `Link` Node refuses to write is left out.
 */
export function forwardEarlyHints(info: http.InformationEvent, res: ServerResponse): void {
  if (info.statusCode !== 103 || res.headersSent) return;
  const hints: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < info.rawHeaders.length; i += 2) {
    const name = info.rawHeaders[i]!.toLowerCase();
    const value = info.rawHeaders[i + 1]!;
    const known = hints[name];
    hints[name] = known === undefined ? value : [...(Array.isArray(known) ? known : [known]), value];
  }
  if (hints.link === undefined) return;
  try {
    res.writeEarlyHints(hints);
  } catch {
    // An invalid Link value: Chrome would ignore the hint too.
  }
}

/**
 * Streams the body on. Plain `pipe` rather than `stream.pipeline`, which allocates an
 * AbortController (and a DOMException on finish) per response: measurable per request. Teardown:
 * the target breaking off mid-body destroys `from` with an error (emitted because this listener
 * exists), and the browser must then see a cut response, not a short one that looks whole; the
 * browser going away is http-proxy-3's to handle (its `close` listener destroys the request to
 * the target, which destroys `from`).
 */
export function relay(from: IncomingMessage, to: ServerResponse): void {
  from.on('error', () => to.destroy());
  from.pipe(to);
}
