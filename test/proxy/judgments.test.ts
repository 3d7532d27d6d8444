/**
 * The judgment cache (issue 7): a repeated exchange reuses the verdict, the patch and the shared
 * record fields, and is logged through a pino child. Nothing a reader can see may differ from
 * judging it afresh: same fields, same order, same words; only id, time and duration are new.
 */
import { EMPTY_HISTORY } from '../../src/diagnose/index.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExchangeContext, HeaderLine, RequestSnapshot, ResponseSnapshot } from '../../src/cors/types.js';
import { JudgmentCache, judgmentKey, type Judgment } from '../../src/proxy/judgments.js';
import { resolveOptions } from '../../src/proxy/options.js';
import { EchoMemory, PreflightPairing, RedirectMemory } from '../../src/proxy/pairing.js';
import { conclude, startSession, type Memory } from '../../src/proxy/session.js';
import { corsHeaders, endToEnd, preflightHeaders, send, startProxy, startUpstream, writeRaw, type Proxy, type Upstream } from './helpers.js';

const PAGE = 'http://localhost:5173';
const OWN = new Set(['level', 'time', 'id', 'durationMs', 'preflight', 'request', 'headers']);

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const logger = pino({ level: 'debug', base: undefined, timestamp: pino.stdTimeFunctions.epochTime }, { write: (line: string) => void raw.push(line) });
  const lines = (): Record<string, unknown>[] =>
    raw.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'cors');
  return { logger, lines, raw };
}

/** A record with its per-exchange fields taken out, keys in the order they were written. */
function shared(entry: Record<string, unknown>): [string, unknown][] {
  return Object.entries(entry).filter(([key]) => !OWN.has(key));
}

async function pair(
  handler: Parameters<typeof startUpstream>[0],
  options: Parameters<typeof startProxy>[1] = {},
): Promise<{ upstream: Upstream; proxy: Proxy }> {
  const upstream = await startUpstream(handler);
  const proxy = await startProxy(upstream.origin, options);
  running.push(upstream, proxy);
  return { upstream, proxy };
}

describe('judgmentKey', () => {
  const request: RequestSnapshot = { method: 'GET', url: 'http://localhost:8080/api', headers: [['Origin', PAGE]] };
  const response: ResponseSnapshot = { status: 200, headers: [['Access-Control-Allow-Origin', '*']] };
  const context: ExchangeContext = { initiator: 'fetch', credentials: 'unknown', wording: 'current' };
  const base = judgmentKey('request', request, response, context);

  const moved: [string, () => string][] = [
    ['stage', () => judgmentKey('preflight', request, response, context)],
    ['status', () => judgmentKey('request', request, { ...response, status: 204 }, context)],
    ['method', () => judgmentKey('request', { ...request, method: 'PUT' }, response, context)],
    ['url', () => judgmentKey('request', { ...request, url: `${request.url}?x` }, response, context)],
    ['a request line moved to the response', () =>
      judgmentKey('request', { ...request, headers: [] }, { ...response, headers: [['Origin', PAGE], ...response.headers] }, context)],
    ['a duplicated line', () =>
      judgmentKey('request', request, { ...response, headers: [...response.headers, ...response.headers] }, context)],
    ['header case', () => judgmentKey('request', request, { ...response, headers: [['access-control-allow-origin', '*']] }, context)],
    ['credentials', () => judgmentKey('request', request, response, { ...context, credentials: 'include' })],
    ['initiator', () => judgmentKey('request', request, response, { ...context, initiator: 'xhr' })],
    ['redirect', () => judgmentKey('request', request, response, { ...context, redirect: { initialUrl: 'http://a/' } })],
    ['echoed origins', () => judgmentKey('request', request, response, { ...context, otherOriginsEchoed: ['http://b'] })],
  ];
  it.each(moved)('changes with the %s', (_name, other) => {
    expect(other()).not.toBe(base);
  });

  it('is the same for the same input', () => {
    const copy: HeaderLine[] = [['Origin', PAGE]];
    expect(judgmentKey('request', { ...request, headers: copy }, { ...response }, { ...context })).toBe(base);
  });
});

