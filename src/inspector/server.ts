/**
 * The inspector: a small HTTP server beside the proxy that serves one page and streams to it the
 * records the log writes (server-sent events), with each exchange's header lines. Loopback by
 * default, answering only requests that name it by a loopback Host and its port (guard.ts), with
 * no CORS headers: no other origin can read it. While nobody has the page open it keeps the last
 * exchanges as the bytes of their frames, outside the JavaScript heap (history.ts), so a page that
 * connects late gets them and the records themselves die young.
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { lineWrittenFor } from '../log/logger.js';
import type { ExchangeRecord } from '../log/record.js';
import type { CorscopeServer } from '../proxy/server.js';
import { resumeAfter, sharesItsParts, storedFrame } from './frame.js';
import { allowedHosts, hostAllowed } from './guard.js';
import { History } from './history.js';
import { asset } from './page/assets.js';
import { EventStream } from './stream.js';

/** What the page's header says about where the records come from. */
export interface InspectorInfo {
  /** `proxy`, `demo`, `check` or `har`. */
  readonly command: string;
  readonly version?: string;
  /** The proxy's target, or the URL `check` called, or the HAR file. */
  readonly target?: string;
  readonly listening?: string;
  readonly frontend?: string;
  readonly page?: string;
  readonly mode?: string;
  readonly file?: string;
  /** Every target and the URL the frontend calls for it, when corscope fronts several. */
  readonly targets?: readonly { readonly target: string; readonly frontend: string }[];
}

export interface InspectorOptions {
  /** Default 127.0.0.1 (loopback only). */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** Show Cookie, Authorization and Set-Cookie values (as `--log-secrets` does in the log). */
  readonly logSecrets?: boolean;
  /** Records kept for a page that connects late (default 1000). */
  readonly historyLimit?: number;
  readonly info?: InspectorInfo;
  /** Bytes written to a page at once (default 64 KiB); tests make it small. */
  readonly chunkBytes?: number;
}

export const HISTORY_LIMIT = 1000;

export class Inspector {
  /** The page's URL, once `listen()` resolved. */
  url: string | undefined;
  readonly history: History;
  private readonly stream: EventStream;
  private readonly server: http.Server;
  private readonly host: string;
  private readonly requestedPort: number;
  private allowed: ReadonlySet<string> = new Set();
  private info: InspectorInfo;
  private readonly logSecrets: boolean;
  private readonly instance = randomBytes(6).toString('hex');

  constructor(options: InspectorOptions = {}) {
    this.host = options.host ?? '127.0.0.1';
    this.requestedPort = options.port ?? 0;
    this.info = options.info ?? { command: 'proxy' };
    this.logSecrets = options.logSecrets ?? false;
    this.history = new History(options.historyLimit ?? HISTORY_LIMIT);
    this.stream = new EventStream(this.history, { instance: this.instance, logSecrets: this.logSecrets, ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) });
    this.server = http.createServer((req, res) => this.onRequest(req, res));
  }

  /** Pages following live. */
  get clients(): number {
    return this.stream.size;
  }

  /** Pages dropped because they stopped reading their stream. */
  get dropped(): number {
    return this.stream.dropped;
  }

  /** Bytes written to the pages and not yet taken by their sockets (bounded per page). */
  get buffered(): number {
    return this.stream.buffered;
  }

  get port(): number | undefined {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  /** Updates what the page's header says (e.g. once the proxy knows its URL). */
  describe(info: InspectorInfo): void {
    this.info = info;
  }

  /** Starts listening; rejects with Node's error (EADDRINUSE, …). */
  listen(): Promise<{ url: string }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.requestedPort, this.host, () => {
        this.server.off('error', onError);
        const port = this.port ?? this.requestedPort;
        this.allowed = allowedHosts(this.host, port);
        const host = this.host === '0.0.0.0' || this.host === '::' ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
        this.url = `http://${host}:${port}`;
        resolve({ url: this.url });
      });
    });
  }

  /** Adds a record (as emitted) to the history and sends it to the pages following. */
  push(record: ExchangeRecord, time: number = Date.now()): void {
    this.add(record, time, undefined);
  }

  /**
   * Shows every record `corscope` emits from now on, with its header lines; returns the undo. A
   * record its log just wrote is kept as that line (log/logger.ts), not serialized again.
   */
  follow(corscope: CorscopeServer): () => void {
    const { logger } = corscope.options;
    const listener = (record: ExchangeRecord): void => this.add(record, Date.now(), logger && lineWrittenFor(logger, record));
    corscope.keepWire = true;
    corscope.on('exchange', listener);
    return () => {
      corscope.off('exchange', listener);
      corscope.keepWire = false;
    };
  }

  /** `line`: the NDJSON line the log wrote for `record`, when it did. */
  private add(record: ExchangeRecord, time: number, line: string | undefined): void {
    const text = sharesItsParts(record) ? undefined : storedFrame(this.instance, this.history.last + 1, time, record, this.logSecrets, line);
    this.history.add(record, time, text);
    this.stream.notify();
  }

  close(): Promise<void> {
    this.stream.close();
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    if (!hostAllowed(this.allowed, req.headers.host)) {
      plain(res, 403, `corscope inspector: refused: it answers only as http://127.0.0.1:${this.port ?? ''} or http://localhost:${this.port ?? ''} (Host ${JSON.stringify(req.headers.host ?? '')}; a guard against DNS rebinding)\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      plain(res, 405, 'corscope inspector: only GET\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://inspector');
    if (url.pathname === '/events') {
      const lastId = req.headers['last-event-id'];
      const after = resumeAfter(typeof lastId === 'string' ? lastId : (url.searchParams.get('after') ?? undefined), this.instance);
      this.stream.open(res, after, { info: this.info, historyLimit: this.history.limit, logSecrets: this.logSecrets });
      return;
    }
    const file = asset(url.pathname);
    if (!file) {
      plain(res, 404, 'corscope inspector: not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.type,
      'Content-Length': Buffer.byteLength(file.body),
      'Cache-Control': 'no-cache',
      ...SAFE_HEADERS,
      ...(file.type.startsWith('text/html') ? { 'Content-Security-Policy': CSP } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }
}

/** The page runs only its own script and style, talks only to this server, and is never framed. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SAFE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  // Another origin may not even embed these answers (as a script, an image): same-origin only.
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...SAFE_HEADERS });
  res.end(text);
}

export function createInspector(options: InspectorOptions = {}): Inspector {
  return new Inspector(options);
}
