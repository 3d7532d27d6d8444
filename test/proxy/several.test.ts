/**
 * Issue 17: one corscope in front of several targets, each on its own port (real sockets on
 * 127.0.0.1). The requests are what Chrome sends; what Chrome prints for them is proven in
 * test/browser/several-apis.test.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCorscope, type CorscopeServer, type ExchangeRecord } from '../../src/index.js';
import { ListenError } from '../../src/proxy/server.js';
import { OptionsError, resolveTargets } from '../../src/proxy/options.js';
import { Fronts } from '../../src/proxy/fronts.js';
import { rewriteLocation } from '../../src/proxy/head.js';
import type { HeaderLine } from '../../src/cors/types.js';
import { send, startUpstream, writeRaw, type Upstream } from './helpers.js';
import { createPrettyStream } from '../../src/log/pretty.js';

const PAGE = 'http://localhost:5173';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

/** A target answering each path as scripted, and saying which target it is. */
async function target(name: string, script: Record<string, (origin: string) => { status: number; headers: HeaderLine[] }> = {}): Promise<Upstream> {
  const upstream = await startUpstream((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    const answer = script[path]?.(req.headers.origin ?? '') ?? { status: 200, headers: [['Access-Control-Allow-Origin', PAGE]] };
    writeRaw(res, answer.status, [...answer.headers, ['X-Target', name], ['X-Path', req.url ?? '']], answer.status >= 300 && answer.status < 400 ? '' : name);
  });
  cleanup.push(() => upstream.close());
  return upstream;
}

async function corscope(targets: NonNullable<Parameters<typeof createCorscope>[0]['targets']>, extra: Partial<Parameters<typeof createCorscope>[0]> = {}): Promise<{ server: CorscopeServer; records: ExchangeRecord[]; ports: number[] }> {
  const server = createCorscope({ targets, port: 0, closeTimeoutMs: 200, ...extra });
  const records: ExchangeRecord[] = [];
  server.on('exchange', (r) => records.push(r));
  await server.listen();
  cleanup.push(() => server.close());
  return { server, records, ports: server.listening.map((l) => l.port) };
}

const cors = (extra: HeaderLine[] = []): HeaderLine[] => [['Origin', PAGE], ['Sec-Fetch-Mode', 'cors'], ...extra];
const header = (lines: readonly HeaderLine[], name: string) => lines.find(([n]) => n.toLowerCase() === name)?.[1];

