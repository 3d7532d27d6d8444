/**
 * The inspector following a real corscope: each record gets the header lines of its exchange as
 * they were on the wire (case, order, duplicates), redacted as the log redacts, only while an
 * inspector follows; repeats share the lines of the judgment they share; patch mode's change
 * travels as the lines the browser got.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { createInspector, type Inspector } from '../../src/inspector/index.js';
import { keepWire, shownLines, wireOf } from '../../src/log/wire.js';
import { corsHeaders, endToEnd, preflightHeaders, send, startProxy, startUpstream, writeRaw, type Proxy, type Upstream } from '../proxy/helpers.js';
import { exchanges, fakeRecord, openStream, type SseClient } from './helpers.js';

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

const ORIGIN = 'http://localhost:5173';
const RESPONSE: [string, string][] = [
  ['access-control-allow-origin', '*'],
  ['Access-Control-Allow-Origin', ORIGIN],
  ['Set-Cookie', 'sid=1; HttpOnly'],
  ['X-Trace', 'a'],
  ['x-trace', 'b'],
];

async function setUp(options: Parameters<typeof startProxy>[1] = {}, inspect = true): Promise<{ upstream: Upstream; proxy: Proxy; inspector?: Inspector & { port: number }; stop?: () => void }> {
  const upstream = await startUpstream((req, res) => {
    // No Date line: a repeat crossing a second boundary would be another answer, judged anew.
    res.sendDate = false;
    if (req.method === 'OPTIONS') return writeRaw(res, 204, [['Access-Control-Allow-Origin', ORIGIN]]);
    writeRaw(res, 200, RESPONSE);
  });
  open.push(upstream);
  const proxy = await startProxy(upstream.origin, options);
  open.push(proxy);
  if (!inspect) return { upstream, proxy };
  const inspector = createInspector({ logSecrets: options.logSecrets ?? false });
  const stop = inspector.follow(proxy.server);
  await inspector.listen();
  open.push(inspector);
  return { upstream, proxy, inspector: inspector as Inspector & { port: number }, stop };
}

async function follow(port: number): Promise<SseClient> {
  const client = await openStream(port);
  open.push(client);
  return client;
}

const REQUEST: HeaderLine[] = corsHeaders(ORIGIN, [['Cookie', 'sid=secret'], ['X-Dup', 'one'], ['x-dup', 'two']]);

describe('the lines each record carries', () => {
  it('none without an inspector: nothing is kept', async () => {
    const { proxy } = await setUp({}, false);
    await send(proxy.port, { path: '/a', headers: REQUEST });
    expect(proxy.server.keepWire).toBe(false);
    expect(wireOf(proxy.records[0]!)).toBeUndefined();
  });

  it('with one: the request and response lines as on the wire, never in the record\'s own fields', async () => {
    const { proxy } = await setUp();
    await send(proxy.port, { path: '/a', headers: REQUEST });
    const record = proxy.records[0]!;
    const lines = wireOf(record)!;
    expect(lines.request).toEqual([['Host', `localhost:${proxy.port}`], ...REQUEST, ['Connection', 'close']]);
    expect(endToEnd(lines.response)).toEqual(RESPONSE);
    expect(Object.keys(record)).not.toContain('headers');
    expect(JSON.stringify(record)).not.toContain('sid=secret');
    expect(Object.getOwnPropertySymbols(record).every((s) => !Object.getOwnPropertyDescriptor(record, s)!.enumerable)).toBe(true);
  });

  it('the page gets them redacted as the log redacts (Cookie, Set-Cookie)', async () => {
    const { proxy, inspector } = await setUp();
    await send(proxy.port, { path: '/a', headers: REQUEST });
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === 1);
    const { lines } = exchanges(client.events)[0]!;
    expect(lines!.request).toContainEqual(['Cookie', '[redacted]']);
    expect(lines!.request.filter(([n]) => n.toLowerCase() === 'x-dup')).toEqual([['X-Dup', 'one'], ['x-dup', 'two']]);
    expect(endToEnd(lines!.response)).toEqual(RESPONSE.map(([n, v]) => [n, n === 'Set-Cookie' ? '[redacted]' : v]));
    expect(lines!.sent).toBeUndefined();
  });

  it('--log-secrets: shown, as in the log', async () => {
    const { proxy, inspector } = await setUp({ logSecrets: true });
    await send(proxy.port, { path: '/a', headers: REQUEST });
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === 1);
    expect(exchanges(client.events)[0]!.lines!.request).toContainEqual(['Cookie', 'sid=secret']);
  });

  it.each([
    ['plain', { request: [['Host', 'h'], ['X-A', '1'], ['x-a', '2']], response: [['Vary', 'Origin']] }],
    ['empty-values-and-no-lines', { request: [['X-Empty', '']], response: [] }],
    ['patched', { request: [['Origin', 'o']], response: [['A', '1']], sent: [['A', '1'], ['Access-Control-Allow-Origin', 'o']] }],
    ['unanswered', { request: [['Origin', 'o']], response: [], sent: [['Access-Control-Allow-Methods', 'PUT']], unanswered: true }],
    ['a-line-feed-in-a-value', { request: [['X-Odd', 'a\nb']], response: [['Y', ' \n ']] }],
  ] as const)('lines no judgment shares are read back line for line: %s', (_name, lines) => {
    const record = fakeRecord(1);
    const wire = { request: lines.request, response: lines.response, sent: 'sent' in lines ? lines.sent : lines.response, ...('unanswered' in lines ? { unanswered: true } : {}) };
    keepWire(record, wire);
    expect(wireOf(record)).toEqual(wire);
    expect(JSON.stringify(record)).toBe(JSON.stringify(fakeRecord(1)));
  });

  it('repeats refer to the lines of the judgment they share (no fresh arrays kept per record)', async () => {
    const { proxy } = await setUp();
    const same: HeaderLine[] = [...REQUEST, ['Connection', 'keep-alive']];
    for (let i = 0; i < 4; i++) await send(proxy.port, { path: '/polled', headers: same });
    const lines = proxy.records.map((r) => wireOf(r)!);
    // The judgment is kept from the second sight on (judgments.ts admit): from then on, one object.
    expect(lines[2]).toBe(lines[1]);
    expect(lines[3]).toBe(lines[1]);
    for (const l of lines) expect(l.request).toEqual(lines[0]!.request);
  });

  it('the page gets each record as JSON.stringify writes it; what repeats share is sent once and referred to', async () => {
    const { proxy, inspector } = await setUp({ patch: true });
    for (let i = 0; i < 4; i++) await send(proxy.port, { path: '/polled', headers: [...corsHeaders(ORIGIN), ['Connection', 'keep-alive']] });
    await send(proxy.port, { method: 'OPTIONS', path: '/p', headers: preflightHeaders(ORIGIN, 'PUT', 'x-a') });
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === 5);
    expect(exchanges(client.events).map((x) => JSON.stringify(x.record))).toEqual(proxy.records.map((r) => JSON.stringify(r)));
    expect(exchanges(client.events).map((x) => x.lines)).toEqual(proxy.records.map((r) => shownLines(r, false)));
    const frames = client.events.filter((e) => e.event === 'exchange').map((e) => e.data);
    const shared = client.events.filter((e) => e.event === 'shared');
    // The judgment is kept from the second sight on: the 3rd and 4th refer to what the 2nd sent.
    expect(frames[2]).toMatch(/"\$shared":\d+/);
    expect(frames[3]!.length).toBeLessThan(JSON.stringify(proxy.records[3]).length / 2);
    const before3 = client.events.findIndex((e) => e.data === frames[3]);
    expect(client.events.slice(client.events.findIndex((e) => e.data === frames[2]) + 1, before3).filter((e) => e.event === 'shared')).toEqual([]);
    expect(new Set(shared.map((e) => e.json<{ ref: number }>().ref)).size).toBe(shared.length);
  });

  it('a page that connects late gets every record emitted before it, as emitted: new ones kept as bytes, repeats by reference, lines included, secrets redacted', async () => {
    const { proxy, inspector } = await setUp();
    const secrets: HeaderLine[] = [['Cookie', 'sid=secret'], ['Authorization', 'Bearer tok-123']];
    for (let i = 0; i < 5; i++) await send(proxy.port, { path: `/items/${i}`, headers: corsHeaders(ORIGIN, secrets) });
    // A polled endpoint: its judgment is kept from the second sight on, and its records refer to it.
    for (let i = 0; i < 4; i++) await send(proxy.port, { path: '/polled', headers: [...corsHeaders(ORIGIN, secrets), ['Connection', 'keep-alive']] });
    await send(proxy.port, { method: 'OPTIONS', path: '/p', headers: preflightHeaders(ORIGIN, 'PUT', 'x-a') });
    const history = inspector!.history;
    const kept = Array.from({ length: history.size }, (_, i) => (history.at(history.first + i)!.text === undefined ? 'reference' : 'bytes'));
    expect(kept).toEqual(['bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'bytes', 'reference', 'reference', 'reference', 'bytes']);
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === proxy.records.length);
    const got = exchanges(client.events);
    expect(got.map((x) => JSON.stringify(x.record))).toEqual(proxy.records.map((r) => JSON.stringify(r)));
    expect(got.map((x) => x.lines)).toEqual(proxy.records.map((r) => JSON.parse(JSON.stringify(shownLines(r, false))) as unknown));
    for (const { lines } of got.slice(0, 9)) {
      expect(lines!.request).toEqual(expect.arrayContaining([['Cookie', '[redacted]'], ['Authorization', '[redacted]']]));
      expect(endToEnd(lines!.response)).toContainEqual(['Set-Cookie', '[redacted]']);
    }
    const stream = client.events.map((e) => e.data).join('\n');
    expect(stream).not.toContain('sid=secret');
    expect(stream).not.toContain('tok-123');
    expect(stream).not.toContain('sid=1');
  });

  it('patch mode: the target\'s lines and what the browser got', async () => {
    const { proxy, inspector } = await setUp({ patch: true });
    await send(proxy.port, { path: '/a', headers: corsHeaders(ORIGIN) });
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === 1);
    const { record, lines } = exchanges(client.events)[0]!;
    expect(record.patched).toBeDefined();
    expect(endToEnd(lines!.response)).toEqual(RESPONSE.map(([n, v]) => [n, n === 'Set-Cookie' ? '[redacted]' : v]));
    expect(lines!.sent!.filter(([n]) => n.toLowerCase() === 'access-control-allow-origin')).toEqual([['Access-Control-Allow-Origin', ORIGIN]]);
  });

  it('--answer-preflight: no target answered; the lines are corscope\'s answer', async () => {
    const { proxy, inspector } = await setUp({ patch: true, answerPreflight: true });
    await send(proxy.port, { method: 'OPTIONS', path: '/a', headers: preflightHeaders(ORIGIN, 'PUT') });
    const client = await follow(inspector!.port);
    await client.until((e) => exchanges(e).length === 1);
    const { lines } = exchanges(client.events)[0]!;
    expect(lines).toMatchObject({ response: [], unanswered: true });
    expect(lines!.sent).toContainEqual(['Access-Control-Allow-Methods', 'PUT']);
  });

  it('unfollowed: the proxy stops keeping them', async () => {
    const { proxy, stop } = await setUp();
    stop!();
    expect(proxy.server.keepWire).toBe(false);
    await send(proxy.port, { path: '/a', headers: REQUEST });
    expect(wireOf(proxy.records[0]!)).toBeUndefined();
  });
});
