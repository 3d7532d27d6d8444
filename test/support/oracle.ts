import { readFileSync } from 'node:fs';
import type { HeaderLine } from '../../src/cors/types.js';

/** The Chrome observations in `test/fixtures/chrome-oracle.json` (see its README). */

export interface OracleRequest {
  server: 'api' | 'api2';
  method: string;
  path: string;
  rawHeaders: HeaderLine[];
  response: { status: number; headers: HeaderLine[] };
}

export interface OracleCase {
  id: string;
  description: string;
  definition: Record<string, unknown>;
  origins: { page: string; api: string; api2: string; jsOrigin: string };
  ports: Record<string, number>;
  client: {
    api: 'fetch' | 'xhr';
    method: string;
    url: string;
    headers: HeaderLine[];
    credentials?: 'omit' | 'same-origin' | 'include';
    withCredentials?: boolean;
    mode?: string;
  };
  consoleErrors: string[];
  primaryMessages: string[];
  corsIssues: { corsError: string; failedParameter: string; isWarning: boolean; url: string }[];
  otherIssues: { code: string }[];
  serverRequests: OracleRequest[];
}

export interface Oracle {
  chromiumVersion: string;
  cases: OracleCase[];
}

/**
 * `chrome-oracle.json`: the 81 recorded cases; `chrome-edge-cases.json`: 102 more on header parsing
 * (Access-Control-Allow-Origin values, credentials, preflight parsing and order, max-age).
 * Scripted response values went on the wire as UTF-8; they are returned as a proxy reads them
 * (one character per byte), which is also what Chrome quotes.
 */
export function loadOracle(file = 'chrome-oracle.json'): Oracle {
  const oracle = JSON.parse(readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8')) as Oracle;
  for (const kase of oracle.cases) {
    for (const request of kase.serverRequests) {
      request.response.headers = request.response.headers.map(([n, v]) => [n, Buffer.from(v, 'utf8').toString('latin1')]);
    }
  }
  return oracle;
}

/** Chrome's CORS console lines (the ones a developer reads), in the order Chrome printed them. */
export function chromeCorsLines(kase: OracleCase): string[] {
  return kase.consoleErrors.filter((line) => !line.startsWith('Failed to load resource'));
}

/** Whether the page's call used credentials mode `include`. */
export function includesCredentials(kase: OracleCase): boolean {
  return kase.client.api === 'xhr' ? kase.client.withCredentials === true : kase.client.credentials === 'include';
}
