import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createCorscope, type CorscopeOptions, type CorscopeServer, type ExchangeRecord } from '../../src/index.js';
import type { HeaderLine } from '../../src/cors/types.js';

export interface Upstream {
  readonly port: number;
  readonly origin: string;
  close(): Promise<void>;
}

export async function startUpstream(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Upstream> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface RawServer {
  readonly origin: string;
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * A raw TCP target on 127.0.0.1: every request head it reads is answered with `answer(n)`, exact
 * bytes (`n` counts the requests from 0), on the same connection, which stays open.
 */
export async function rawServer(answer: (n: number) => Buffer | string): Promise<RawServer> {
  let requests = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
    let head = '';
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        socket.write(answer(requests++));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Proxy {
  readonly server: CorscopeServer;
  readonly port: number;
  /** The origin the browser uses: `http://localhost:<port>` (the Host Chrome would send). */
  readonly origin: string;
  readonly records: ExchangeRecord[];
  close(): Promise<void>;
}

export async function startProxy(target: string, options: Partial<CorscopeOptions> = {}): Promise<Proxy> {
  const server = createCorscope({ port: 0, ...options, target });
  const records: ExchangeRecord[] = [];
  server.on('exchange', (record) => records.push(record));
  await server.listen();
  const port = server.port!;
  return { server, port, origin: `http://localhost:${port}`, records, close: () => server.close() };
}

export interface Reply {
  readonly status: number;
  readonly headers: HeaderLine[];
  readonly body: Buffer;
}

export interface Send {
  readonly method?: string;
  readonly path?: string;
  /** Raw lines, sent in this order with this case; `Host` is added when absent. */
  readonly headers?: readonly HeaderLine[];
  readonly body?: string | Buffer;
}

/** One request with raw header lines, the way a browser puts them on the wire. */
export function send(port: number, request: Send): Promise<Reply> {
  const headers = [...(request.headers ?? [])];
  if (!headers.some(([n]) => n.toLowerCase() === 'host')) headers.unshift(['Host', `localhost:${port}`]);
  const flat = headers.flatMap(([n, v]) => [n, v]);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: request.method ?? 'GET', path: request.path ?? '/', headers: flat, agent: false });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: pairs(res.rawHeaders), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.end(request.body);
  });
}

export function pairs(raw: readonly string[]): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/**
 * The header lines an upstream test handler writes, kept verbatim: Node adds no Date line (a test
 * that repeats an exchange would otherwise see another answer whenever it straddles a second).
 */
export function writeRaw(res: ServerResponse, status: number, headers: readonly HeaderLine[], body = ''): void {
  res.sendDate = false;
  res.writeHead(status, headers.flatMap(([n, v]) => [n, v]));
  res.end(body);
}

/** What Chrome sends with every CORS request from a page on `origin`. */
export function corsHeaders(origin: string, extra: readonly HeaderLine[] = []): HeaderLine[] {
  return [['Accept', '*/*'], ['Origin', origin], ['Sec-Fetch-Mode', 'cors'], ['Sec-Fetch-Site', 'same-site'], ['Sec-Fetch-Dest', 'empty'], ...extra];
}

/** Chrome's preflight for `method` (and request headers, lowercase, sorted). */
export function preflightHeaders(origin: string, method: string, requestHeaders?: string): HeaderLine[] {
  return [
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', method],
    ...(requestHeaders ? ([['Access-Control-Request-Headers', requestHeaders]] as HeaderLine[]) : []),
    ['Origin', origin],
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Site', 'same-site'],
    ['Sec-Fetch-Dest', 'empty'],
  ];
}

/** Drops the lines Node adds on its own (Date, Connection, framing) to compare what the API chose. */
export function endToEnd(lines: readonly HeaderLine[]): HeaderLine[] {
  const added = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
  return lines.filter(([n]) => !added.has(n.toLowerCase()));
}
