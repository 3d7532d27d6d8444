/**
 * HAR files made from what a real Chrome sent and got (test/fixtures/chrome-oracle.json), shaped
 * like a devtools export: one entry per request on the wire, `_resourceType`, `redirectURL`, and —
 * as devtools shows them — the actual request of a refused preflight as an entry with no response.
 */
import type { HeaderLine } from '../../src/cors/types.js';
import { redirectLocation, resolveLocation } from '../../src/cors/index.js';
import { type OracleCase } from '../support/oracle.js';

type HarHeader = { name: string; value: string };

export interface HarFile {
  log: { version: string; creator: { name: string; version: string }; entries: Record<string, unknown>[] };
}

const toHar = (lines: readonly HeaderLine[]): HarHeader[] => lines.map(([name, value]) => ({ name, value }));

export interface MakeOptions {
  /** Drop Cookie headers, as Chrome's default "sanitized" export does. */
  readonly sanitized?: boolean;
}

export function caseEntries(kase: OracleCase, options: MakeOptions = {}): Record<string, unknown>[] {
  const started = Date.parse('2026-11-25T06:00:00.000Z');
  const keep = ([n]: HeaderLine) => !(options.sanitized && n.toLowerCase() === 'cookie');
  const entries: Record<string, unknown>[] = kase.serverRequests.map((r, i) => {
    const url = `${kase.origins[r.server]}${r.path}`;
    const preflight = r.method === 'OPTIONS' && r.rawHeaders.some(([n]) => n.toLowerCase() === 'access-control-request-method');
    const location = redirectLocation(r.response.status, r.response.headers);
    return {
      startedDateTime: new Date(started + i * 10).toISOString(),
      _resourceType: preflight ? 'preflight' : kase.client.api,
      request: { method: r.method, url, httpVersion: 'HTTP/1.1', headers: toHar(r.rawHeaders.filter(keep)), cookies: [], queryString: [] },
      response: {
        status: r.response.status,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        // HAR holds text; the loader gave header bytes as Latin-1 characters.
        headers: toHar(r.response.headers.map(([n, v]) => [n, Buffer.from(v, 'latin1').toString('utf8')] as const)),
        cookies: [],
        redirectURL: location === null ? '' : (resolveLocation(location, url) ?? location),
      },
    };
  });
  const last = kase.serverRequests.at(-1);
  if (last && last.method === 'OPTIONS' && kase.consoleErrors.some((l) => l.startsWith('Access to'))) {
    // Devtools lists the call whose preflight failed, with provisional headers and no response.
    entries.push({
      startedDateTime: new Date(started + entries.length * 10).toISOString(),
      _resourceType: kase.client.api,
      request: {
        method: kase.client.method,
        url: `${kase.origins[last.server]}${last.path}`,
        httpVersion: 'HTTP/1.1',
        headers: toHar([['Origin', kase.origins.jsOrigin], ...kase.client.headers]),
        cookies: [],
        queryString: [],
      },
      response: { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], redirectURL: '', _error: 'net::ERR_FAILED' },
    });
  }
  return entries;
}

export function makeHar(cases: readonly OracleCase[], options: MakeOptions = {}): HarFile {
  return {
    log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, entries: cases.flatMap((c) => caseEntries(c, options)) },
  };
}
