import http from 'node:http';
import type { Socket } from 'node:net';
import { expand, type Pair, type Routes, type ScriptedResponse, type Tokens } from './cases.js';

/** Ports Chrome refuses to connect to (`net/base/port_util.cc`). */
const CHROME_UNSAFE_PORTS = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
  110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
  531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190,
  5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** One request that reached a scripted server. */
export interface ServerHit {
  readonly server: string;
  readonly method: string;
  readonly path: string;
  readonly origin: string | undefined;
  /** Answered over the raw socket because Node's parser refused the method (e.g. lowercase `patch`). */
  readonly rawSocket: boolean;
  status?: number;
}

export interface Listening {
  readonly port: number;
  close(): Promise<void>;
}

type ClientErrorHandler = (err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket) => void;

function listenOn(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
    setTimeout(resolve, 1000).unref();
  });
}

/**
 * Listens on 127.0.0.1 and, when the machine has it, on [::1] with the same port, so `localhost`
 * reaches the handler whichever address Chrome picks. Only loopback is ever bound.
 */
export async function listenLoopback(handler: http.RequestListener, onClientError?: ClientErrorHandler): Promise<Listening> {
  const make = (): http.Server => {
    const server = http.createServer(handler);
    server.keepAliveTimeout = 5000;
    server.on('clientError', onClientError ?? ((_err: Error, socket: Socket) => socket.destroy()));
    return server;
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    const v4 = make();
    await listenOn(v4, 0, '127.0.0.1');
    const port = (v4.address() as { port: number }).port;
    const servers = [v4];
    const close = () => Promise.all(servers.map(closeServer)).then(() => {});
    if (CHROME_UNSAFE_PORTS.has(port)) {
      await close();
      continue;
    }
    const v6 = make();
    try {
      await listenOn(v6, port, '::1');
      servers.push(v6);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        await close();
        continue;
      }
      // No IPv6 loopback here: 127.0.0.1 alone serves `localhost`.
    }
    return { port, close };
  }
  throw new Error('no free loopback port');
}

const PAGE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>corscope page</title></head><body>page</body></html>';
const SANDBOX_HTML =
  '<!doctype html><html><head><meta charset="utf-8"><title>corscope page (sandboxed)</title></head>' +
  '<body><iframe id="f" sandbox="allow-scripts" src="/frame"></iframe></body></html>';

/** The page origin: a blank page, and `/sandboxed`, whose frame has an opaque origin (`null`). */
export function pageHandler(): http.RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (path === '/' || path === '/frame' || path === '/sandboxed') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(path === '/sandboxed' ? SANDBOX_HTML : PAGE_HTML);
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  };
}

interface Answer {
  readonly status: number;
  /** Scripted lines first, then the defaults the case did not set. */
  readonly wire: Pair[];
  readonly body: string;
  readonly delayMs: number;
}

/**
 * The scripted answer: `OPTIONS` gets the route's `preflight`, any other method its `main`; a path
 * with no script gets a bare 405 (OPTIONS) or 404, with no CORS headers.
 */
function answer(name: string, routes: Routes | undefined, tokens: Tokens, method: string, path: string, origin: string | undefined): Answer {
  const route = routes && Object.hasOwn(routes, path) ? routes[path] : undefined;
  let spec: ScriptedResponse;
  if (method === 'OPTIONS') spec = route?.preflight ?? { status: 405, headers: [], body: 'no preflight scripted' };
  else spec = route?.main ?? { status: 404, headers: [], body: 'no route scripted' };
  const local = { ...tokens, ORIGIN: origin ?? '' };
  const status = spec.status ?? 200;
  const scripted: Pair[] = (spec.headers ?? []).map(([k, v]) => [k, expand(String(v), local)]);
  const noBody = status === 204 || status === 304 || (status >= 100 && status < 200);
  const body = noBody ? '' : expand(spec.body ?? `${name} ${method} ${path} -> ${status}`, local);
  const has = (n: string) => scripted.some(([k]) => k.toLowerCase() === n);
  const wire = scripted.slice();
  if (!noBody && !has('content-type')) wire.push(['Content-Type', 'text/plain; charset=utf-8']);
  if (!noBody && !has('content-length')) wire.push(['Content-Length', String(Buffer.byteLength(body))]);
  if (!has('cache-control')) wire.push(['Cache-Control', 'no-store']);
  return { status, wire, body, delayMs: spec.delayMs ?? 0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A scripted API server. `tokens` is read at answer time (the ports are known only once every
 * server listens).
 */
export function apiServer(name: string, routes: Routes | undefined, tokens: Tokens, hits: ServerHit[], onHit: () => void): {
  handler: http.RequestListener;
  onClientError: ClientErrorHandler;
} {
  const handler: http.RequestListener = (req, res) => {
    req.resume();
    req.on('end', async () => {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0]!;
      const hit: ServerHit = { server: name, method, path, origin: req.headers.origin, rawSocket: false };
      hits.push(hit);
      onHit();
      const a = answer(name, routes, tokens, method, path, req.headers.origin);
      if (a.delayMs) await sleep(a.delayMs);
      hit.status = a.status;
      // A flat [name, value, ...] array writes each pair as its own line: duplicates stay two lines.
      res.writeHead(a.status, a.wire.flat());
      res.end(method === 'HEAD' ? undefined : a.body);
    });
  };

  // Node's parser refuses a method it does not know in that spelling (a lowercase `patch`, which
  // fetch does not normalise) and would answer its own 400. Parse the raw request here and
  // answer the script on the socket instead.
  const onClientError: ClientErrorHandler = (err, socket) => {
    if (!err.rawPacket || !String(err.code ?? '').startsWith('HPE_') || !socket.writable) {
      socket.destroy();
      return;
    }
    const raw = err.rawPacket.toString('latin1');
    const headEnd = raw.indexOf('\r\n\r\n');
    const start = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]\r\n/.exec(raw);
    if (!start || headEnd < 0) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const method = start[1]!;
    const path = start[2]!.split('?')[0]!;
    const lines = raw.slice(0, headEnd).split('\r\n').slice(1);
    const originLine = lines.find((l) => /^origin\s*:/i.test(l));
    const origin = originLine?.slice(originLine.indexOf(':') + 1).trim();
    const hit: ServerHit = { server: name, method, path, origin, rawSocket: true };
    hits.push(hit);
    onHit();
    const a = answer(name, routes, tokens, method, path, origin);
    hit.status = a.status;
    const head =
      `HTTP/1.1 ${a.status} ${http.STATUS_CODES[a.status] ?? 'Status'}\r\n` +
      a.wire.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
      'Connection: close\r\n\r\n';
    socket.end(head + (method === 'HEAD' ? '' : a.body));
  };
  return { handler, onClientError };
}
