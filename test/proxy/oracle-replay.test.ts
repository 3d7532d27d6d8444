/**
 * Every Chrome observation whose requests all went to one API, replayed through a real corscope in
 * front of a real upstream: the browser's exact requests in, the API's exact answers back, and the
 * record must carry the very line Chrome printed (with corscope's port where the API's was).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeaderLine } from '../../src/cors/types.js';
import { chromeCorsLines, loadOracle, type OracleCase, type OracleRequest } from '../support/oracle.js';
import { endToEnd, send, startProxy, startUpstream, writeRaw, type Proxy, type Reply, type Upstream } from './helpers.js';

const oracle = loadOracle();

/** Node's HTTP parser refuses lowercase methods before any handler runs (issue 6 covers that path). */
const replayable = (c: OracleCase): boolean =>
  c.serverRequests.length > 0 &&
  c.serverRequests.every((r) => r.server === 'api' && r.method === r.method.toUpperCase()) &&
  chromeCorsLines(c).every((line) => line.startsWith('Access to '));

const cases = oracle.cases.filter(replayable);
const blocked = cases.filter((c) => chromeCorsLines(c).length > 0);
const passing = cases.filter((c) => chromeCorsLines(c).length === 0);

let upstream: Upstream;
let proxy: Proxy;
/** Answers queued per `METHOD path`, refilled by each case. */
const answers = new Map<string, { status: number; headers: HeaderLine[] }[]>();

beforeAll(async () => {
  upstream = await startUpstream((req, res) => {
    req.resume();
    const answer = answers.get(`${req.method} ${req.url}`)?.shift();
    if (!answer) return writeRaw(res, 599, [], 'no scripted answer');
    writeRaw(res, answer.status, answer.headers);
  });
  proxy = await startProxy(upstream.origin);
});

afterAll(async () => {
  await proxy.close();
  await upstream.close();
});

interface Replayed {
  readonly replies: Reply[];
  /** The API's lines as they should reach the browser (Location pointed back at corscope). */
  readonly expectedLines: HeaderLine[][];
}

async function replay(kase: OracleCase): Promise<Replayed> {
  const apiOrigin = kase.origins.api;
  const toUpstream = (v: string): string => v.split(apiOrigin).join(upstream.origin);
  const toBrowser = (v: string): string => v.split(apiOrigin).join(proxy.origin);
  answers.clear();
  for (const r of kase.serverRequests) {
    const key = `${r.method} ${r.path}`;
    const queue = answers.get(key) ?? [];
    queue.push({ status: r.response.status, headers: r.response.headers.map(([n, v]) => [n, toUpstream(v)] as const) });
    answers.set(key, queue);
  }
  proxy.records.length = 0;
  const replies: Reply[] = [];
  for (const r of kase.serverRequests) replies.push(await send(proxy.port, browserRequest(r, proxy.port)));
  const expectedLines = kase.serverRequests.map((r) =>
    r.response.headers.map(([n, v]) => [n, n.toLowerCase() === 'location' ? toBrowser(v) : v] as const),
  );
  return { replies, expectedLines };
}

function browserRequest(r: OracleRequest, port: number) {
  const headers = r.rawHeaders
    .filter(([n]) => n.toLowerCase() !== 'connection')
    .map(([n, v]) => [n, n.toLowerCase() === 'host' ? `localhost:${port}` : v] as const);
  const length = Number(headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? 0);
  return { method: r.method, path: r.path, headers, ...(length > 0 ? { body: 'x'.repeat(length) } : {}) };
}

const expectedLine = (kase: OracleCase, port: number): string =>
  chromeCorsLines(kase)[0]!.split(`localhost:${kase.ports.API_PORT}`).join(`localhost:${port}`);

describe('Chrome-blocked exchanges, end to end', () => {
  it.each(blocked.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, expectedLines } = await replay(kase);
    const records = proxy.records;
    expect(records).toHaveLength(kase.serverRequests.length);
    const last = records.at(-1)!;
    const line = expectedLine(kase, proxy.port);
    expect(last.chrome?.variants[kase.client.api]).toBe(line);
    expect(last.chrome?.message).toBe(last.chrome?.variants.fetch);
    expect(['blocked', 'conditional']).toContain(last.verdict);
    if (last.verdict === 'blocked') expect(last.msg).toBe(last.chrome?.message);
    const request = kase.serverRequests.at(-1)!;
    expect(last).toMatchObject({
      event: 'cors',
      stage: request.method === 'OPTIONS' ? 'preflight' : 'request',
      method: request.method,
      url: `${proxy.origin}${request.path}`,
      status: request.response.status,
      cause: expect.any(String),
      fix: expect.any(String),
    });
    expect(last.findings[0]).toEqual(expect.objectContaining({ code: last.chrome?.code }));
    // Without patch mode the API's answer reaches the browser line for line.
    replies.forEach((reply, i) => expect(endToEnd(reply.headers)).toEqual(endToEnd(expectedLines[i]!)));
  });
});

describe('exchanges Chrome let through, end to end', () => {
  it.each(passing.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const { replies, expectedLines } = await replay(kase);
    expect(proxy.records).toHaveLength(kase.serverRequests.length);
    for (const record of proxy.records) {
      // Without cookies corscope cannot know the credentials mode: a finding that holds only with
      // credentials is reported as conditional, never as blocked.
      expect(record.verdict).not.toBe('blocked');
      if (record.verdict === 'conditional') expect(record.findings[0]?.onlyIf).toBeDefined();
      else expect(record.chrome).toBeNull();
    }
    replies.forEach((reply, i) => {
      expect(reply.status).toBe(kase.serverRequests[i]!.response.status);
      expect(endToEnd(reply.headers)).toEqual(endToEnd(expectedLines[i]!));
    });
  });
});
