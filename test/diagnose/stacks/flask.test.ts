/**
 * The Flask profile against what real Flask 2.2 + Flask-CORS 3.0.10 answered Chromium
 * (test/fixtures/servers/flask.json, recorded by test/servers/record.mjs flask).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge } from '../../../src/cors/index.js';
import type { HeaderLine } from '../../../src/cors/types.js';
import { fixContext } from '../../../src/diagnose/context.js';
import { flask } from '../../../src/diagnose/stacks/flask.js';
import type { DiagnosisCode, FixContext, Observation, StackEvidence } from '../../../src/diagnose/types.js';

interface Exchange {
  stage: 'preflight' | 'request';
  target: 'api' | 'elsewhere';
  request: { method: string; url: string; headers: HeaderLine[] };
  response: { status: number; headers: HeaderLine[] };
  body?: { base64: string; bytes: number; truncated: boolean };
}
interface Call {
  call: { credentials?: string; page?: string };
  exchanges: Exchange[];
}
interface Case {
  name: string;
  intent: DiagnosisCode;
  calls: Call[];
  fix: { applied: string; calls: Call[] };
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/servers/flask.json', import.meta.url), 'utf8')) as { page: string; cases: Case[] };

function observation(x: Exchange): Observation {
  const type = x.response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? null;
  const body = x.body ? { text: Buffer.from(x.body.base64, 'base64').toString('utf8'), type, bytes: x.body.bytes, truncated: x.body.truncated } : undefined;
  return { stage: x.stage, request: x.request, response: x.response, ...(body ? { body } : {}) };
}

function evidenceOf(o: Observation): StackEvidence {
  return { stage: o.stage, status: o.response.status, headers: o.response.headers, ...(o.body ? { body: o.body } : {}), related: [], identity: [] };
}

/** The answer Chrome refused (the last one from the server) and the fix context the diagnosis builds for it. */
function contextOf(c: Case): FixContext {
  const last = c.calls.at(-1)!;
  const api = last.exchanges.filter((x) => x.target === 'api').map(observation);
  const exchange = api.at(-1)!;
  const preflight = exchange.stage === 'request' ? api.find((o) => o.stage === 'preflight') : undefined;
  const context = { initiator: 'fetch' as const, credentials: last.call.credentials === 'include' ? ('include' as const) : ('omit' as const), pageOrigin: last.call.page ?? fixture.page };
  const verdict = judge({ stage: exchange.stage, request: exchange.request, response: exchange.response, context });
  const location = exchange.response.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
  const input = { exchange, verdict, ...(preflight ? { preflight: { observation: preflight, verdict: judge({ stage: 'preflight', request: preflight.request, response: preflight.response, context }) } } : {}) };
  return fixContext(input, { code: c.intent, evidence: [], ...(location ? { location: new URL(location, exchange.request.url).href } : {}) });
}

const answers = fixture.cases.flatMap((c) =>
  (['broken', 'fixed'] as const).flatMap((run) =>
    (run === 'broken' ? c.calls : c.fix.calls).flatMap((call) =>
      call.exchanges
        .filter((x) => x.target === 'api')
        .map((x) => [`${c.name} ${run} ${x.stage} ${x.request.method} ${new URL(x.request.url).pathname} ${x.response.status}`, observation(x)] as const),
    ),
  ),
);

