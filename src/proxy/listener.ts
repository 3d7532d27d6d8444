/**
 * One target's listener: an HTTP server in front of it, built on http-proxy-3 with
 * `selfHandleResponse`, so corscope writes the response head itself from the target's raw lines
 * (duplicates and order kept) after judging it, then streams the body through untouched. The
 * CorscopeServer (server.ts) owns one per target, the memory they share and the log.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { HeaderLine } from '../cors/types.js';
import type { ExchangeRecord } from '../log/record.js';
import { toLines } from './exchange.js';
import { BODY_STALL_CODE, describeFailure, TIMEOUT_CODE } from './failure.js';
import { bodiless, dropHopByHopRequest, forwardedRequestLines, rewriteLocation, wireHead } from './head.js';
import { handleClientError, relayExchange } from './client-error.js';
import type { ResolvedOptions } from './options.js';
import { mayPatch } from './patch.js';
import { Watchdog } from './watchdog.js';
import { parseErrorOf } from './chrome-response.js';
import { answerMalformed, passOnMidBody, relayUnwritable, type MalformedContext } from './malformed.js';
import { dropUnsentBody, forwardEarlyHints, keepRequestFraming, mayResend, pathOptions, relay, upstreamAgent } from './forwarding.js';
import { answerPreflight, conclude, openSession, type Memory, type Outcome, type Published, type Session } from './session.js';
import type { Fronts, FrontedTarget } from './fronts.js';
import { redirectTaints } from '../cors/index.js';
import { cookiesOf, cookieTargetOf, requestingOriginOf, setsCookie, type CookieScope } from '../cookies/index.js';
import { tapBody } from './body-tap.js';
import { BODY_EXCERPT_BYTES, bodyExcerpt } from '../log/body.js';
import type { BodyExcerpt } from '../diagnose/types.js';

/** How long a refused answer's record waits for the first bytes of its body. */
const BODY_WAIT_MS = 1_000;

/**
 * Whether the record reads the answer's body: an error answer (the one whose body Chrome hides
 * and people need: the 500's message, the 401's reason, a CORS library's refusal), a redirect's
 * or a refused preflight's (the framework that wrote them often says its name there).
 */
function readsBody(method: string | undefined, status: number, stage: string): boolean {
  if (method === 'HEAD' || status === 204 || status === 304) return false;
  return status >= 300 || (stage === 'preflight' && status >= 200);
}

/**
 * The session rides on the request itself, not in a WeakMap: a WeakMap keyed by every request is an
 * ephemeron table that grows by one entry per request until the next collection, and each
 * scavenge has to walk it.
 */
const SESSION = Symbol('corscope.session');
type Tracked = IncomingMessage & { [SESSION]?: Session };

/** What a listener needs from the CorscopeServer that owns it. */
export interface ListenerContext {
  /** The server's options with this target's `target`, `port` and `publicUrl`. */
  readonly options: ResolvedOptions;
  /** This target's memory; the parts every target shares are shared objects. */
  readonly memory: Memory;
  readonly fronts: Fronts;
  readonly front: FrontedTarget;
  /** Logs and emits a record (its diagnosis settled first). */
  readonly publish: (outcome: Published, body?: BodyExcerpt) => void;
  /** An engine exception: logged as a corscope bug, the traffic flows on. */
  readonly engineFault: (err: unknown, req: IncomingMessage | undefined) => void;
}

export class TargetListener {
  readonly options: ResolvedOptions;
  /** The listening URL, once `listen()` resolved. */
  url: string | undefined;
  private readonly server: http.Server;
  private readonly proxy: ProxyServer;
  private readonly agent: http.Agent;
  private readonly watchdog: Watchdog<Session>;
  private readonly upgraded = new Set<Duplex>();
  private readonly memory: Memory;
  private readonly context: ListenerContext;
  private closing: Promise<void> | undefined;
  /** What an answer Node refuses needs to be judged and logged (malformed.ts). */
  private readonly malformedContext: MalformedContext;
  /** `host:port` as listening, for requests that come without a Host header (HTTP/1.0). */
  private listeningHost = '';
  /** The target's host and base path, as its cookies name them. */
  private readonly cookieTarget: { readonly targetHost: string; readonly targetBasePath: string };