describe('several targets, one corscope', () => {
  it('three targets on their own ports: each request reaches its target, and each record names it', async () => {
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => target(n)));
    const { records, ports, server } = await corscope([a!.origin, b!.origin, c!.origin]);
    expect(new Set(ports).size).toBe(3);
    const replies = await Promise.all(ports.map((port) => send(port, { path: '/who', headers: cors() })));
    expect(replies.map((r) => r.body.toString())).toEqual(['a', 'b', 'c']);
    expect(records.map((r) => r.target).sort()).toEqual([`${a!.origin}/`, `${b!.origin}/`, `${c!.origin}/`].sort());
    expect(server.listening.map((l) => l.target)).toEqual([`${a!.origin}/`, `${b!.origin}/`, `${c!.origin}/`]);
  });

  it('one target: records carry no target field (the start record names it)', async () => {
    const a = await target('a');
    const { records, ports } = await corscope([a.origin]);
    await send(ports[0]!, { path: '/x', headers: cors() });
    expect(records[0]).not.toHaveProperty('target');
  });

  it("a repeat of a judged exchange still names its target in the log line", async () => {
    const a = await target('a');
    const b = await target('b');
    const lines: Record<string, unknown>[] = [];
    const { default: pino } = await import('pino');
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { ports } = await corscope([a.origin, b.origin], { logger });
    for (let i = 0; i < 4; i++) await send(ports[1]!, { path: '/same', headers: cors() });
    const cors4 = lines.filter((l) => l.event === 'cors');
    expect(cors4).toHaveLength(4);
    expect(cors4.map((l) => l.target)).toEqual(Array(4).fill(`${b.origin}/`));
    // The terminal's line names it too, after the timing.
    let text = '';
    createPrettyStream({ write: (t: string) => (text += t) }, { colors: false }).write(JSON.stringify(cors4[3]));
    expect(text).toMatch(new RegExp(`^\\S+ ok +#\\d+ request GET http://localhost:${ports[1]}/same ← ${PAGE} 200 [\\d.]+ ms → ${b.origin}/\n`));
  });

  it("a redirect from A to B's own address is pointed at corscope's port for B; the next hop carries Chrome's '(redirected from …)' and the tainted origin", async () => {
    const b = await target('b', { '/login': () => ({ status: 200, headers: [['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true']] }) });
    // A is an Express app (it says so); B, the sign-in server, says nothing of itself.
    const a = await target('a', { '/me': () => ({ status: 302, headers: [['X-Powered-By', 'Express'], ['Access-Control-Allow-Origin', PAGE], ['Access-Control-Allow-Credentials', 'true'], ['Location', `${b.origin}/login?next=%2Fme`]] }) });
    const { records, ports } = await corscope([a.origin, b.origin]);
    const [pa, pb] = ports as [number, number];
    const first = await send(pa, { path: '/me', headers: cors([['Cookie', 'sid=1']]) });
    expect(header(first.headers, 'location')).toBe(`http://localhost:${pb}/login?next=%2Fme`);
    // Chrome follows with Origin: null (a cross-origin hop from a URL not of the page's origin).
    await send(pb, { path: '/login?next=%2Fme', headers: [['Origin', 'null'], ['Sec-Fetch-Mode', 'cors'], ['Cookie', 'sid=1']] });
    const hop = records[1]!;
    expect(hop).toMatchObject({ verdict: 'blocked', origin: 'null', redirectedFrom: `http://localhost:${pa}/me`, target: `${b.origin}/` });
    expect(hop.chrome?.message).toBe(
      `Access to fetch at 'http://localhost:${pb}/login?next=%2Fme' (redirected from 'http://localhost:${pa}/me') from origin '${PAGE}' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value '${PAGE}' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
    );
    // Why: the API sent a fetch to another origin's sign-in page; the fix is in the API (a 401).
    expect(hop.diagnosis).toMatchObject({ code: 'redirect-to-login' });
    expect(hop.diagnosis?.evidence).toEqual(expect.arrayContaining([
      `http://localhost:${pa}/me redirected the call (302) to this sign-in page on another origin`,
      `after that hop the browser sends Origin: null, and Access-Control-Allow-Origin here is '${PAGE}'`,
    ]));
    // The fix is A's, in A's terms: the route that redirected, the Express way to answer 401.
    expect(hop.diagnosis).toMatchObject({ stack: 'express' });
    expect(hop.diagnosis?.fix).toMatch(/^GET \/me was redirected to a sign-in page \(http:\/\/localhost:\d+\/login\?next=%2Fme\).*res\.status\(401\)/);
  });

  it('a cross-origin hop to an API route (not a sign-in page) that allows only the page: the evidence says the Origin became null', async () => {
    const b = await target('b', { '/items': () => ({ status: 200, headers: [['Access-Control-Allow-Origin', PAGE]] }) });
    const a = await target('a', { '/items': () => ({ status: 307, headers: [['Access-Control-Allow-Origin', PAGE], ['Location', `${b.origin}/items`]] }) });
    const { records, ports } = await corscope([a.origin, b.origin]);
    await send(ports[0]!, { path: '/items', headers: cors() });
    await send(ports[1]!, { path: '/items', headers: [['Origin', 'null'], ['Sec-Fetch-Mode', 'cors']] });
    expect(records[1]).toMatchObject({ verdict: 'blocked', diagnosis: { code: 'origin-fixed-other' } });
    expect(records[1]!.diagnosis?.evidence).toContain(`Access-Control-Allow-Origin names ${PAGE}, but after the cross-origin redirect from http://localhost:${ports[0]}/items the browser sends Origin: null`);
  });

  it('a redirect within one target stays untainted; a Location elsewhere is left as sent', async () => {
    const a = await target('a', {
      '/old': () => ({ status: 301, headers: [['Access-Control-Allow-Origin', PAGE], ['Location', 'http://127.0.0.1:1/elsewhere']] }),
      '/moved': (origin) => ({ status: 302, headers: [['Access-Control-Allow-Origin', origin], ['Location', '/new']] }),
    });
    const b = await target('b');
    const { records, ports } = await corscope([a.origin, b.origin]);
    const away = await send(ports[0]!, { path: '/old', headers: cors() });
    expect(header(away.headers, 'location')).toBe('http://127.0.0.1:1/elsewhere');
    await send(ports[0]!, { path: '/moved', headers: cors() });
    await send(ports[0]!, { path: '/new', headers: cors() });
    expect(records.at(-1)).toMatchObject({ origin: PAGE, redirectedFrom: `http://localhost:${ports[0]}/moved`, verdict: 'conditional' });
  });
});

describe('a stack per target', () => {
  it("each target's diagnosis is written for its own stack (`{ url, stack }`), the `stack` option for the others", async () => {
    const bare = () => ({ status: 200, headers: [] as HeaderLine[] });
    const a = await target('a', { '/x': bare });
    const b = await target('b', { '/x': bare });
    const c = await target('c', { '/x': bare });
    const { records, ports } = await corscope([a.origin, { url: b.origin, stack: 'django' }, c.origin], { stack: 'express' });
    for (const port of ports) await send(port, { path: '/x', headers: cors() });
    const stackOf = (name: string) => records.find((r) => r.target === `${name}/`)?.diagnosis?.stack;
    expect([stackOf(a.origin), stackOf(b.origin), stackOf(c.origin)]).toEqual(['express', 'django', 'express']);
  });
});