describe('JudgmentCache', () => {
  const judgment = (n: number): Judgment => ({ repeats: n }) as unknown as Judgment;

  it('keeps at most 256 judgments, dropping the least recently used', () => {
    const cache = new JudgmentCache();
    for (let i = 0; i < 300; i++) {
      cache.set(`k${i}`, judgment(i));
      cache.get('k0');
    }
    expect(cache.size).toBe(256);
    expect(cache.get('k0')).toBeDefined();
    expect(cache.get('k1')).toBeUndefined();
    expect(cache.get('k299')).toBeDefined();
  });

  it('admits a key on its second sighting only, remembering the last 256 first sightings', () => {
    const cache = new JudgmentCache();
    expect(cache.admit('a')).toBe(false);
    expect(cache.admit('a')).toBe(true);
    expect(cache.admit('a')).toBe(false); // admitted keys are the cache's to keep, not the doorkeeper's
    for (let i = 0; i < 256; i++) cache.admit(`one-off ${i}`);
    expect(cache.admit('a')).toBe(false); // pushed out by 256 newer first sightings
    expect(cache.admit('one-off 255')).toBe(true);
    expect(cache.admit('x'.repeat(16 * 1024 + 1))).toBe(false);
    expect(cache.admit('x'.repeat(16 * 1024 + 1))).toBe(false);
  });

  it('does not keep an oversized key (16 KiB+ of headers is judged every time)', () => {
    const cache = new JudgmentCache();
    cache.set('x'.repeat(16 * 1024 + 1), judgment(0));
    expect(cache.size).toBe(0);
  });
});

