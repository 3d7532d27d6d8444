/**
 * `--timeout` through the watchdog: the sweep itself on a fake agent (exact times, no waiting),
 * then real sockets: a silent target is cut, a long upload and a stalled body are not.
 */
import http from 'node:http';
import type { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog } from '../../src/proxy/watchdog.js';
import { corsHeaders, startProxy, startUpstream, type Proxy, type Upstream } from './helpers.js';

interface FakeSocket {
  bytesRead: number;
  bytesWritten: number;
}

function fakeAgent(...sockets: FakeSocket[]): Agent & { sockets: Record<string, FakeSocket[]> } {
  return { sockets: { 'localhost:3000:': sockets } } as unknown as Agent & { sockets: Record<string, FakeSocket[]> };
}

/** `steps`: at time t (ms after the wait began), `bytes` more bytes moved (0: none); then a sweep. */
function cutAt(timeoutMs: number, steps: readonly (readonly [t: number, bytes: number])[]): number | undefined {
  const socket: FakeSocket = { bytesRead: 0, bytesWritten: 120 };
  const cut: number[] = [];
  let now = 0;
  const dog = new Watchdog<{ id: string }>(fakeAgent(socket), timeoutMs, () => cut.push(now));
  const start = 1_000;
  dog.wait(socket as unknown as Socket, { id: '1' }, start);
  for (const [t, bytes] of steps) {
    now = t;
    socket.bytesWritten += bytes;
    dog.sweep(start + t);
  }
  dog.stop();
  expect(cut.length).toBeLessThanOrEqual(1);
  return cut[0];
}

describe('the sweep', () => {
  it.each([
    ['silent from the start: cut at the first sweep past the timeout', 100, [[50, 0], [99, 0], [101, 0], [150, 0]], 101],
    ['bytes keep flowing (an upload): never cut', 100, [[60, 10], [120, 10], [180, 10], [240, 10], [300, 10]], undefined],
    ['idle counted from the sweep that last saw bytes move', 100, [[60, 10], [120, 0], [159, 0], [161, 0]], 161],
    ['one byte just before the timeout starts the count again', 100, [[99, 1], [150, 0], [198, 0], [200, 0]], 200],
    ['cut once, never again', 50, [[60, 0], [120, 0], [180, 0]], 60],
  ] as const)('%s', (_, timeoutMs, steps, expected) => {
    expect(cutAt(timeoutMs, steps)).toBe(expected);
  });

  it('an answered request is never cut, and the timer stops when nothing waits', () => {
    const socket: FakeSocket = { bytesRead: 0, bytesWritten: 0 };
    const cut: string[] = [];
    const dog = new Watchdog<{ id: string }>(fakeAgent(socket), 100, (w) => cut.push(w.id));
    const start = 1_000;
    dog.wait(socket as unknown as Socket, { id: 'a' }, start);
    expect(dog.watching).toBe(true);
    dog.answered(socket as unknown as Socket);
    dog.sweep(start + 1000);
    expect(cut).toEqual([]);
    expect(dog.watching).toBe(false);
  });

  it('only the busy sockets of the agent are looked at; each request on its own clock', () => {
    const a: FakeSocket = { bytesRead: 0, bytesWritten: 0 };
    const b: FakeSocket = { bytesRead: 0, bytesWritten: 0 };
    const freed: FakeSocket = { bytesRead: 0, bytesWritten: 0 };
    const cut: string[] = [];
    const dog = new Watchdog<{ id: string }>(fakeAgent(a, b), 100, (w) => cut.push(w.id));
    const start = 1_000;
    dog.wait(a as unknown as Socket, { id: 'a' }, start);
    dog.wait(freed as unknown as Socket, { id: 'not in agent.sockets' }, start);
    dog.sweep(start + 60);
    dog.wait(b as unknown as Socket, { id: 'b' }, start + 60);
    dog.sweep(start + 120);
    expect(cut).toEqual(['a']);
    dog.sweep(start + 250);
    expect(cut).toEqual(['a', 'b']);
    dog.stop();
  });

  it('sweeps every tenth of the timeout, within 10 ms and 1 s', () => {
    expect([50, 150, 5_000, 60_000, 600_000].map((t) => new Watchdog(fakeAgent(), t, () => undefined).periodMs)).toEqual([10, 15, 500, 1000, 1000]);
  });
});