describe('the stack named for the target that redirected', () => {
  it("a sign-in hop's fix is written for the redirecting target's stack (`{ url, stack }`), not the sign-in server's", async () => {
    const b = await target('b', { '/login': () => ({ status: 200, headers: [] }) });
    const a = await target('a', { '/me': () => ({ status: 302, headers: [['Access-Control-Allow-Origin', PAGE], ['Location', `${b.origin}/login`]] }) });
    const { records, ports } = await corscope([{ url: a.origin, stack: 'django' }, { url: b.origin, stack: 'express' }]);
    await send(ports[0]!, { path: '/me', headers: cors() });
    await send(ports[1]!, { path: '/login', headers: [['Origin', 'null'], ['Sec-Fetch-Mode', 'cors']] });
    expect(records[1]!.diagnosis).toMatchObject({ code: 'redirect-to-login', stack: 'django' });
    expect(records[1]!.diagnosis?.fix).toContain('@login_required');
  });
});

describe('Location rewriting across fronts', () => {
  const fronts = new Fronts([
    { target: new URL('http://127.0.0.1:3000'), publicUrl: undefined, port: 8081 },
    { target: new URL('http://127.0.0.1:3000/v1/'), publicUrl: undefined, port: 8082 },
    { target: new URL('https://auth.example.com'), publicUrl: new URL('https://auth.dev.test'), port: 8083 },
  ]);
  const self = fronts.list[0]!;
  const rewrite = (location: string) => rewriteLocation(302, [['Location', location]], fronts.routes(self, 'http://localhost:8081'), 'http://localhost:8081/x').headers[0]![1];

  it.each([
    ['http://127.0.0.1:3000/a', 'http://localhost:8081/a'],
    ['http://127.0.0.1:3000/v1/users?x=1', 'http://localhost:8082/users?x=1'],
    ['http://127.0.0.1:3000/v1', 'http://localhost:8082'],
    ['http://127.0.0.1:3000/v10', 'http://localhost:8081/v10'],
    ['HTTPS://AUTH.EXAMPLE.COM/login', 'https://auth.dev.test/login'],
    ['http://127.0.0.1:3001/a', 'http://127.0.0.1:3001/a'],
    ['/relative', '/relative'],
  ])('%s -> %s', (location, expected) => {
    expect(rewrite(location)).toBe(expected);
  });

  it("another front keeps the host name the browser used (cookies and origins are per host name)", () => {
    expect(fronts.browserOrigins(self, 'http://127.0.0.1:8081')).toEqual(['http://127.0.0.1:8081', 'http://127.0.0.1:8082', 'https://auth.dev.test']);
  });
});

describe('bad setups: one clear error each', () => {
  it.each([
    [{ targets: ['http://localhost:3000', 'http://localhost:3000/'] }, 'the target http://localhost:3000/ is given twice'],
    [{ targets: [{ url: 'http://a:1', port: 9000 }, { url: 'http://b:1', port: 9000 }] }, 'the targets http://a:1/ and http://b:1/ both ask for port 9000'],
    [{ targets: ['localhost:3000'] }, "the target 'localhost:3000' must start with http:// or https://"],
    [{ targets: ['not a url'] }, "the target 'not a url' is not a URL (expected e.g. http://localhost:3000)"],
    [{ targets: [] }, 'no target: name the API to forward to, e.g. http://localhost:3000'],
    [{ target: 'http://a', targets: ['http://b'] }, 'give either target or targets, not both'],
    [{ targets: ['http://a', 'http://b'], publicUrl: 'https://x' }, 'a public URL stands for one target: with several, give each target its own publicUrl'],
  ])('%j', (options, message) => {
    expect(() => resolveTargets(options)).toThrow(new OptionsError(message));
  });

  it('ports: the unnamed ones follow --port, skipping those named; with port 0 every one is any free port', () => {
    const ports = (port: number) => resolveTargets({ port, targets: ['http://a', { url: 'http://b', port: 8082 }, 'http://c'] }).map((t) => t.port);
    expect(ports(8081)).toEqual([8081, 8082, 8083]);
    expect(ports(0)).toEqual([0, 8082, 0]);
  });

  it('a port already taken: the error names the target and the port, and nothing stays open', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as AddressInfo).port;
    const server = createCorscope({ targets: ['http://127.0.0.1:3000', { url: 'http://127.0.0.1:4000', port }], port: 0 });
    const failure = await server.listen().then(() => undefined, (err: unknown) => err);
    expect(failure).toBeInstanceOf(ListenError);
    expect(failure).toMatchObject({ code: 'EADDRINUSE', port, target: 'http://127.0.0.1:4000/' });
    // The first listener was opened, then closed again.
    const first = server.listening[0]!.port;
    const probe = http.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(first, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  });
});
