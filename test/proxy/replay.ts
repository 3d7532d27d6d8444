/** Replays Chrome's recorded exchanges (test/fixtures/chrome-oracle.json) through a real corscope. */
import type { CorscopeOptions } from '../../src/index.js';
import type { HeaderLine } from '../../src/cors/types.js';
import { chromeCorsLines, loadOracle, type OracleCase, type OracleRequest } from '../support/oracle.js';
import { send, startProxy, startUpstream, writeRaw, type Proxy, type Reply, type Upstream } from './helpers.js';

const oracle = loadOracle();

/**
 * Cases whose requests all reached one API. Node's HTTP client upper-cases every method, so the
 * cases with a lowercase one are replayed over raw sockets in transport.test.ts instead.
 */
const replayable = (c: OracleCase): boolean =>
  c.serverRequests.length > 0 &&
  c.serverRequests.every((r) => r.server === 'api' && r.method === r.method.toUpperCase()) &&
  chromeCorsLines(c).every((line) => line.startsWith('Access to '));

export const blockedCases = (): OracleCase[] => oracle.cases.filter((c) => replayable(c) && chromeCorsLines(c).length > 0);
export const passingCases = (): OracleCase[] => oracle.cases.filter((c) => replayable(c) && chromeCorsLines(c).length === 0);

export interface Replayed {
  readonly replies: Reply[];
  /** The API's lines as they should reach the browser unpatched (Location pointed back at corscope). */
  readonly expectedLines: HeaderLine[][];
  /** The browser's requests as sent to corscope. */
  readonly requests: { method: string; path: string; headers: HeaderLine[] }[];
}

export interface Replay {
  readonly upstream: Upstream;
  readonly proxy: Proxy;
  /** Requests that reached the upstream during the last replay, as `METHOD path`. */
  readonly reached: string[];
  replay(kase: OracleCase): Promise<Replayed>;
  close(): Promise<void>;
}

export async function startReplay(options: Partial<CorscopeOptions> = {}): Promise<Replay> {
  const answers = new Map<string, { status: number; headers: HeaderLine[] }[]>();
  const reached: string[] = [];
  const upstream = await startUpstream((req, res) => {
    req.resume();
    reached.push(`${req.method} ${req.url}`);
    const answer = answers.get(`${req.method} ${req.url}`)?.shift();
    if (!answer) return writeRaw(res, 599, [], 'no scripted answer');
    writeRaw(res, answer.status, answer.headers);
  });
  const proxy = await startProxy(upstream.origin, options);
  const replay = async (kase: OracleCase): Promise<Replayed> => {
    const apiOrigin = kase.origins.api;
    const page = asStandInPage(kase);
    const toUpstream = (v: string): string => page(v).split(apiOrigin).join(upstream.origin);
    const toBrowser = (v: string): string => page(v).split(apiOrigin).join(proxy.origin);
    answers.clear();
    reached.length = 0;
    for (const r of kase.serverRequests) {
      const key = `${r.method} ${r.path}`;
      const queue = answers.get(key) ?? [];
      queue.push({ status: r.response.status, headers: r.response.headers.map(([n, v]) => [n, toUpstream(v)] as const) });
      answers.set(key, queue);
    }
    proxy.records.length = 0;
    const replies: Reply[] = [];
    const requests = kase.serverRequests.map((r) => browserRequest(r, proxy.port, page));
    for (const request of requests) replies.push(await send(proxy.port, request));
    const expectedLines = kase.serverRequests.map((r) =>
      r.response.headers.map(([n, v]) => [n, n.toLowerCase() === 'location' ? toBrowser(v) : page(v)] as const),
    );
    return { replies, expectedLines, requests };
  };
  return {
    upstream,
    proxy,
    reached,
    replay,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}

/**
 * The recorded page ran on an ephemeral port, which the OS may hand to this run's corscope (then
 * the page would look same-origin): the page is moved to a port outside the ephemeral range.
 */
const STAND_IN_PAGE_PORT = 5173;

function asStandInPage(kase: OracleCase): (value: string) => string {
  const recorded = kase.origins.page;
  const standIn = recorded.replace(/:\d+$/, `:${STAND_IN_PAGE_PORT}`);
  return (value) => value.split(recorded).join(standIn);
}

function browserRequest(r: OracleRequest, port: number, page: (value: string) => string) {
  const headers = r.rawHeaders
    .filter(([n]) => n.toLowerCase() !== 'connection')
    .map(([n, v]) => [n, n.toLowerCase() === 'host' ? `localhost:${port}` : page(v)] as const);
  const length = Number(headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? 0);
  return { method: r.method, path: r.path, headers, ...(length > 0 ? { body: 'x'.repeat(length) } : {}) };
}

/** Chrome's first CORS line for the case, with corscope's port where the API's was. */
export const expectedLine = (kase: OracleCase, port: number): string =>
  asStandInPage(kase)(chromeCorsLines(kase)[0]!).split(`localhost:${kase.ports.API_PORT}`).join(`localhost:${port}`);