  constructor(context: ListenerContext) {
    this.context = context;
    this.options = context.options;
    this.memory = context.memory;
    this.cookieTarget = cookieTargetOf(this.options.target);
    const { target, insecure, keepHost, maxSockets } = this.options;
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: Math.min(maxSockets, 32), scheduling: 'lifo' as const };
    this.agent = upstreamAgent(target.protocol === 'https:' ? new https.Agent({ ...agentOptions, rejectUnauthorized: !insecure }) : new http.Agent(agentOptions));
    this.proxy = createProxyServer({
      // A URL object, not its href: http-proxy-3 parses a string target again on every request.
      target: new URL(target.href),
      // A target without a path of its own adds nothing to the request's path, and http-proxy-3
      // would parse its "/" again on every request to learn that.
      prependPath: target.pathname !== '/' || target.search !== '',
      // The request's path goes on as the browser sent it (http-proxy-3 otherwise re-parses it with
      // new URL, which resolves `/a/../b` to `/b` and turns `\` into `/`); see PARSED_PATH.
      toProxy: true,
      agent: this.agent,
      changeOrigin: !keepHost,
      secure: !insecure,
      selfHandleResponse: true,
      ws: true,
    });
    this.watchdog = new Watchdog<Session>(this.agent, this.options.timeoutMs, (session) => {
      session.timedOut = true;
      session.upstream?.destroy(Object.assign(new Error('timeout'), { code: TIMEOUT_CODE }));
    });
    this.malformedContext = {
      options: this.options,
      judge: (session, req, status, lines) => this.judge(session, req, status, lines),
      publish: (outcome) => this.publish(outcome),
    };
    keepRequestFraming(this.proxy);
    this.proxy.on('proxyReq', (proxyReq, req, res) => this.onProxyReq(proxyReq, req, res));
    this.proxy.on('proxyRes', (proxyRes, req, res) => this.onProxyRes(proxyRes, req, res));
    // http-proxy-3 throws when nothing listens for `error`; every call also passes its own callback.
    this.proxy.on('error', (err, req, res) => this.onProxyError(err, req, res));
    this.proxy.on('econnreset', () => undefined);
    // No bound on a whole request: Node's default (300 s) cut long uploads that kept sending, which
    // --timeout promises never to do. The head must still come within headersTimeout (60 s).
    this.server = http.createServer({ requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => this.onRequest(req, res));
    // Node counts request header lines (1000 by default) and dropped the rest without a word, the
    // Origin among them if it came late; the size limit (16 KiB, a 431 saying so) is the bound that
    // stays. The response side: upstreamAgent (forwarding.ts).
    this.server.maxHeadersCount = 0;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => this.onClientError(err, socket));
  }

  /** Starts listening; resolves with the URL (port 0 picks a free one). Rejects on EADDRINUSE etc. */
  listen(): Promise<{ url: string }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.options.logger?.error({ event: 'server-error', err }, 'listener error'));
        const address = this.server.address();
        const port = typeof address === 'object' && address ? address.port : this.options.port;
        const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
        this.url = `http://${host}:${port}`;
        this.listeningHost = `${host}:${port}`;
        this.context.front.port = port;
        resolve({ url: this.url });
      });
    });
  }

  /** The port actually bound (after `listen`). */
  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Stops accepting, lets in-flight exchanges finish within `closeTimeoutMs`, then cuts the rest. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.watchdog.stop();
      for (const socket of this.upgraded) socket.destroy();
      if (!this.server.listening) {
        this.agent.destroy();
        return resolve();
      }
      const cut = setTimeout(() => this.server.closeAllConnections(), this.options.closeTimeoutMs);
      cut.unref();
      this.server.close(() => {
        clearTimeout(cut);
        this.agent.destroy();
        resolve();
      });
      this.server.closeIdleConnections();
    });
    return this.closing;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    let session: Session;
    try {
      session = openSession(req, this.options, this.memory, this.listeningHost);
    } catch (err) {
      this.engineFault(err, req);
      this.forward(req, res);
      return;
    }
    const { options } = this;
    if (session.stage === 'preflight' && session.cors && options.patch && options.answerPreflight && mayPatch(options, session.origin)) {
      req.resume();
      this.send(res, answerPreflight(session, options, this.memory), undefined, '');
      return;
    }
    (req as Tracked)[SESSION] = session;
    this.forward(req, res);
  }

  /** Hands the request to http-proxy-3, without the lines that were the browser's connection's only. */
  private forward(req: IncomingMessage, res: ServerResponse): void {
    dropHopByHopRequest(req.headers);
    this.proxy.web(req, res, pathOptions(req), (err) => this.onProxyError(err, req, res));
  }

  /** The request has a socket to the target: the watchdog times the wait for the response head. */
  private onProxyReq(proxyReq: http.ClientRequest, req: IncomingMessage, res: ServerResponse): void {
    proxyReq.on('information', (info) => forwardEarlyHints(info, res));
    const session = (req as Tracked)[SESSION];
    if (!session || !proxyReq.socket) return;
    session.upstream = proxyReq;
    session.readBefore = proxyReq.socket.bytesRead;
    this.watchdog.wait(proxyReq.socket, session);
  }

  private onProxyRes(proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse): void {
    this.watchdog.answered(proxyRes.socket);
    const session = (req as Tracked)[SESSION];
    if (session) session.response = proxyRes;
    const status = proxyRes.statusCode ?? 502;
    const { lines, outcome } = this.judge(session, req, status, toLines(proxyRes.rawHeaders));
    const finalStatus = outcome?.status ?? status;
    const message = finalStatus === status ? proxyRes.statusMessage : undefined;
    const head = bodiless(status, outcome ?? { status, headers: lines });
    if (head.status < 100) {
      relayUnwritable(res, proxyRes, head.status, proxyRes.statusMessage ?? '', head.headers);
      if (outcome) this.publish(outcome);
      return;
    }
    // The head is the target's: Node would add a Date the target did not send.
    res.sendDate = false;
    // A repeat sends the head the judgment already holds: its wire form is made once.
    const judgment = head === outcome ? outcome.judgment : undefined;
    const wire = judgment ? (judgment.wire ??= Object.freeze(wireHead(judgment.headers))) : undefined;
    if (session) session.sent = head;
    if (!this.send(res, head, message, null, wire)) {
      proxyRes.destroy();
      return;
    }
    relay(proxyRes, res);
    if (!req.complete) proxyRes.once('end', () => dropUnsentBody(req, session?.upstream));
    if (!outcome) return;
    if (outcome.pending && session && readsBody(req.method, status, session.stage)) {
      // A refused answer's body is what Chrome hides: its first bytes go in the record, which is
      // written once they are in (the browser's stream does not wait for it).
      tapBody(proxyRes, BODY_EXCERPT_BYTES, BODY_WAIT_MS, (tapped) => {
        const body = bodyExcerpt({ ...tapped, responseHeaders: lines, requestHeaders: session.request.headers, logSecrets: this.options.logSecrets });
        this.publish(outcome, body);
      });
      return;
    }
    this.publish(outcome);
  }

  /**
   * The target's head as the browser gets it (a Location on the target rewritten to corscope) and,
   * when there is a session, its judgment (patched when patch mode applies).
   */
  private judge(session: Session | undefined, req: IncomingMessage, status: number, received: readonly HeaderLine[]): { lines: readonly HeaderLine[]; outcome?: Outcome } {
    let lines = received;
    try {
      if (!session) return { lines };
      if (status >= 300 && status < 400) {
        const located = rewriteLocation(status, lines, this.context.fronts.routes(this.context.front, session.browserOrigin), session.request.url);
        lines = located.headers;
        if (located.next && session.cors && session.origin) this.rememberRedirect(session, located.next, { status, headers: lines });
      }
      // Most answers set no cookie: they pay one scan of the header names, nothing allocated.
      const cookies = setsCookie(lines) ? cookiesOf(lines, this.cookieScope(session), this.options.cookieRewrite, requestingOriginOf(session.request.headers)) : undefined;
      if (cookies) lines = cookies.headers;
      return { lines, outcome: conclude(session, { status, headers: lines }, this.options, this.memory, undefined, cookies?.cookies) };
    } catch (err) {
      this.engineFault(err, req);
      return { lines };
    }
  }

  /** What a Set-Cookie of this target is judged against: the target's host and base path, the browser's URL. */
  private cookieScope(session: Session): CookieScope {
    return { ...this.cookieTarget, browserUrl: session.request.url };
  }

  /**
   * The next hop of a redirect the browser will follow through corscope: it gets Chrome's
   * "(redirected from …)" and, after a hop to another origin (another fronted target), the
   * tainted origin: the browser sends `Origin: null` and Chrome still prints the page's origin.
   */
  private rememberRedirect(session: Session, next: string, response: { status: number; headers: readonly HeaderLine[] }): void {
    const origin = session.origin!;
    const pageOrigin = session.context.pageOrigin ?? origin;
    const tainted = session.context.redirect?.tainted === true || redirectTaints(session.request.url, next, pageOrigin);
    this.memory.redirects.remember(tainted ? 'null' : origin, next, {
      initialUrl: session.context.redirect?.initialUrl ?? session.request.url,
      redirect: { stage: session.stage, request: session.request, response },
      ...(tainted ? { tainted: { pageOrigin } } : {}),
      ...(this.options.stack ? { stack: this.options.stack } : {}),
    });
  }

  /**
   * Writes a head (hop-by-hop lines dropped) and, when `body` is a string, the whole response.
   * `wire`: the head already in `writeHead`'s form (Node only reads it).
   */
  private send(
    res: ServerResponse,
    head: Pick<Outcome, 'status' | 'headers'> & { record?: ExchangeRecord; pending?: Outcome['pending'] },
    statusMessage: string | undefined,
    body: string | null,
    wire?: readonly string[],
  ): boolean {
    try {
      const flat = (wire ?? wireHead(head.headers)) as string[];
      // A reason phrase may be empty: the target's own, as sent.
      if (statusMessage !== undefined) res.writeHead(head.status, statusMessage, flat);
      else res.writeHead(head.status, flat);
    } catch (err) {
      // Node refuses to send some header values the target sent (e.g. control characters).
      this.onProxyError(err, res.req, res);
      return false;
    }
    if (body !== null) {
      res.end(body);
      if (head.record) this.publish({ record: head.record, ...(head.pending ? { pending: head.pending } : {}) });
    }
    return true;
  }

  private onProxyError(err: unknown, req: IncomingMessage, res: ServerResponse | Socket): void {
    if (!('writeHead' in res)) {
      res.destroy();
      return;
    }
    const session = (req as Tracked)[SESSION];
    if (session && !res.headersSent && mayResend(session, req, err)) {
      session.retried = true;
      session.upstream = undefined;
      // The body was empty, so an empty stream stands in for the request already read.
      this.proxy.web(req, res, { ...pathOptions(req), buffer: Readable.from([]) }, (e) => this.onProxyError(e, req, res));
      return;
    }
    const parse = session && !res.headersSent && !session.response ? parseErrorOf(err) : undefined;
    if (parse && session && answerMalformed(this.malformedContext, parse, session, req, res)) return;
    const timedOut = session?.timedOut ? { code: req.complete ? TIMEOUT_CODE : BODY_STALL_CODE } : undefined;
    const failure = describeFailure(timedOut ?? err, this.options.target.href, this.options.timeoutMs);
    if (res.headersSent) {
      if (session?.response?.complete) {
        // Bytes after a complete response (a Content-Length one short of the body, a body on a 204
        // or HEAD answer): the browser reads the response as framed and, like Chrome, drops the rest.
        this.options.logger?.warn({ event: 'upstream-extra-bytes', id: session.id, url: session.request.url, upstream: failure.upstream }, `the target sent bytes after a complete response (${failure.upstream.message}); the browser gets the response as framed, without them`);
        return;
      }
      const parse = session?.response ? parseErrorOf(err) : undefined;
      if (parse && session && passOnMidBody(this.malformedContext, parse, session, res)) return;
      // The target failed mid-body: the browser sees a truncated response, which is the truth. The
      // head may still be in Node's buffer when the fault came in the same read: it goes out first.
      if (!res.writableEnded) res.flushHeaders();
      res.destroy();
      this.options.logger?.warn({ event: 'upstream-abort', id: session?.id, url: session?.request.url, upstream: failure.upstream }, `the target broke off the response: ${failure.upstream.message}`);
      return;
    }
    if (res.writableEnded || res.destroyed) return;
    const headers: [string, string][] = [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(failure.body))],
      ['Cache-Control', 'no-store'],
    ];
    if (!session) {
      this.send(res, { status: failure.status, headers }, undefined, failure.body);
      return;
    }
    try {
      const outcome = bodiless(failure.status, conclude(session, { status: failure.status, headers }, this.options, this.memory, failure.upstream));
      this.send(res, outcome, undefined, outcome.status === 204 ? '' : failure.body);
    } catch (fault) {
      this.engineFault(fault, req);
      this.send(res, { status: failure.status, headers }, undefined, failure.body);
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!/\bwebsocket\b/i.test(req.headers.upgrade ?? '')) {
      // `Upgrade: h2c` (curl --http2, Java's HttpClient), `TLS/1.2`: not a protocol corscope speaks,
      // so the request goes on as the plain HTTP/1.1 request it also is, without the offer.
      const lines = toLines(req.rawHeaders);
      const asSent = { method: req.method ?? 'GET', target: req.url ?? '/', headers: lines };
      const ctx = { options: this.options, memory: this.memory, publish: (outcome: Published) => this.publish(outcome) };
      if (relayExchange(ctx, socket, asSent, { ...asSent, headers: forwardedRequestLines(lines) }, head, `an Upgrade to ${req.headers.upgrade ?? ''} is not taken up`)) return;
      socket.destroy();
      return;
    }
    this.upgraded.add(socket);
    socket.on('close', () => this.upgraded.delete(socket));
    socket.on('error', () => socket.destroy());
    this.options.logger?.debug({ event: 'upgrade', url: req.url }, `websocket upgrade ${req.url ?? ''} (not CORS-checked)`);
    this.proxy.ws(req, socket, head, {}, () => socket.destroy());
  }

  /** Node's parser refused the request before any handler ran (see client-error.ts). */
  private onClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
    handleClientError({ options: this.options, memory: this.memory, publish: (outcome) => this.publish(outcome) }, err, socket);
  }

  private publish(outcome: Published, body?: BodyExcerpt): void {
    this.context.publish(outcome, body);
  }

  private engineFault(err: unknown, req: IncomingMessage | undefined): void {
    this.context.engineFault(err, req);
  }
}
