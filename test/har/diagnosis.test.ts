/**
 * The recorded real servers (test/fixtures/servers) as a devtools HAR of the same session: `corscope
 * har` gives the blocked call the diagnosis the proxy gives it live (the same cause), reading the
 * body devtools kept, the paired preflight and the redirect that led there.
 */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { analyzeHar, parseHar } from '../../src/har/index.js';
import { loadServerFixtures, UNDECIDABLE, type RecordedCall, type ServerCase } from '../support/servers.js';

/** Devtools keeps the body decoded: undo the recorded Content-Encoding, as it would have. */
function decoded(bytes: Buffer, headers: readonly (readonly [string, string])[]): Buffer {
  const coding = headers.find(([n]) => n.toLowerCase() === 'content-encoding')?.[1].trim().toLowerCase();
  try {
    if (coding === 'gzip') return zlib.gunzipSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (coding === 'br') return zlib.brotliDecompressSync(bytes, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
    if (coding === 'deflate') return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
  return bytes;
}

function harOf(calls: readonly RecordedCall[]): string {
  const entries = calls.flatMap((call) =>
    call.exchanges
      .filter((e) => e.response)
      .map((e) => ({
        startedDateTime: '2026-12-03T08:00:00.000Z',
        _resourceType: e.stage === 'preflight' ? 'preflight' : 'fetch',
        request: { method: e.request.method, url: e.request.url, headers: e.request.headers.map(([name, value]) => ({ name, value })), cookies: [] },
        response: {
          status: e.response!.status,
          headers: e.response!.headers.map(([name, value]) => ({ name, value })),
          redirectURL: '',
          content: e.body ? { size: e.body.bytes, text: decoded(Buffer.from(e.body.base64, 'base64'), e.response!.headers).toString('base64'), encoding: 'base64' } : { size: 0 },
        },
      })),
  );
  return JSON.stringify({ log: { version: '1.2', entries } });
}

const cases = loadServerFixtures().flatMap((f) => f.cases.map((c) => [c.name, c] as [string, ServerCase]));

describe('recorded servers as a HAR', () => {
  it.each(cases)('%s', (_name, kase) => {
    const read = parseHar(harOf(kase.calls), 'session.har');
    if ('error' in read) throw new Error(read.error);
    const last = kase.calls.at(-1)!;
    const line = last.chrome.find((l) => l.startsWith('Access to '))!;
    const { records } = analyzeHar(read.entries);
    const record = records.map((r) => r.record).find((r) => r.chrome?.variants.fetch === line);
    expect(record, line).toBeDefined();
    // A redirect to a sign-in page on another origin fails there: in a HAR that hop is judged too.
    const code = UNDECIDABLE[kase.name] ?? kase.expected?.code ?? kase.intent;
    expect(record!.diagnosis?.code).toBe(code);
  });
});
