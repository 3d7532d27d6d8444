/**
 * The real servers' recordings (test/fixtures/servers/*.json, made by test/servers/record.mjs) and
 * a replay of one through a real corscope: an upstream that answers each request with what the
 * real server answered, byte for byte up to the recorded body excerpt, and the browser's requests
 * as Chromium sent them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HeaderLine } from '../../src/cors/types.js';
import type { DiagnosisCode, StackName } from '../../src/diagnose/types.js';
import type { CorscopeOptions, ExchangeRecord } from '../../src/index.js';
import { send, startProxy, startUpstream } from '../proxy/helpers.js';

export interface RecordedExchange {
  readonly stage: 'preflight' | 'request';
  /** `api`: through corscope's place; `elsewhere`: the browser went there directly. */
  readonly target: 'api' | 'elsewhere';
  readonly request: { readonly method: string; readonly url: string; readonly headers: HeaderLine[] };
  readonly response?: { readonly status: number; readonly headers: HeaderLine[] };
  readonly statusText?: string;
  readonly body?: { readonly base64: string; readonly bytes: number; readonly truncated: boolean };
}

export interface RecordedCall {
  readonly call: { readonly method?: string; readonly path: string; readonly credentials?: string; readonly page?: string };
  readonly outcome: { readonly ok: boolean; readonly status?: number; readonly error?: string };
  /** Every console error Chromium printed for the call (`Failed to load resource` lines left out). */
  readonly chrome: string[];
  readonly exchanges: RecordedExchange[];
}

export interface ServerCase {
  readonly name: string;
  readonly intent: DiagnosisCode;
  readonly misconfig: string;
  readonly scenario: string;
  readonly calls: RecordedCall[];
  readonly fix?: { readonly scenario: string; readonly applied: string; readonly calls: RecordedCall[] };
  readonly expected?: {
    /** The stack behind the answer (default: the fixture's) and its profile's fingerprints on it. */
    readonly stack?: StackName | null;
    readonly evidence?: string[];
    /** What corscope can tell from the wire when it is not `stack`: null, or the stack it runs on. */
    readonly recognised?: StackName | null;
    readonly code?: DiagnosisCode;
    /** Why the wire does not name the stack. */
    readonly why?: string;
  };
}

export interface ServerFixture {
  readonly stack: StackName;
  readonly server: string;
  readonly chromium: string;
  readonly api: string;
  readonly cases: ServerCase[];
  readonly file: string;
}

/**
 * Answers that fit two causes equally: rs/cors refuses a preflight for its method or for its
 * headers with the same bare 200, and this call asks for both (PUT and Authorization) with nothing
 * earlier showing PUT allowed. corscope names the method, says so, and its fix covers both.
 */
export const UNDECIDABLE: Record<string, DiagnosisCode> = { 'go-rs-headers-default': 'method-not-allowed' };

const DIR = path.resolve(import.meta.dirname, '../fixtures/servers');

export function loadServerFixtures(): ServerFixture[] {
  if (!fs.existsSync(DIR)) return [];
  return fs
    .readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ ...(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as Omit<ServerFixture, 'file'>), file: f }));
}

/** The connection is the stand-in's own; every other line goes out as recorded. */
const CONNECTION = new Set(['connection', 'keep-alive']);

export interface ReplayedCall {
  readonly recorded: RecordedCall;
  /** corscope's records for the call's requests, in order. */
  readonly records: ExchangeRecord[];
}

/**
 * Replays every call of a run through one fresh corscope (its memory then holds what the server
 * did earlier in the case, as it would live). The recorded `http://localhost:8081` becomes this
 * corscope's origin in Chrome's lines and in the answers.
 */
export async function replayCalls(fixture: ServerFixture, calls: readonly RecordedCall[], options: Partial<CorscopeOptions> = {}): Promise<{ calls: ReplayedCall[]; origin: string }> {
  const queue: RecordedExchange[] = [];
  const upstream = await startUpstream((req, res) => {
    req.resume();
    const next = queue.shift();
    if (!next?.response || `${req.method} ${req.url}` !== `${next.request.method} ${new URL(next.request.url).pathname}${new URL(next.request.url).search}`) {
      res.writeHead(599);
      res.end(`no recorded answer for ${req.method} ${req.url}`);
      return;
    }
    const body = Buffer.from(next.body?.base64 ?? '', 'base64');
    // A body longer than the recorded excerpt is served cut to it: its Content-Length says so.
    const lines = next.response.headers
      .filter(([n]) => !CONNECTION.has(n.toLowerCase()))
      .map(([n, v]) => [n, n.toLowerCase() === 'content-length' && next.request.method !== 'HEAD' ? String(body.length) : v.split(fixture.api).join(upstream.origin)] as const);
    res.sendDate = false;
    res.writeHead(next.response.status, next.statusText ?? '', lines.flat());
    res.end(next.request.method === 'HEAD' ? undefined : body);
  });
  const proxy = await startProxy(upstream.origin, options);
  const toProxy = (value: string): string => value.split(fixture.api).join(proxy.origin).split('localhost:8081').join(`localhost:${proxy.port}`);
  try {
    const replayed: ReplayedCall[] = [];
    for (const recorded of calls) {
      const before = proxy.records.length;
      for (const exchange of recorded.exchanges) {
        if (exchange.target !== 'api' || !exchange.response) continue;
        queue.push(exchange);
        const url = new URL(exchange.request.url);
        const headers = exchange.request.headers.filter(([n]) => n.toLowerCase() !== 'connection').map(([n, v]) => [n, toProxy(v)] as const);
        const length = Number(headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? 0);
        await send(proxy.port, { method: exchange.request.method, path: url.pathname + url.search, headers, ...(length > 0 ? { body: 'x'.repeat(length) } : {}) });
      }
      // The record of a refused answer waits for its body's first bytes.
      await waitFor(() => proxy.records.length >= before + recorded.exchanges.filter((e) => e.target === 'api' && e.response).length);
      replayed.push({ recorded, records: proxy.records.slice(before) });
    }
    return { calls: replayed, origin: proxy.origin };
  } finally {
    await proxy.close();
    await upstream.close();
  }
}

async function waitFor(done: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** Chrome's CORS line for a call (the first `Access to …` line), with the recorded port replaced. */
export function chromeLineOf(recorded: RecordedCall, origin: string): string | undefined {
  const line = recorded.chrome.find((l) => l.startsWith('Access to '));
  return line?.split('http://localhost:8081').join(origin);
}
