/**
 * What the browser and the target see on the wire when one of them does something unusual but
 * legal: a target that answers an upload early, closes idle connections, or sends bytes after a
 * complete response. Each case was checked against a direct connection first.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startProxy, type Proxy } from './helpers.js';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function target(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
