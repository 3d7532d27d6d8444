/**
 * Reading a recorded fixture (test/fixtures/servers/<stack>.json) back as the diagnosis sees it,
 * for the tests of the reverse-proxy stacks (test/diagnose/stacks/{nginx,apache,caddy}.test.ts).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine, Verdict } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import type { DiagnosisCode, FixContext, Observation, StackEvidence } from '../../../src/diagnose/types.js';

export interface Recorded {
  stage: 'preflight' | 'request';
  target: string;
  request: { method: string; url: string; headers: HeaderLine[] };
  response?: { status: number; headers: HeaderLine[] };
  body?: { base64: string; bytes: number; truncated: boolean };
}
export interface Run {
  call: { credentials?: string };
  chrome: string[];
  exchanges: Recorded[];
}
export interface Case {
  name: string;
  intent: DiagnosisCode;
  calls: Run[];
  fix: { applied: string; calls: Run[] };
  expected: { stack: string; evidence: string[] };
}

export const load = (stack: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`../../fixtures/servers/${stack}.json`, import.meta.url)), 'utf8')) as { server: string; cases: Case[] };

export function observation(e: Recorded): Observation {
  const type = e.response?.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  return {
    stage: e.stage,
    request: e.request,
    response: e.response ?? { status: 0, headers: [] },
    ...(e.body ? { body: { text: Buffer.from(e.body.base64, 'base64').toString('utf8'), type, bytes: e.body.bytes, truncated: e.body.truncated } } : {}),
  };
}

export function evidenceOf(o: Observation, related: Observation[] = []): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: related.map((r) => r.response), identity: [] };
}

export interface Failing {
  exchange: Observation;
  verdict: Verdict;
  preflight?: { observation: Observation; verdict: Verdict };
}

/** The exchange Chrome blocked in the case's last call (its preflight if that failed, else the request). */
export function failing(c: Case): Failing {
  const last = c.calls.at(-1) as Run;
  const credentials = last.call.credentials === 'include' ? 'include' : 'omit';
  const judged = (o: Observation) => judge({ ...o, context: { credentials } });
  const exchanges = last.exchanges.filter((e) => e.target === 'api' && e.response);
  const pre = exchanges.find((e) => e.stage === 'preflight');
  const req = exchanges.find((e) => e.stage === 'request');
  if (pre) {
    const preflight = observation(pre);
    const verdict = judged(preflight);
    if (verdict.verdict === 'blocked' || !req) return { exchange: preflight, verdict };
    const exchange = observation(req);
    return { exchange, verdict: judged(exchange), preflight: { observation: preflight, verdict } };
  }
  const exchange = observation(req as Recorded);
  return { exchange, verdict: judged(exchange) };
}

/** The blocked answer as recognition reads it: with its paired preflight. */
export function blockedEvidence(c: Case): StackEvidence {
  const { exchange, preflight } = failing(c);
  return evidenceOf(exchange, preflight ? [preflight.observation] : []);
}

/** The fix writer's facts for the case, with the case's intent as the code. */
export function contextFor(c: Case): FixContext {
  const f = failing(c);
  const raw = f.exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  const location = raw === undefined ? undefined : new URL(raw, f.exchange.request.url).href;
  return fixContext(f, { code: c.intent, evidence: [], ...(location ? { location } : {}) });
}

/** Every answer the server gave in a fixture (broken and fixed runs), named for the test title. */
export const answersOf = (cases: Case[]) =>
  cases.flatMap((c) =>
    [...c.calls, ...c.fix.calls].flatMap((run, i) =>
      run.exchanges.filter((e) => e.target === 'api' && e.response).map((e) => [`${c.name} #${i} ${e.stage} ${e.response?.status}`, e] as const),
    ),
  );

const text = (t: string, type: string) => ({ text: t, type, bytes: t.length, truncated: false });
const bare = (stage: 'preflight' | 'request', status: number, headers: HeaderLine[], body?: ReturnType<typeof text>): StackEvidence => ({
  stage,
  status,
  headers,
  ...(body ? { body } : {}),
  related: [],
  identity: [],
});

/** Hand-written answers of application stacks (no proxy in front), as they come on the wire. */
export const APP_ANSWERS: [string, StackEvidence][] = [
  ['Flask with flask-cors defaults', bare('preflight', 200, [['Server', 'Werkzeug/2.2.2 Python/3.11.2'], ['Allow', 'PUT, OPTIONS, GET, HEAD'], ['Access-Control-Allow-Methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT']])],
  ['Express 404', bare('preflight', 404, [['X-Powered-By', 'Express'], ['Content-Security-Policy', "default-src 'none'"]], text('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot OPTIONS /api/items</pre>\n</body>\n</html>\n', 'text/html; charset=utf-8'))],
  ['uvicorn', bare('request', 500, [['server', 'uvicorn'], ['content-type', 'text/plain; charset=utf-8']], text('Internal Server Error', 'text/plain; charset=utf-8'))],
  ['Go net/http 404', bare('request', 404, [['Content-Type', 'text/plain; charset=utf-8'], ['X-Content-Type-Options', 'nosniff']], text('404 page not found\n', 'text/plain; charset=utf-8'))],
  ['Kestrel', bare('preflight', 405, [['Server', 'Kestrel'], ['Allow', 'GET, PUT']])],
  ['Puma', bare('request', 401, [['Server', 'Puma'], ['Content-Type', 'application/json']], text('{"error":"unauthorized"}', 'application/json'))],
];