describe('--timeout on real sockets', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    while (running.length) await running.pop()!.close();
  });

  async function pair(handler: Parameters<typeof startUpstream>[0], timeoutMs: number): Promise<Proxy> {
    const upstream: Upstream = await startUpstream(handler);
    const proxy = await startProxy(upstream.origin, { timeoutMs });
    running.push(upstream, proxy);
    return proxy;
  }

  function request(port: number, method: string, path: string, body?: (req: http.ClientRequest) => void): Promise<{ status: number; body: string; ms: number }> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const headers = Object.fromEntries(corsHeaders('http://localhost:5173'));
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text, ms: performance.now() - started }));
      });
      req.on('error', reject);
      if (body) body(req);
      else req.end();
    });
  }

  it('a silent target is cut with a 504 after the timeout, not long after', async () => {
    const proxy = await pair(() => undefined, 150);
    const reply = await request(proxy.port, 'GET', '/silent');
    expect(reply.status).toBe(504);
    expect(reply.body).toMatch(/no response head within 150 ms/);
    expect(reply.ms).toBeGreaterThanOrEqual(145);
    expect(reply.ms).toBeLessThan(1500);
    expect(proxy.records[0]).toMatchObject({ status: 504, upstream: { code: 'TIMEOUT' } });
  });

  it("a request with Expect: 100-continue (curl's large uploads) is watched too: 504 from a silent target", async () => {
    let expected: string | undefined = 'unset';
    const proxy = await pair((req) => {
      expected = req.headers.expect;
      req.resume();
    }, 150);
    const reply = await request(proxy.port, 'PUT', '/upload', (req) => {
      req.setHeader('Expect', '100-continue');
      req.setHeader('Content-Length', '5000');
      req.on('continue', () => req.end(Buffer.alloc(5000, 'x')));
      req.flushHeaders();
    });
    expect(reply.status).toBe(504);
    expect(reply.ms).toBeLessThan(1500);
    // Node answered the expectation on the browser's side; the target is not asked again.
    expect(expected).toBeUndefined();
    expect(proxy.records[0]).toMatchObject({ status: 504, upstream: { code: 'TIMEOUT' } });
  });

  it('a browser whose upload stops mid-body gets a 408 saying so, not a 504 blaming the target', async () => {
    const proxy = await pair((req) => req.resume(), 150);
    const reply = await request(proxy.port, 'PUT', '/upload', (req) => {
      req.setHeader('Content-Length', '10');
      req.write('abc');
    });
    expect(reply.status).toBe(408);
    expect(reply.body).toMatch(/^corscope: the request body stopped coming from the browser: nothing moved to or from the target for 150 ms/);
    expect(proxy.records[0]).toMatchObject({ status: 408, upstream: { code: 'BODY_STALL' } });
    expect(proxy.records[0]!.msg).toMatch(/^corscope gave up on PUT http:\/\/[\w.]+:\d+\/upload: the request body stopped coming/);
  });

  it('an upload that keeps sending for four timeouts gets through', async () => {
    const proxy = await pair((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        res.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
        res.end(String(bytes));
      });
    }, 100);
    const reply = await request(proxy.port, 'POST', '/upload', (req) => {
      let sent = 0;
      const tick = setInterval(() => {
        req.write(Buffer.alloc(1024));
        if (++sent === 20) {
          clearInterval(tick);
          req.end();
        }
      }, 20);
    });
    expect(reply).toMatchObject({ status: 200, body: String(20 * 1024) });
    expect(reply.ms).toBeGreaterThan(400);
  });

  it('once the head came, a body that stalls longer than the timeout is not cut', async () => {
    const proxy = await pair((_req, res) => {
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/plain' });
      res.write('first ');
      setTimeout(() => res.end('last'), 400);
    }, 100);
    const reply = await request(proxy.port, 'GET', '/stream');
    expect(reply).toMatchObject({ status: 200, body: 'first last' });
  });

  it('keep-alive sockets reused after a cut request still time each wait anew', async () => {
    let calls = 0;
    const proxy = await pair((_req, res) => {
      if (++calls === 1) return; // the first request is never answered
      setTimeout(() => {
        res.writeHead(200, { 'Access-Control-Allow-Origin': '*' });
        res.end('ok');
      }, 60);
    }, 150);
    expect((await request(proxy.port, 'GET', '/a')).status).toBe(504);
    for (let i = 0; i < 3; i++) expect(await request(proxy.port, 'GET', `/b${i}`)).toMatchObject({ status: 200, body: 'ok' });
  });
});
