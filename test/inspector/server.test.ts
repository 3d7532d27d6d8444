/**
 * The inspector's server on real sockets (127.0.0.1, ports from the OS): the Host guard against DNS
 * rebinding, no CORS headers, the bounded history replayed to a page that connects late and then
 * live, resuming from Last-Event-ID, and what it costs while nobody is connected (records serialized
 * when emitted and not kept alive; the history bounded by count and bytes).
 */
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { createInspector, type Inspector } from '../../src/inspector/index.js';
import { HISTORY_BYTES } from '../../src/inspector/history.js';
import { keepWire } from '../../src/log/wire.js';
import { exchanges, fakeRecord, get, openStream, type SseClient } from './helpers.js';

const open: (Inspector | SseClient)[] = [];
afterEach(async () => {
  for (const thing of open.splice(0)) await thing.close();
});

async function started(options: Parameters<typeof createInspector>[0] = {}): Promise<Inspector & { port: number }> {
  const inspector = createInspector(options);
  open.push(inspector);
  await inspector.listen();
  return inspector as Inspector & { port: number };
}

async function stream(port: number, options?: Parameters<typeof openStream>[1]): Promise<SseClient> {
  const client = await openStream(port, options);
  open.push(client);
  return client;
}

/** Raw bytes, for requests Node's client would not send (no Host, HTTP/1.0). */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (answer += c));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('the Host guard (DNS rebinding)', () => {
  const refused: [string, (port: number) => string][] = [
    ['rebound-name', (port) => `evil.example:${port}`],
    ['rebound-name-no-port', () => 'evil.example'],
    ['loopback-wrong-port', (port) => `127.0.0.1:${port + 1 === 65536 ? 1 : port + 1}`],
    ['localhost-no-port', () => 'localhost'],
    ['localhost-subdomain', (port) => `a.localhost:${port}`],
    ['lan-address', (port) => `192.168.1.20:${port}`],
  ];
  it.each(refused)('%s: 403, the page and the stream alike', async (_name, host) => {
    const inspector = await started();
    for (const path of ['/', '/events', '/js/main.js']) {
      const answer = await get(inspector.port, path, { Host: host(inspector.port) });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatch(/^corscope inspector: refused: it answers only as http:\/\/127\.0\.0\.1:\d+ or http:\/\/localhost:\d+/);
      expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });

  it.each([
    ['no-host-http-1.0', 'GET / HTTP/1.0\r\n\r\n'],
    ['empty-host', 'GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n'],
  ])('%s: 403', async (_name, request) => {
    const inspector = await started();
    expect(await raw(inspector.port, request)).toMatch(/^HTTP\/1\.1 403 /);
  });

  const allowed: [string, (port: number) => string][] = [
    ['127.0.0.1', (port) => `127.0.0.1:${port}`],
    ['localhost', (port) => `localhost:${port}`],
    ['LOCALHOST', (port) => `LOCALHOST:${port}`],
    ['[::1]', (port) => `[::1]:${port}`],
  ];
  it.each(allowed)('%s with its port: the page, with no CORS headers even for a cross-origin request', async (_name, host) => {
    const inspector = await started();
    const answer = await get(inspector.port, '/', { Host: host(inspector.port), Origin: 'https://evil.example' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['content-security-policy']).toContain("script-src 'self'");
    expect(answer.headers['x-frame-options']).toBe('DENY');
    expect(answer.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(Object.keys(answer.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('only GET and HEAD; unknown paths 404', async () => {
    const inspector = await started();
    expect(await raw(inspector.port, `POST /events HTTP/1.1\r\nHost: 127.0.0.1:${inspector.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)).toMatch(/^HTTP\/1\.1 405 [^]*\r\nAllow: GET, HEAD\r\n/);
    expect((await get(inspector.port, '/nope')).status).toBe(404);
    expect((await get(inspector.port, '/../etc/passwd')).status).toBe(404);
  });

  it('OPTIONS (a CORS preflight) gets no CORS headers either', async () => {
    const inspector = await started();
    const answer = await raw(inspector.port, `OPTIONS /events HTTP/1.1\r\nHost: 127.0.0.1:${inspector.port}\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 405 /);
    expect(answer.toLowerCase()).not.toContain('access-control-');
  });
});

describe('the stream', () => {
  it('replays what happened so far, says it is live, then follows', async () => {
    const inspector = await started();
    for (let i = 1; i <= 3; i++) inspector.push(fakeRecord(i), 1_000 + i);
    const client = await stream(inspector.port);
    expect(client.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(client.events.map((e) => e.event)).toEqual(['hello', 'exchange', 'exchange', 'exchange', 'live']);
    const hello = client.events[0]!.json<{ instance: string; resumed: boolean; historyLimit: number }>();
    expect(hello).toMatchObject({ resumed: false, historyLimit: 1000 });
    expect(exchanges(client.events).map((x) => [x.seq, x.record.id, (x as { time?: number }).time])).toEqual([[1, '1', 1001], [2, '2', 1002], [3, '3', 1003]]);
    expect(client.events[1]!.id).toBe(`${hello.instance}.1`);
    inspector.push(fakeRecord(4));
    inspector.push(fakeRecord(5));
    await client.until((e) => exchanges(e).length === 5);
    expect(exchanges(client.events).map((x) => x.record.id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('the record is the one emitted, field for field', async () => {
    const inspector = await started();
    const record = fakeRecord(1, { chrome: { code: 'MissingAllowOriginHeader', message: 'm', variants: { fetch: 'f', xhr: 'x' } }, diagnosis: { code: 'route-excluded', stack: null, evidence: ['e'], fix: 'do it' } } as never);
    inspector.push(record);
    const client = await stream(inspector.port);
    await client.until((e) => exchanges(e).length === 1);
    expect(exchanges(client.events)[0]!.record).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('keeps the last 1000 records: a page that connects late gets exactly those, in order', async () => {
    const inspector = await started();
    for (let i = 1; i <= 2_500; i++) inspector.push(fakeRecord(i));
    expect(inspector.history.size).toBe(1000);
    const client = await stream(inspector.port);
    await client.until((e) => e.some((x) => x.event === 'live'), 10_000);
    const seqs = exchanges(client.events).map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => 1501 + i));
  });

  it.each([
    ['a smaller history', 10, 25, 16],
  ])('%s (limit %i): %i pushed, a late page gets from #%i', async (_name, limit, pushed, from) => {
    const inspector = await started({ historyLimit: limit });
    for (let i = 1; i <= pushed; i++) inspector.push(fakeRecord(i));
    const client = await stream(inspector.port);
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(exchanges(client.events).map((x) => x.seq)).toEqual(Array.from({ length: limit }, (_, i) => from + i));
  });

  it('two pages following get the same frames', async () => {
    const inspector = await started();
    const a = await stream(inspector.port);
    const b = await stream(inspector.port);
    await a.until((e) => e.some((x) => x.event === 'live'));
    await b.until((e) => e.some((x) => x.event === 'live'));
    for (let i = 1; i <= 50; i++) inspector.push(fakeRecord(i));
    await a.until((e) => exchanges(e).length === 50);
    await b.until((e) => exchanges(e).length === 50);
    expect(exchanges(a.events)).toEqual(exchanges(b.events));
    expect(inspector.clients).toBe(2);
  });
});

describe('reconnecting', () => {
  it('Last-Event-ID of this run: only what came after it, then live', async () => {
    const inspector = await started();
    for (let i = 1; i <= 5; i++) inspector.push(fakeRecord(i));
    const first = await stream(inspector.port);
    await first.until((e) => exchanges(e).length === 5);
    const lastId = first.events.filter((e) => e.event === 'exchange').at(-1)!.id!;
    first.close();
    for (let i = 6; i <= 8; i++) inspector.push(fakeRecord(i));
    const again = await stream(inspector.port, { lastEventId: lastId });
    await again.until((e) => e.some((x) => x.event === 'live'));
    expect(again.events[0]!.json()).toMatchObject({ resumed: true });
    expect(exchanges(again.events).map((x) => x.record.id)).toEqual(['6', '7', '8']);
    inspector.push(fakeRecord(9));
    await again.until((e) => exchanges(e).length === 4);
  });

  it('?after= (a page that starts a new stream itself) works as Last-Event-ID does', async () => {
    const inspector = await started();
    for (let i = 1; i <= 4; i++) inspector.push(fakeRecord(i));
    const first = await stream(inspector.port);
    await first.until((e) => exchanges(e).length === 4);
    const id = first.events.filter((e) => e.event === 'exchange')[1]!.id!;
    const again = await stream(inspector.port, { path: `/events?after=${encodeURIComponent(id)}` });
    await again.until((e) => e.some((x) => x.event === 'live'));
    expect(exchanges(again.events).map((x) => x.record.id)).toEqual(['3', '4']);
  });

  it('an id from an earlier corscope run (restarted): everything this run kept, not resumed', async () => {
    const inspector = await started();
    inspector.push(fakeRecord(1));
    const client = await stream(inspector.port, { lastEventId: 'a1b2c3d4e5f6.40' });
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(client.events[0]!.json()).toMatchObject({ resumed: false });
    expect(exchanges(client.events).map((x) => x.record.id)).toEqual(['1']);
  });

  it('away longer than the history holds: told how many were missed, then the history', async () => {
    const inspector = await started({ historyLimit: 10 });
    inspector.push(fakeRecord(1));
    const first = await stream(inspector.port);
    await first.until((e) => exchanges(e).length === 1);
    const lastId = first.events.find((e) => e.event === 'exchange')!.id!;
    first.close();
    for (let i = 2; i <= 30; i++) inspector.push(fakeRecord(i));
    const again = await stream(inspector.port, { lastEventId: lastId });
    await again.until((e) => e.some((x) => x.event === 'live'));
    expect(again.events.map((e) => e.event).slice(0, 2)).toEqual(['hello', 'gap']);
    expect(again.events[1]!.json()).toEqual({ missed: 19 });
    expect(exchanges(again.events).map((x) => x.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
  });
});

describe('what it costs', () => {
  /** A record whose serialization is counted. */
  const counted = (id: number, count: { n: number }) => Object.assign(fakeRecord(id), { toJSON(this: object) { count.n++; return { ...this, toJSON: undefined }; } });

  it('nobody connected: a record that shares nothing is serialized once, when it is added, and not kept alive; a page that connects later serializes nothing again', async () => {
    const inspector = await started();
    const count = { n: 0 };
    const gc = collector();
    let alive: WeakRef<object> | undefined;
    for (let i = 1; i <= 100; i++) {
      const record = counted(i, count);
      if (i === 50) alive = new WeakRef(record);
      inspector.push(record);
    }
    expect(count.n).toBe(100);
    await new Promise((r) => setImmediate(r));
    gc();
    expect(alive!.deref()).toBeUndefined();
    const client = await stream(inspector.port);
    await client.until((e) => exchanges(e).length === 100);
    expect(count.n).toBe(100);
    expect(exchanges(client.events).map((x) => x.record)).toEqual(Array.from({ length: 100 }, (_, i) => JSON.parse(JSON.stringify(fakeRecord(i + 1)))));
  });

  it('the page gets the record as it was when emitted (as the log wrote it), not as it was changed later', async () => {
    const inspector = await started();
    const record = fakeRecord(1);
    inspector.push(record);
    (record as { msg: string }).msg = 'changed after it was emitted';
    const client = await stream(inspector.port);
    await client.until((e) => exchanges(e).length === 1);
    expect(exchanges(client.events)[0]!.record.msg).toBe('record 1');
  });

  it('memory is bounded by the count and by the bytes: 20 000 records of 32 KB, the history stays within HISTORY_BYTES outside the heap and the heap flat', async () => {
    const inspector = await started();
    const value = 'x'.repeat(2_000);
    const big = (i: number) => {
      const record = fakeRecord(i);
      keepWire(record, { request: Array.from({ length: 8 }, (_, k) => [`X-Req-${k}`, value] as const), response: Array.from({ length: 8 }, (_, k) => [`X-Res-${k}`, value] as const), sent: [] });
      return record;
    };
    const gc = collector();
    gc();
    const before = process.memoryUsage();
    for (let i = 1; i <= 20_000; i++) inspector.push(big(i));
    gc();
    const after = process.memoryUsage();
    expect(inspector.history.capacity).toBeLessThanOrEqual(HISTORY_BYTES);
    // 32 KB frames: the bytes bound the history before the count does, and it holds as many as fit.
    const frame = Buffer.byteLength(inspector.history.at(inspector.history.last)!.text!);
    expect(inspector.history.size).toBeGreaterThanOrEqual(Math.floor(HISTORY_BYTES / frame) - 1);
    expect(inspector.history.size).toBeLessThanOrEqual(Math.floor(HISTORY_BYTES / frame));
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(HISTORY_BYTES + 1024 * 1024);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(8 * 1024 * 1024);
    const client = await stream(inspector.port);
    await client.until((e) => e.some((x) => x.event === 'live'), 20_000);
    const seqs = exchanges(client.events).map((x) => x.seq);
    expect(seqs).toEqual(Array.from({ length: inspector.history.size }, (_, i) => inspector.history.first + i));
    expect(exchanges(client.events).at(-1)!.lines!.request[7]).toEqual(['X-Req-7', value]);
  });

  it('a page that never reads its stream: corscope writes no further than its buffers, drops it once it falls out of the history, and its heap stays flat', async () => {
    const inspector = await started();
    const value = 'x'.repeat(1_000);
    const big = (i: number) => {
      const record = fakeRecord(i);
      keepWire(record, { request: Array.from({ length: 8 }, (_, k) => [`X-Req-${k}`, value] as const), response: Array.from({ length: 8 }, (_, k) => [`X-Res-${k}`, value] as const), sent: [] });
      return record;
    };
    const gc = collector();
    for (let i = 1; i <= 1000; i++) inspector.push(big(i));
    gc();
    const before = process.memoryUsage().heapUsed;
    // The page connects and then never reads (a paused socket: the kernel's buffers fill, then Node's).
    const socket = net.connect(inspector.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${inspector.port}\r\n\r\n`);
    socket.pause();
    await until(() => inspector.clients === 1);
    // Each frame is 16 KB: the 20 000 pushed are 320 MB if anything held them for the page.
    let peakBuffered = 0;
    let pushed = 1000;
    while (inspector.dropped === 0 && pushed < 21_000) {
      for (let i = 0; i < 20; i++) inspector.push(big(++pushed));
      await new Promise((r) => setImmediate(r));
      peakBuffered = Math.max(peakBuffered, inspector.buffered);
    }
    expect(inspector.dropped).toBe(1);
    expect(inspector.clients).toBe(0);
    // It was dropped when the history moved past what it had been sent: 1000 records after it stalled.
    expect(pushed).toBeLessThan(2 * 1000 + 1000);
    expect(peakBuffered).toBeGreaterThan(0);
    expect(peakBuffered).toBeLessThan(256 * 1024);
    for (let i = 0; i < 19_000; i++) inspector.push(big(++pushed));
    await new Promise((r) => setImmediate(r));
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    socket.destroy();
  });
});

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A full collection, without starting the test process with --expose-gc. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}
