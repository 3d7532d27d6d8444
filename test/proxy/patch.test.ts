/**
 * Patch mode (issue 4) in the proxy: every exchange Chrome blocked is fixed on the way by the
 * engine's plan, the unpatched verdict is still what the record says, and what needed no patch
 * passes untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judge } from '../../src/cors/index.js';
import type { Exchange } from '../../src/cors/types.js';
import { corsHeaders, endToEnd, preflightHeaders, send, startProxy, startUpstream, writeRaw } from './helpers.js';
import { blockedCases, expectedLine, passingCases, startReplay, type Replay } from './replay.js';

let bench: Replay;
beforeAll(async () => {
  bench = await startReplay({ patch: true });
});
afterAll(() => bench.close());

const PAGE = 'http://localhost:5173';

describe('--patch: every exchange Chrome blocked passes once patched', () => {
  it.each(blockedCases().map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, requests } = await bench.replay(kase);
    const record = bench.proxy.records.at(-1)!;
    // The record still tells what the API got wrong...
    expect(record.chrome?.variants[kase.client.api]).toBe(expectedLine(kase, bench.proxy.port));
    expect(record.patched).toMatchObject({ answeredPreflight: false });
    expect(record.patched!.added.length + record.patched!.removed.length + (record.patched!.status ? 1 : 0)).toBeGreaterThan(0);
    // ...and what reached the browser passes Chrome's checks under either credentials mode.
    const request = requests.at(-1)!;
    const reply = replies.at(-1)!;
    const exchange: Exchange = {
      stage: record.stage,
      request: { url: record.url, method: request.method, headers: request.headers },
      response: { status: reply.status, headers: reply.headers },
      context: record.redirectedFrom ? { redirect: { initialUrl: record.redirectedFrom } } : {},
    };
    expect(judge({ ...exchange, context: { ...exchange.context, credentials: 'include' } }).verdict).toBe('allowed');
    expect(judge({ ...exchange, context: { ...exchange.context, credentials: 'omit' } }).verdict).toBe('allowed');
  });
});

describe('--patch: what Chrome already accepts under any credentials mode is not touched', () => {
  it.each(passingCases().map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, expectedLines } = await bench.replay(kase);
    bench.proxy.records.forEach((record, i) => {
      if (record.verdict !== 'allowed' && record.verdict !== 'not-cors') return;
      expect(record.patched).toBeUndefined();
      expect(endToEnd(replies[i]!.headers)).toEqual(endToEnd(expectedLines[i]!));
      expect(replies[i]!.status).toBe(kase.serverRequests[i]!.response.status);
    });
  });
});

describe('patch policy', () => {
  it('--allow-origin: another origin is forwarded and judged untouched', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['X-Api', '1']]));
    const proxy = await startProxy(upstream.origin, { patch: true, allowOrigins: ['http://localhost:5173'] });
    try {
      const other = await send(proxy.port, { path: '/api', headers: corsHeaders('http://evil.example') });
      expect(endToEnd(other.headers)).toEqual([['X-Api', '1']]);
      expect(proxy.records[0]).toMatchObject({ verdict: 'blocked', origin: 'http://evil.example' });
      expect(proxy.records[0]!.patched).toBeUndefined();
      const mine = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
      expect(mine.headers).toContainEqual(['Access-Control-Allow-Origin', PAGE]);
      expect(proxy.records[1]!.patched!.added).toContain(`Access-Control-Allow-Origin: ${PAGE}`);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it('--answer-preflight: corscope answers 204 itself; the target never sees the OPTIONS', async () => {
    const seen: string[] = [];
    const upstream = await startUpstream((req, res) => {
      seen.push(req.method ?? '');
      writeRaw(res, 404, []);
    });
    const proxy = await startProxy(upstream.origin, { patch: true, answerPreflight: true });
    try {
      const headers = preflightHeaders(PAGE, 'PUT', 'content-type,x-api-key');
      const reply = await send(proxy.port, { method: 'OPTIONS', path: '/api', headers });
      expect(reply.status).toBe(204);
      expect(seen).toEqual([]);
      const [record] = proxy.records;
      expect(record).toMatchObject({ stage: 'preflight', verdict: 'allowed', status: 204, patched: { answeredPreflight: true } });
      expect(record!.msg).toContain('answered by corscope');
      const passes = judge({
        stage: 'preflight',
        request: { url: record!.url, method: 'OPTIONS', headers },
        response: { status: reply.status, headers: reply.headers },
        context: { credentials: 'include' },
      });
      expect(passes.verdict).toBe('allowed');
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it('a failing preflight with a body, patched to 204, loses the body and its length', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 404, [['Content-Type', 'text/plain'], ['Content-Length', '10']], 'not found\n'));
    const proxy = await startProxy(upstream.origin, { patch: true });
    try {
      const reply = await send(proxy.port, { method: 'OPTIONS', path: '/api', headers: preflightHeaders(PAGE, 'PUT') });
      expect(reply.status).toBe(204);
      expect(reply.body.length).toBe(0);
      expect(reply.headers.map(([n]) => n.toLowerCase())).not.toContain('content-length');
      expect(proxy.records[0]!.patched!.status).toEqual({ from: 404, to: 204 });
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it('--expose adds Access-Control-Expose-Headers to patched actual responses', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['X-Total-Count', '3']]));
    const proxy = await startProxy(upstream.origin, { patch: true, expose: ['X-Total-Count'] });
    try {
      const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
      expect(reply.headers).toContainEqual(['Access-Control-Expose-Headers', 'X-Total-Count']);
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });

  it("target down in patch mode: the 502 carries CORS headers, so the page sees the 502, not a CORS error", async () => {
    const proxy = await startProxy('http://127.0.0.1:9', { patch: true });
    try {
      const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
      expect(reply.status).toBe(502);
      expect(reply.headers).toContainEqual(['Access-Control-Allow-Origin', PAGE]);
      expect(proxy.records[0]).toMatchObject({ upstream: { code: 'ECONNREFUSED' }, chrome: { code: 'MissingAllowOriginHeader' } });
      const preflight = await send(proxy.port, { method: 'OPTIONS', path: '/api', headers: preflightHeaders(PAGE, 'PUT') });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.map(([n]) => n.toLowerCase())).not.toContain('content-length');
      expect(proxy.records[1]).toMatchObject({ stage: 'preflight', upstream: { code: 'ECONNREFUSED' }, patched: { status: { from: 502, to: 204 } } });
    } finally {
      await proxy.close();
    }
  });
});
