/**
 * What the browser and the target see on the wire when one of them does something unusual but
 * legal: a target that answers an upload early, closes idle connections, sends bytes after a
 * complete response, a huge head or a 103; a request with 1000+ header lines or an Upgrade other
 * than websocket. Each case was checked against a direct connection first (a wire audit).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRefusal } from '../../src/proxy/refused.js';
import { rawServer, startProxy, type Proxy } from './helpers.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function target(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  server.maxHeadersCount = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw target: each request head it reads is answered with `reply` (exact bytes). */
async function rawTarget(reply: Buffer | string): Promise<string> {
  const raw = await rawServer(() => reply);
  running.push(raw);
  return raw.origin;
}

async function proxyTo(origin: string, options = {}): Promise<Proxy> {
  const proxy = await startProxy(origin, options);
  running.push(proxy);
  return proxy;
}

/** A raw client connection: what it writes goes out as is; `text()` is everything received. */
async function connect(port: number): Promise<{ socket: net.Socket; text: () => string }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  running.push({ close: async () => void socket.destroy() });
  return { socket, text: () => received };
}

/** Writes `head` on a new connection that asks to be closed, and returns everything received. */
async function roundTrip(port: number, head: string): Promise<string> {
  const { socket, text } = await connect(port);
  socket.write(head);
  await new Promise((resolve) => socket.once('close', resolve));
  return text();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const statusLines = (text: string): string[] => text.match(/HTTP\/1\.1 \d{3}[^\r]*/g) ?? [];

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(10);
}