describe('repeated exchanges through the proxy', () => {
  it('the same conditional GET three times: three lines that differ only in id, time and duration', async () => {
    const log = capture();
    const { proxy } = await pair((_req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', '*']], 'ok'), { logger: log.logger });
    for (let i = 0; i < 3; i++) await send(proxy.port, { path: '/poll', headers: corsHeaders(PAGE) });
    const lines = log.lines();
    expect(lines.map((l) => [l.id, l.verdict, l.level])).toEqual([
      // No sign that this page sends credentials: a note at info level (issue 15, quiet when it works).
      ['1', 'conditional', 30],
      ['2', 'conditional', 30],
      ['3', 'conditional', 30],
    ]);
    expect(shared(lines[1]!)).toEqual(shared(lines[0]!));
    expect(shared(lines[2]!)).toEqual(shared(lines[0]!));
    expect(Object.keys(lines[2]!)).toEqual(Object.keys(lines[0]!));
    // The records handed to listeners are what was logged, field for field.
    for (const [i, record] of proxy.records.entries()) {
      const { level: _level, time: _time, ...logged } = lines[i]!;
      expect(JSON.parse(JSON.stringify(record))).toEqual(logged);
    }
  });

  it('the same preflight and PUT twice: the pairing ids are new each time', async () => {
    const log = capture();
    const { proxy } = await pair(
      (req, res) => {
        req.resume();
        const allow: HeaderLine[] = [['Access-Control-Allow-Origin', PAGE]];
        if (req.method === 'OPTIONS') writeRaw(res, 204, [...allow, ['Access-Control-Allow-Methods', 'PUT']]);
        else writeRaw(res, 200, allow, 'ok');
      },
      { logger: log.logger },
    );
    for (let i = 0; i < 2; i++) {
      await send(proxy.port, { method: 'OPTIONS', path: '/item', headers: preflightHeaders(PAGE, 'PUT') });
      await send(proxy.port, { method: 'PUT', path: '/item', headers: corsHeaders(PAGE), body: 'x' });
    }
    expect(log.lines().map((l) => [l.stage, l.id, l.request ?? l.preflight])).toEqual([
      ['preflight', '1', '2'],
      ['request', '2', '1'],
      ['preflight', '3', '4'],
      ['request', '4', '3'],
    ]);
  });

  it('a target that changes its answer is judged again, not served from memory', async () => {
    let fixed = false;
    const allow: HeaderLine[] = [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true']];
    const { proxy } = await pair((_req, res) => writeRaw(res, 200, fixed ? allow : [], 'ok'));
    await send(proxy.port, { path: '/x', headers: corsHeaders(PAGE) });
    fixed = true;
    await send(proxy.port, { path: '/x', headers: corsHeaders(PAGE) });
    expect(proxy.records.map((r) => r.verdict)).toEqual(['blocked', 'allowed']);
  });

  it('with --patch a repeat gets the same patched head and the same `patched` field', async () => {
    const { proxy } = await pair((_req, res) => writeRaw(res, 200, [['Content-Type', 'text/plain']], 'ok'), { patch: true });
    const replies = [];
    for (let i = 0; i < 2; i++) replies.push(await send(proxy.port, { path: '/p', headers: corsHeaders(PAGE) }));
    expect(replies[1]!.headers).toEqual(replies[0]!.headers);
    expect(replies[0]!.headers).toContainEqual(['Access-Control-Allow-Origin', PAGE]);
    expect(proxy.records[1]!.patched).toEqual(proxy.records[0]!.patched);
    expect(proxy.records[1]!.patched?.added).toContain(`Access-Control-Allow-Origin: ${PAGE}`);
  });

  it('every repeat gets the head as sent, lines in order, case and duplicates kept, hop-by-hop dropped', async () => {
    const sent: HeaderLine[] = [
      ['access-control-allow-origin', PAGE],
      ['Connection', 'X-Hop'],
      ['X-Hop', 'dropped'],
      ['Access-Control-Allow-Origin', PAGE],
      ['Keep-Alive', 'timeout=5'],
      ['X-Trace', 'a'],
      ['x-trace', 'b'],
    ];
    const { proxy } = await pair((_req, res) => {
      res.sendDate = false;
      writeRaw(res, 200, sent, 'ok');
    });
    const heads = [];
    for (let i = 0; i < 4; i++) heads.push(endToEnd((await send(proxy.port, { path: '/h', headers: corsHeaders(PAGE) })).headers));
    const expected = sent.filter(([name]) => !['connection', 'x-hop', 'keep-alive'].includes(name.toLowerCase()));
    expect(heads).toEqual([expected, expected, expected, expected]);
    expect(proxy.records.map((r) => r.chrome?.code)).toEqual(Array(4).fill('MultipleAllowOriginValues'));
  });

  it('the shared parts of a record are frozen: a listener cannot corrupt the next one', async () => {
    const { proxy } = await pair((_req, res) => writeRaw(res, 200, [], 'ok'));
    // The first sighting is not kept (see `admit`); the second is, and shares its fields from then on.
    for (let i = 0; i < 2; i++) await send(proxy.port, { path: '/f', headers: corsHeaders(PAGE) });
    const record = proxy.records[1];
    expect(() => {
      (record!.findings as unknown[]).push('x');
    }).toThrow(TypeError);
    await send(proxy.port, { path: '/f', headers: corsHeaders(PAGE) });
    expect(proxy.records[2]!.findings).toEqual(record!.findings);
    expect(proxy.records[2]!.findings).toEqual(proxy.records[0]!.findings);
  });

  it('one-off exchanges (a new URL each time) leave no judgment behind; a URL asked for again is kept', async () => {
    const { proxy } = await pair((_req, res) => {
      res.sendDate = false; // a Date header ticking over would make the repeat another exchange
      writeRaw(res, 200, [['Access-Control-Allow-Origin', '*']], 'ok');
    });
    const cache = (proxy.server as unknown as { memories: Memory[] }).memories[0]!.judgments;
    for (let i = 0; i < 20; i++) await send(proxy.port, { path: `/items/${i}`, headers: corsHeaders(PAGE) });
    expect(cache.size).toBe(0);
    await send(proxy.port, { path: '/items/7', headers: corsHeaders(PAGE) });
    expect(cache.size).toBe(1);
    expect(proxy.records.map((r) => r.verdict)).toEqual(Array(21).fill('conditional'));
  });
});

describe('what a repeat still remembers', () => {
  it('an echoed, credentialed origin is added to the echo memory on every exchange, repeats included', () => {
    const added: string[] = [];
    const echoes = new EchoMemory();
    const original = echoes.add.bind(echoes);
    echoes.add = (origin: string) => {
      added.push(origin);
      original(origin);
    };
    let id = 0;
    const memory: Memory = { pairing: new PreflightPairing(), redirects: new RedirectMemory(), echoes, judgments: new JudgmentCache(), history: EMPTY_HISTORY, credentialed: new Set(), nextId: () => String(++id), frontedOrigins: (addressed) => [addressed] };
    const options = resolveOptions({ target: 'http://127.0.0.1:3000' });
    const request: RequestSnapshot = { method: 'GET', url: 'http://localhost:8081/me', headers: [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors']] };
    const echoing: ResponseSnapshot = { status: 200, headers: [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true']] };
    const star: ResponseSnapshot = { status: 200, headers: [['Access-Control-Allow-Origin', '*']] };
    const repeats = [echoing, echoing, echoing, star, star].map((response) => {
      const outcome = conclude(startSession(request, 'http://localhost:8081', options, memory), response, options, memory);
      return outcome.judgment?.repeats;
    });
    // Each response judged twice (the first sighting is not kept, the second is), then reused.
    expect(repeats).toEqual([undefined, 0, 1, undefined, 0]);
    expect(added).toEqual([PAGE, PAGE, PAGE]);
  });
});
