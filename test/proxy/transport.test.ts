/**
 * What travels besides plain HTTP/1.1 exchanges: HTTPS targets, websocket upgrades, requests Node's
 * parser refuses, and browsers that give up halfway.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { corsHeaders, send, startProxy, type Proxy } from './helpers.js';

const PAGE = 'http://localhost:5173';
const tls = { key: readFileSync(new URL('./tls/key.pem', import.meta.url)), cert: readFileSync(new URL('./tls/cert.pem', import.meta.url)) };

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function listen<T extends net.Server>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        if (server instanceof http.Server) server.closeAllConnections();
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function proxyTo(target: string, options = {}): Promise<Proxy> {
  const proxy = await startProxy(target, options);
  closers.push(proxy.close);
  return proxy;
}

describe('HTTPS target', () => {
  it('a self-signed certificate is refused with an explanation, and accepted with --insecure', async () => {
    const port = await listen(https.createServer(tls, (req, res) => {
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
      res.end('secure');
    }));
    const strict = await proxyTo(`https://127.0.0.1:${port}`);
    const refused = await send(strict.port, { path: '/', headers: corsHeaders(PAGE) });
    expect(refused.status).toBe(502);
    expect(strict.records[0]!.upstream!.message).toContain('--insecure');
    const lax = await proxyTo(`https://127.0.0.1:${port}`, { insecure: true });
    const reply = await send(lax.port, { path: '/', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe('secure');
  });

  it('--timeout holds for TLS too: a silent HTTPS target and a handshake that never completes get a 504', async () => {
    const held = new Set<net.Socket>();
    const hold = (socket: net.Socket): void => {
      held.add(socket);
      socket.resume(); // read (and drop) what comes, so the hang-up is seen
    };
    const silent = await listen(https.createServer(tls, () => undefined).on('secureConnection', hold));
    const mute = await listen(net.createServer(hold)); // accepts, never answers the ClientHello
    closers.push(async () => held.forEach((socket) => socket.destroy())); // before the servers close
    for (const port of [silent, mute]) {
      const proxy = await proxyTo(`https://127.0.0.1:${port}`, { insecure: true, timeoutMs: 150 });
      const started = performance.now();
      const reply = await send(proxy.port, { path: '/slow', headers: corsHeaders(PAGE) });
      expect(reply.status).toBe(504);
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(proxy.records[0]!.upstream!.code).toBe('TIMEOUT');
    }
    // corscope hung up on both targets: nothing is left open after a cut.
    for (let tries = 0; tries < 50 && [...held].some((socket) => !socket.readableEnded); tries++) await new Promise((r) => setTimeout(r, 20));
    expect([...held].map((socket) => socket.readableEnded)).toEqual([true, true]);
  });
});

describe('websockets', () => {
  it('an upgrade passes through both ways', async () => {
    const upstream = http.createServer();
    upstream.on('upgrade', (req, socket) => {
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-Origin-Seen: ${req.headers.origin ?? ''}\r\n\r\n`);
      socket.on('data', (data: Buffer) => socket.write(Buffer.concat([Buffer.from('echo:'), data])));
      socket.on('end', () => socket.end());
    });
    const port = await listen(upstream);
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: proxy.port,
        path: '/socket',
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', Origin: PAGE, 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('error', reject);
      req.on('upgrade', (res, socket) => {
        expect(res.headers['x-origin-seen']).toBe(PAGE);
        socket.once('data', (data: Buffer) => {
          resolve(data.toString());
          socket.destroy();
        });
        socket.write('hello');
      });
      req.end();
    });
    expect(echoed).toBe('echo:hello');
  });
});

describe("requests Node's parser refuses", () => {
  it("a lowercase 'patch' (fetch does not uppercase it) reaches the API as sent, and is judged", async () => {
    let seen = '';
    const target = net.createServer((socket) => {
      socket.on('data', (d: Buffer) => {
        seen += d.toString('latin1');
        if (seen.endsWith('\r\n\r\nbody!')) {
          socket.end(`HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: ${PAGE}\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\nContent-Length: 2\r\n\r\nok`);
        }
      });
    });
    const port = await listen(target);
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    const raw = await rawRequest(proxy.port, `patch /api?x=1 HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nOrigin: ${PAGE}\r\nContent-Length: 5\r\n\r\nbody!`);
    expect(seen).toMatch(new RegExp(`^patch /api\\?x=1 HTTP/1\\.1\\r\\nHost: 127\\.0\\.0\\.1:${port}\\r\\nOrigin: ${PAGE}\\r\\nContent-Length: 5\\r\\nConnection: close\\r\\n\\r\\nbody!$`));
    expect(raw).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(raw).toContain(`Access-Control-Allow-Origin: ${PAGE}\r\n`);
    expect(raw.endsWith('\r\n\r\nok')).toBe(true);
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({ method: 'patch', url: `http://localhost:${proxy.port}/api?x=1`, status: 200, verdict: 'allowed' });
  });

  it("a lowercase 'patch' to a target that is down: 502 and the usual record", async () => {
    const proxy = await proxyTo('http://127.0.0.1:9');
    const raw = await rawRequest(proxy.port, `patch /api HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nOrigin: ${PAGE}\r\nContent-Length: 0\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(proxy.records[0]).toMatchObject({ method: 'patch', status: 502, upstream: { code: 'ECONNREFUSED' }, chrome: { code: 'MissingAllowOriginHeader' } });
  });

  it('a method that is not even a token gets a 400 that says why, and a judged record', async () => {
    const port = await listen(http.createServer((req, res) => res.end()));
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    const raw = await rawRequest(proxy.port, `P@TCH /api HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nOrigin: ${PAGE}\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain("'P@TCH' is not a method Node's HTTP parser accepts");
    expect(raw).not.toContain('Access-Control-Allow-Origin');
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({
      stage: 'request',
      verdict: 'blocked',
      method: 'P@TCH',
      url: `http://localhost:${proxy.port}/api`,
      status: 400,
      refused: { code: 'HPE_INVALID_METHOD' },
      chrome: {
        code: 'MissingAllowOriginHeader',
        message: `Access to fetch at 'http://localhost:${proxy.port}/api' from origin '${PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
      },
    });
    expect(proxy.records[0]!.msg).toMatch(/^corscope answered P@TCH http:\/\/localhost:\d+\/api itself with 400: .* Chrome will show: Access to fetch/);
  });

  it('in patch mode that 400 carries CORS headers, so the page can read why', async () => {
    const port = await listen(http.createServer((req, res) => res.end()));
    const proxy = await proxyTo(`http://127.0.0.1:${port}`, { patch: true });
    const raw = await rawRequest(proxy.port, `P@TCH /api HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nOrigin: ${PAGE}\r\n\r\n`);
    expect(raw).toContain(`Access-Control-Allow-Origin: ${PAGE}\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(proxy.records[0]).toMatchObject({ verdict: 'blocked', patched: { added: expect.arrayContaining([`Access-Control-Allow-Origin: ${PAGE}`]) } });
  });

  it("header lines beyond Node's limit: 431 saying so", async () => {
    const port = await listen(http.createServer((req, res) => res.end()));
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    const many = Array.from({ length: 2000 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(20)}\r\n`).join('');
    const raw = await rawRequest(proxy.port, `GET /api HTTP/1.1\r\nHost: localhost:${proxy.port}\r\n${many}\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(raw).toContain('--max-http-header-size');
  });
});

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve(out) : reject(err)));
  });
}

describe('a browser giving up', () => {
  it('downloads aborted halfway free the sockets on both sides', async () => {
    const upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    });
    const port = await listen(upstream);
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    for (let i = 0; i < 30; i++) {
      await new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, path: `/big/${i}`, agent: false, headers: { Origin: PAGE } });
        req.on('response', (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => resolve());
        req.end();
      });
    }
    const connections = () => new Promise<number>((resolve) => upstream.getConnections((_e, n) => resolve(n)));
    for (let tries = 0; tries < 100 && (await connections()) > 0; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await connections()).toBe(0);
    expect(proxy.records).toHaveLength(30);
  });

  it('uploads aborted halfway free the sockets on both sides', async () => {
    let started = 0;
    const upstream = http.createServer((req, res) => {
      if (req.url === '/after') return res.end('alive');
      started++;
      req.resume();
    });
    const port = await listen(upstream);
    const proxy = await proxyTo(`http://127.0.0.1:${port}`);
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: `/upload/${i}`, agent: false, headers: { Origin: PAGE, 'Content-Length': String(1 << 20) } });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(64 * 1024));
        const wait = setInterval(() => {
          if (started > i) {
            clearInterval(wait);
            req.destroy();
            resolve();
          }
        }, 5);
      });
    }
    const connections = () => new Promise<number>((resolve) => upstream.getConnections((_e, n) => resolve(n)));
    for (let tries = 0; tries < 100 && (await connections()) > 0; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await connections()).toBe(0);
    expect((await send(proxy.port, { path: '/after' })).body.toString()).toBe('alive');
  });
});