describe('a target that answers before the whole request body came', () => {
  it('the upload still completes (to nowhere) and the connection answers the next request', async () => {
    const origin = await target((req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end('token expired\n');
    });
    const proxy = await proxyTo(origin);
    const { socket, text } = await connect(proxy.port);
    const size = 16 << 20;
    socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nContent-Length: ${size}\r\n\r\n`);
    const chunk = Buffer.alloc(64 << 10, 97);
    let stalled = false;
    for (let sent = 0; sent < size && !stalled; sent += chunk.length) {
      if (!socket.write(chunk)) {
        stalled = !(await Promise.race([new Promise<boolean>((resolve) => socket.once('drain', () => resolve(true))), sleep(3000).then(() => false)]));
      }
    }
    expect(stalled).toBe(false);
    socket.write('GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await until(() => statusLines(text()).length === 2);
    expect(statusLines(text())).toEqual(['HTTP/1.1 401 Unauthorized', 'HTTP/1.1 401 Unauthorized']);
    expect(proxy.records.map((r) => r.status)).toEqual([401, 401]);
  });
});

describe('bytes after a complete response, and faults in the first read', () => {
  const json = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n'), Buffer.from('{"name":"José"}')]);
  it.each([
    ['a Content-Length that counted characters, not bytes: the body as framed', 'GET', json, 'HTTP/1.1 200 OK', '{"name":"Jos\xc3\xa9"'],
    ['a HEAD answered with a body: the head alone', 'HEAD', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 'HTTP/1.1 200 OK', ''],
    [
      'a preflight 204 with a body: the 204',
      'OPTIONS',
      'HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: http://localhost:5173\r\nAccess-Control-Allow-Methods: PUT\r\nContent-Length: 2\r\n\r\nok',
      'HTTP/1.1 204 No Content',
      '',
    ],
  ])('%s', async (_name, method, reply, status, body) => {
    const proxy = await proxyTo(await rawTarget(reply));
    const { socket, text } = await connect(proxy.port);
    const preflight = method === 'OPTIONS' ? 'Access-Control-Request-Method: PUT\r\n' : '';
    socket.write(`${method} /r HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\n${preflight}Connection: close\r\n\r\n`);
    await new Promise((resolve) => socket.once('close', resolve));
    expect(statusLines(text())).toEqual([status]);
    const received = text().slice(text().indexOf('\r\n\r\n') + 4);
    expect(received.replace(/^f\r\n|\r\n0\r\n\r\n$/g, '')).toBe(body);
    expect(proxy.records[0]!.status).toBe(Number(status.split(' ')[1]));
  });

  it('a body broken in the same read as the head: the head, then the cut (not an empty reply)', async () => {
    const proxy = await proxyTo(await rawTarget('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\n'));
    const received = await roundTrip(proxy.port, 'GET /r HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\n\r\n');
    expect(statusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    expect(received).not.toMatch(/\r\n0\r\n\r\n$/);
  });
});

describe('a pooled connection the target has closed meanwhile', () => {
  /** Answers the first request on each connection, then drops the connection when the next one comes. */
  async function oneShotTarget(): Promise<{ origin: string; connections: () => number }> {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      let requests = 0;
      socket.on('error', () => undefined);
      socket.on('data', () => {
        if (++requests === 1) socket.write('HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 2\r\n\r\nok');
        else socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
  }

  const exchange = async (port: number, head: string): Promise<string> => statusLines(await roundTrip(port, head))[0] ?? '(nothing)';

  it('a request without a body is sent again on a new connection, as Chrome does', async () => {
    const target = await oneShotTarget();
    const proxy = await proxyTo(target.origin);
    const get = 'GET /poll HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nConnection: close\r\n\r\n';
    expect(await exchange(proxy.port, get)).toBe('HTTP/1.1 200 OK');
    expect(await exchange(proxy.port, get)).toBe('HTTP/1.1 200 OK');
    expect(await exchange(proxy.port, get)).toBe('HTTP/1.1 200 OK');
    expect(target.connections()).toBe(3);
    expect(proxy.records.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('a request whose body has streamed on is not sent again: 502 saying why', async () => {
    const target = await oneShotTarget();
    const proxy = await proxyTo(target.origin);
    expect(await exchange(proxy.port, 'GET /a HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')).toBe('HTTP/1.1 200 OK');
    const put = 'PUT /a HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc';
    expect(await exchange(proxy.port, put)).toBe('HTTP/1.1 502 Bad Gateway');
    expect(proxy.records[1]).toMatchObject({ status: 502, upstream: { code: 'ECONNRESET' } });
  });
});

describe("Node's defaults that cut what a browser sends or gets", () => {
  it('more than 1000 request header lines: all reach the target, the late Origin included', async () => {
    let seen = 0;
    const many = Array.from({ length: 1100 }, (_, i) => `X-N${i}: ${i}\r\n`).join('');
    const proxy = await proxyTo(await target((req, res) => {
      seen = req.rawHeaders.length / 2;
      req.resume();
      res.writeHead(200, { 'Access-Control-Allow-Origin': 'http://localhost:5173' });
      res.end('ok');
    }));
    const received = await roundTrip(proxy.port, `GET /many HTTP/1.1\r\nHost: localhost\r\n${many}Origin: http://localhost:5173\r\nConnection: close\r\n\r\n`);
    expect(seen).toBeGreaterThan(1100);
    expect(statusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    expect(proxy.records[0]).toMatchObject({ origin: 'http://localhost:5173', verdict: 'conditional' });
  });

  it('no bound on a whole request (Node cut uploads at 300 s); the head still has 60 s', async () => {
    const proxy = await proxyTo(await target((_req, res) => res.end()));
    const server = (proxy.server as unknown as { targetListeners: { server: http.Server }[] }).targetListeners[0]!.server;
    expect([server.requestTimeout, server.headersTimeout]).toEqual([0, 60_000]);
  });
});

describe('a head that never finishes', () => {
  it("Node's headersTimeout is a 408 saying so, not a parse refusal", () => {
    expect(describeRefusal('ERR_HTTP_REQUEST_TIMEOUT', null)).toEqual({
      status: 408,
      code: 'ERR_HTTP_REQUEST_TIMEOUT',
      why: "the request's header lines did not all arrive within 60 s (Node's headersTimeout)",
    });
  });
});

describe('the framing lines of a request, as the browser sent them', () => {
  it.each([
    ['a preflight', 'OPTIONS', 'Access-Control-Request-Method: PUT\r\n', ''],
    ['a DELETE without a body', 'DELETE', '', ''],
    ['a chunked DELETE', 'DELETE', 'Transfer-Encoding: chunked\r\n', '5\r\nhello\r\n0\r\n\r\n'],
    ['a DELETE with a Content-Length', 'DELETE', 'Content-Length: 5\r\n', 'hello'],
  ])('%s reaches the target with the framing it had (http-proxy-3 adds content-length: 0)', async (_name, method, lines, body) => {
    let seen: string[] = [];
    const proxy = await proxyTo(await target((req, res) => {
      seen = req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      req.resume();
      req.on('end', () => res.end('ok'));
    }));
    await roundTrip(proxy.port, `${method} /r HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\n${lines}Connection: close\r\n\r\n${body}`);
    const framing = seen.filter((n) => n === 'content-length' || n === 'transfer-encoding');
    expect(framing).toEqual(lines === '' || lines.startsWith('Access') ? [] : [lines.split(':')[0]!.toLowerCase()]);
  });
});

describe("the target's head as sent", () => {
  it('an empty reason phrase stays empty; no Date is added when the target sent none', async () => {
    const proxy = await proxyTo(await rawTarget('HTTP/1.1 200 \r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 2\r\n\r\nok'));
    const received = await roundTrip(proxy.port, 'GET /r HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nConnection: close\r\n\r\n');
    expect(received.startsWith('HTTP/1.1 200 \r\n')).toBe(true);
    expect(received).not.toMatch(/\r\ndate:/i);
  });

  it("the target's own Date and reason phrase are kept", async () => {
    const date = 'Sun, 06 Nov 1994 08:49:37 GMT';
    const proxy = await proxyTo(await rawTarget(`HTTP/1.1 200 Fine\r\nDate: ${date}\r\nContent-Length: 2\r\n\r\nok`));
    const received = await roundTrip(proxy.port, 'GET /r HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(received.startsWith('HTTP/1.1 200 Fine\r\n')).toBe(true);
    expect(received.match(/\r\ndate: [^\r]*/gi)).toEqual([`\r\nDate: ${date}`]);
  });
});

describe('an Upgrade corscope does not take up', () => {
  it.each([
    ['h2c (curl --http2, Java HttpClient)', 'GET', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n', ''],
    ['TLS/1.2 on a POST with a body', 'POST', 'Connection: upgrade\r\nUpgrade: TLS/1.2\r\nContent-Length: 5\r\n', 'hello'],
  ])('%s: answered as the plain HTTP/1.1 request it also is', async (_name, method, lines, body) => {
    const proxy = await proxyTo(await target((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const json = JSON.stringify({ names: req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()), body: Buffer.concat(chunks).toString() });
        res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
        res.end(json);
      });
    }));
    const received = await roundTrip(proxy.port, `${method} /up HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\n${lines}\r\n${body}`);
    expect(statusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    const seen = JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as { names: string[]; body: string };
    expect(seen.body).toBe(body);
    expect(seen.names).toContain('origin');
    expect(seen.names.filter((n) => ['upgrade', 'http2-settings'].includes(n))).toEqual([]);
    expect(proxy.records[0]).toMatchObject({ method, status: 200, verdict: 'conditional' });
  });
});

describe('large response heads, as Chrome reads them', () => {
  it.each([
    ['a 20 KB head (five 4 KB cookies): Node alone stops at 16 KiB', Array.from({ length: 5 }, (_, i) => `Set-Cookie: c${i}=${'v'.repeat(4000)}\r\n`).join('')],
    ['1100 header lines: Node alone drops those past 1000', Array.from({ length: 1100 }, (_, i) => `X-N${i}: ${i}\r\n`).join('')],
  ])('%s', async (_name, lines) => {
    const proxy = await proxyTo(await rawTarget(`HTTP/1.1 200 OK\r\n${lines}Access-Control-Allow-Origin: http://localhost:5173\r\nContent-Length: 2\r\n\r\nok`));
    const received = await roundTrip(proxy.port, 'GET /big-head HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nConnection: close\r\n\r\n');
    expect(statusLines(received)).toEqual(['HTTP/1.1 200 OK']);
    expect(received).toContain(`${lines}Access-Control-Allow-Origin: http://localhost:5173\r\n`);
    expect(proxy.records[0]).toMatchObject({ status: 200, verdict: 'conditional' });
  });
});

describe('interim answers', () => {
  it('a 103 Early Hints reaches the browser before the answer; a 102 does not', async () => {
    const hints = 'HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\nLink: </app.js>; rel=preload; as=script\r\n\r\n';
    const proxy = await proxyTo(await rawTarget(`HTTP/1.1 102 Processing\r\n\r\n${hints}HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 2\r\n\r\nok`));
    const received = await roundTrip(proxy.port, 'GET /page HTTP/1.1\r\nHost: localhost\r\nOrigin: http://localhost:5173\r\nConnection: close\r\n\r\n');
    expect(statusLines(received)).toEqual(['HTTP/1.1 103 Early Hints', 'HTTP/1.1 200 OK']);
    expect(received).toMatch(/^HTTP\/1\.1 103 Early Hints\r\nLink: <\/style\.css>; rel=preload; as=style, <\/app\.js>; rel=preload; as=script\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(proxy.records.map((r) => r.status)).toEqual([200]);
  });
});
