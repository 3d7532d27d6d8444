/**
 * `runCheck` against every recorded Chrome call it can make: scripted APIs on 127.0.0.1 answer
 * what Chrome got, `check` makes the call as the page did, and
 * - the requests it sends are the ones Chrome sent (same servers, methods, paths, and the same
 *   CORS header lines: Origin, Access-Control-Request-Method/-Headers, Sec-Fetch-*, Accept,
 *   Referer, Content-Type, the page's headers, Cookie only with credentials, never on a preflight);
 * - the line it reports is the line Chrome printed, or none when Chrome printed none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCheckInput, runCheck, type CheckResult } from '../../src/check/index.js';
import type { HeaderLine } from '../../src/cors/types.js';
import { chromeCorsLines, includesCredentials, loadOracle, type OracleCase } from '../support/oracle.js';
import { startScripted, type Received, type Scripted } from './scripted.js';

const cases = [...loadOracle().cases, ...loadOracle('chrome-edge-cases.json').cases];

/**
 * What a single `check` cannot stand for: calls repeated to probe Chrome's preflight cache, and
 * request modes other than `cors` (a check is a CORS call by definition).
 */
const checkable = (c: OracleCase) => c.serverRequests.length > 0 && !c.client.mode && !(c.definition.client as { repeat?: number }).repeat;
const selected = cases.filter(checkable);

/**
 * Browser noise no CORS rule reads; everything else must match Chrome line for line.
 * `Sec-Fetch-Storage-Access` depends on the browser's third-party-cookie settings, not the call.
 */
const NOISE = new Set([
  'host', 'connection', 'user-agent', 'accept-encoding', 'accept-language', 'sec-ch-ua', 'sec-ch-ua-mobile',
  'sec-ch-ua-platform', 'sec-fetch-storage-access',
]);
const corsLines = (headers: readonly HeaderLine[]): string[] =>
  headers
    .filter(([n]) => !NOISE.has(n.toLowerCase()))
    .map(([n, v]) => `${n.toLowerCase()}: ${v}`)
    .sort();

let apis: Scripted;
beforeAll(async () => {
  apis = await startScripted();
});
afterAll(() => apis.close());

async function check(kase: OracleCase): Promise<CheckResult> {
  apis.load(kase);
  const cookie = kase.serverRequests.flatMap((r) => r.rawHeaders).find(([n]) => n.toLowerCase() === 'cookie');
  const input = parseCheckInput({
    url: apis.move(kase, kase.client.url),
    origin: kase.origins.jsOrigin,
    method: kase.client.method,
    headers: [...kase.client.headers, ...(cookie ? [cookie] : [])].map(([n, v]) => `${n}: ${v}`),
    credentials: includesCredentials(kase),
    initiator: kase.client.api,
    ...((kase.definition.client as { body?: string }).body !== undefined ? { data: (kase.definition.client as { body: string }).body } : {}),
  });
  if ('error' in input) throw new Error(input.error);
  return runCheck(input.options);
}

describe(`check makes the requests Chrome ${loadOracle().chromiumVersion} made (${selected.length} cases)`, () => {
  it.each(selected.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const result = await check(kase);
    expect(result.failure).toBeUndefined();
    const sent = apis.received.map((r: Received) => `${r.server} ${r.method} ${r.path}`);
    expect(sent).toEqual(kase.serverRequests.map((r) => `${r.server} ${r.method.toUpperCase()} ${r.path}`));
    apis.received.forEach((received, i) => {
      const chrome = kase.serverRequests[i]!;
      const expected = corsLines(chrome.rawHeaders.map(([n, v]) => [n, apis.move(kase, v)] as const));
      expect(corsLines(received.headers), `${chrome.method} ${chrome.path}`).toEqual(expected);
    });
  });
});

describe('check reports the line Chrome printed', () => {
  it.each(selected.map((c) => [c.id, c] as const))('%s', async (_id, kase) => {
    const result = await check(kase);
    expect(result.failure).toBeUndefined();
    const expected = chromeCorsLines(kase).map((line) => apis.move(kase, line));
    const last = result.records.at(-1)!;
    if (expected.length === 0) {
      expect(result.outcome).toBe('allowed');
      expect(result.records.every((r) => r.verdict === 'allowed')).toBe(true);
    } else {
      expect(result.outcome).toBe('blocked');
      expect([last.chrome?.message]).toEqual(expected);
      expect(last.msg).toBe(expected[0]);
      expect(last.cause).toEqual(expect.any(String));
      expect(last.fix).toEqual(expect.any(String));
    }
    expect(result.records).toHaveLength(kase.serverRequests.length);
  });
});