describe('flask: recognise', () => {
  it.each(answers)('%s names Flask by a strong fingerprint', (_, o) => {
    expect(flask.recognise(evidenceOf(o)).filter((f) => f.weight === 'strong').length).toBeGreaterThan(0);
  });

  it.each([
    ['flask-no-cors', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)"]],
    ['flask-origin-127', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", 'an empty 200 with Allow: OPTIONS, HEAD, DELETE, GET, PUT is Flask\'s automatic OPTIONS answer']],
    ['flask-methods', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", 'an empty 200 with Allow: PUT, OPTIONS, HEAD, GET, DELETE is Flask\'s automatic OPTIONS answer', 'a preflight answer with Access-Control-Allow-Origin but no Access-Control-Allow-Methods is how Flask-CORS refuses a method']],
    ['flask-allow-headers', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", "Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Flask-CORS' default methods", "an empty 200 with Allow: GET, OPTIONS, HEAD, POST is Flask's automatic OPTIONS answer"]],
    ['flask-debug-500', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", '500 "ZeroDivisionError: division by zero // Werkzeug Debugger" is the Werkzeug debugger\'s page (Flask in debug mode)']],
    ['flask-strict-slashes', 0, ["Server: Werkzeug/2.2.2 Python/3.11.2 is Flask's development server (Werkzeug)", '308 "<title>Redirecting...</title>" is Werkzeug\'s own HTML page', "Access-Control-Allow-Methods DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT is Flask-CORS' default methods"]],
  ] as const)('%s, the blocked call\'s answer %i: exact evidence', (name, index, evidence) => {
    const c = fixture.cases.find((x) => x.name === name)!;
    const api = c.calls.at(-1)!.exchanges.filter((x) => x.target === 'api');
    expect(flask.recognise(evidenceOf(observation(api[index]!))).map((f) => f.evidence)).toEqual(evidence);
  });

  it('behind a proxy, the Werkzeug debugger page still names Flask', () => {
    const c = fixture.cases.find((x) => x.name === 'flask-debug-500')!;
    const o = observation(c.calls[0]!.exchanges[0]!);
    const prints = flask.recognise({ ...evidenceOf(o), headers: [['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html; charset=utf-8']] });
    expect(prints).toEqual([{ evidence: '500 "ZeroDivisionError: division by zero // Werkzeug Debugger" is the Werkzeug debugger\'s page (Flask in debug mode)', weight: 'strong' }]);
  });
});

describe('flask: fix', () => {
  it.each(fixture.cases.map((c) => [c.name, c.intent, c] as const))('%s (%s): the fix contains what was applied', (_, __, c) => {
    expect(flask.fix(contextOf(c))).toContain(c.fix.applied);
  });

  it('method-not-allowed with a list on the wire names the whole list', () => {
    const c = fixture.cases.find((x) => x.name === 'flask-methods')!;
    expect(flask.fix({ ...contextOf(c), allowedMethods: ['GET', 'POST'] })).toBe(
      'Flask-CORS answers a preflight for a method outside its methods list without Access-Control-Allow-Methods: methods=["GET", "POST", "DELETE"] in CORS(app, ...), or leave methods out: its default allows GET, HEAD, POST, OPTIONS, PUT, PATCH, DELETE',
    );
  });

  it('a redirect that is not a trailing slash falls back to the generic fix', () => {
    const c = fixture.cases.find((x) => x.name === 'flask-strict-slashes')!;
    expect(flask.fix({ ...contextOf(c), location: 'https://localhost:8081/api/orders' })).toBeUndefined();
  });
});

describe('flask: other stacks are not Flask', () => {
  const other = (headers: HeaderLine[], status = 200, text?: string, stage: 'preflight' | 'request' = 'request'): StackEvidence => ({
    stage,
    status,
    headers,
    ...(text !== undefined ? { body: { text, type: 'text/html', bytes: text.length, truncated: false } } : {}),
    related: [],
    identity: [],
  });
  it.each([
    ['nginx 404', other([['Server', 'nginx/1.22.1'], ['Content-Type', 'text/html']], 404, '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n')],
    ['Express', other([['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', '*']])],
    ['uvicorn + Starlette allow_methods=["*"]', other([['server', 'uvicorn'], ['access-control-allow-methods', 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT'], ['access-control-allow-origin', 'http://localhost:5173']], 200, 'OK', 'preflight')],
    ['Django runserver', other([['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['X-Frame-Options', 'DENY'], ['Referrer-Policy', 'same-origin']])],
    ['Django view OPTIONS (Allow, empty)', other([['Server', 'WSGIServer/0.2 CPython/3.11.2'], ['Content-Type', 'text/html; charset=utf-8'], ['Allow', 'GET, OPTIONS'], ['Content-Length', '0'], ['Referrer-Policy', 'same-origin']], 200, '', 'preflight')],
    ['Go net/http 404', other([['Content-Type', 'text/plain; charset=utf-8']], 404, '404 page not found\n')],
    ['Kestrel', other([['Server', 'Kestrel']], 405)],
  ])('%s: no strong fingerprint', (_, e) => {
    expect(flask.recognise(e).filter((f) => f.weight === 'strong')).toEqual([]);
  });
});
