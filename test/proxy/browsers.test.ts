import { afterEach, describe, expect, it } from 'vitest';
import { recordedLines } from '../support/browser-oracle.js';
import { corsHeaders, send, startProxy, startUpstream, writeRaw } from './helpers.js';

/** The proxy's records carry Firefox's and Safari's verdicts (`browsers`, `headline` options). */

const PAGE = 'http://localhost:5173';
/** An answer every browser accepts whatever the credentials mode, without a finding. */
const WORKS: [string, string][] = [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true'], ['Vary', 'Origin']];
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

async function proxied(headers: [string, string][], options: Parameters<typeof startProxy>[1] = {}) {
  const upstream = await startUpstream((req, res) => writeRaw(res, 200, headers));
  const proxy = await startProxy(upstream.origin, options);
  running.push(upstream, proxy);
  await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
  await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
  return proxy;
}

describe('records and the other browsers', () => {
  it('a call Chrome allows silently carries no browsers field by default', async () => {
    const proxy = await proxied(WORKS);
    expect(proxy.records.map((r) => [r.verdict, r.findings.length])).toEqual([['allowed', 0], ['allowed', 0]]);
    expect(proxy.records.map((r) => r.browsers)).toEqual([undefined, undefined]);
  });

  it('with browsers: true (--browsers) every CORS record carries it, repeats included', async () => {
    const proxy = await proxied(WORKS, { browsers: true });
    const allowed = { firefox: { verdict: 'allowed', lines: [], reason: null }, safari: { verdict: 'allowed', lines: [] } };
    expect(proxy.records.map((r) => r.browsers)).toEqual([allowed, allowed]);
  });

  it("headline: 'safari' (--headline safari) makes WebKit's line the msg, first time and on a repeat", async () => {
    const proxy = await proxied([], { headline: 'safari' });
    const [line] = recordedLines('acao-missing-fetch', 'webkit', { page: 5173, api: proxy.port });
    expect(proxy.records.map((r) => [r.headline, r.msg])).toEqual([
      ['safari', line],
      ['safari', line],
    ]);
    expect(proxy.records[0]!.chrome!.code).toBe('MissingAllowOriginHeader');
  });
});
