/**
 * The inspector as the CLI starts it (the built `bin/corscope.js` in a child process): its URL in
 * the start record and block, the default port beside the proxy's and what happens when it is
 * taken, --no-ui, usage errors, and `check --ui` / `har --ui` serving their records until Ctrl-C.
 * The page's records are the log's records, field for field.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, send, startUpstream, writeRaw } from '../proxy/helpers.js';
import { loadOracle } from '../support/oracle.js';
import { makeHar } from '../har/make-har.js';
import { exchanges, get, openStream, type SseClient } from './helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'corscope-inspector-cli-'));

beforeAll(() => {
  if (!existsSync(new URL('../../dist/inspector/server.js', import.meta.url))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const children: ChildProcessWithoutNullStreams[] = [];
const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  while (closers.length) await closers.pop()!();
});

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  /** The next stdout line (parsed when `json`). */
  next(): Promise<string>;
  stderr(): string;
  exit: Promise<number | null>;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  const waiting: ((line: string) => void)[] = [];
  const queued: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const resolve = waiting.shift();
    if (resolve) resolve(line);
    else queued.push(line);
  });
  return {
    child,
    next: () => (queued.length ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    stderr: () => stderr,
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

async function nextRecord(run: Running): Promise<Record<string, unknown>> {
  return JSON.parse(await run.next()) as Record<string, unknown>;
}

function runSync(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function follow(url: string): Promise<SseClient> {
  const client = await openStream(Number(new URL(url).port));
  closers.push(() => client.close());
  return client;
}

/** A port that is free, and the one after it held by someone else. */
async function portBeforeATakenOne(): Promise<{ port: number; blocker: net.Server }> {
  for (;;) {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    if (port >= 65535) continue;
    const blocker = net.createServer();
    const ok = await new Promise<boolean>((resolve) => {
      blocker.once('error', () => resolve(false));
      blocker.listen(port + 1, '127.0.0.1', () => resolve(true));
    });
    if (ok) return { port, blocker };
  }
}

describe('corscope --target', () => {
  it("serves the inspector beside the proxy and says where; the page's records are the log's, field for field, with the header lines", async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', 'https://elsewhere.example'], ['X-Note', '<img src=x onerror=alert(1)>']]));
    closers.push(upstream.close);
    const run = start(['--target', upstream.origin, '--port', '0', '--log-format', 'json']);
    const startRecord = await nextRecord(run);
    expect(startRecord).toMatchObject({ event: 'start', inspector: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(startRecord.msg).toMatch(/; the inspector is at http:\/\/127\.0\.0\.1:\d+$/);
    const page = await get(Number(new URL(startRecord.inspector as string).port), '/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>corscope inspector</title>');
    const client = await follow(startRecord.inspector as string);
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(client.events[0]!.json()).toMatchObject({ info: { command: 'proxy', target: `${upstream.origin}/`, listening: startRecord.listening, mode: startRecord.mode } });
    const port = Number(new URL(startRecord.frontend as string).port);
    await send(port, { path: '/api', headers: [...corsHeaders('http://localhost:5173'), ['Cookie', 'sid=secret']] });
    const logged = await nextRecord(run);
    await client.until((e) => exchanges(e).length === 1);
    const shown = exchanges(client.events)[0]!;
    const { level: _level, time: _time, ...record } = logged;
    expect(shown.record).toEqual(record);
    expect(shown.lines!.request).toContainEqual(['Cookie', '[redacted]']);
    expect(shown.lines!.request).toContainEqual(['Origin', 'http://localhost:5173']);
    expect(shown.lines!.response.slice(0, 2)).toEqual([['Access-Control-Allow-Origin', 'https://elsewhere.example'], ['X-Note', '<img src=x onerror=alert(1)>']]);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('the pretty start block has an inspector line', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const run = start(['--target', upstream.origin, '--port', '0', '--log-format', 'pretty']);
    const lines: string[] = [];
    while (!lines.some((l) => l.startsWith('  inspector'))) lines.push(await run.next());
    expect(lines.at(-1)).toMatch(/^ {2}inspector +http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('--no-ui: no inspector', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const run = start(['--target', upstream.origin, '--port', '0', '--log-format', 'json', '--no-ui']);
    const startRecord = await nextRecord(run);
    expect(startRecord.inspector).toBeUndefined();
    expect(startRecord.msg).not.toContain('inspector');
  });

  it('the default is the port after the proxy\'s; when that is taken, another, said in a warning', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const { port, blocker } = await portBeforeATakenOne();
    closers.push(() => new Promise((r) => blocker.close(r)));
    const run = start(['--target', upstream.origin, '--port', String(port), '--log-format', 'json']);
    const startRecord = await nextRecord(run);
    expect(startRecord.inspector).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(startRecord.inspector).not.toBe(`http://127.0.0.1:${port + 1}`);
    expect(startRecord.warnings).toEqual([`port ${port + 1} was in use, so the inspector took ${new URL(startRecord.inspector as string).port} (--ui-port N chooses)`]);
  });

  it('the default, free: the port after the proxy\'s', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const { port, blocker } = await portBeforeATakenOne();
    await new Promise((r) => blocker.close(r));
    const run = start(['--target', upstream.origin, '--port', String(port), '--log-format', 'json']);
    expect((await nextRecord(run)).inspector).toBe(`http://127.0.0.1:${port + 1}`);
  });

  it('--ui-port taken: one line, exit 1', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise((r) => blocker.close(r)));
    const taken = (blocker.address() as net.AddressInfo).port;
    const { code, stdout, stderr } = runSync(['--target', upstream.origin, '--port', '0', '--log-format', 'json', '--ui-port', String(taken)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`corscope: the inspector: port ${taken} on 127.0.0.1 is already in use; choose another with --ui-port (0 picks a free one), or turn it off with --no-ui\n`);
  });

  it.each([
    ['not-a-number', ['--ui-port', 'abc'], "corscope: --ui-port must be a whole number from 0 to 65535, got 'NaN' (see corscope --help)\n"],
    ['too-big', ['--ui-port', '70000'], "corscope: --ui-port must be a whole number from 0 to 65535, got '70000' (see corscope --help)\n"],
    ['no-ui-with-port', ['--no-ui', '--ui-port', '9000'], 'corscope: --ui-port has no effect with --no-ui (see corscope --help)\n'],
    ['same-as-proxy', ['--port', '9100', '--ui-port', '9100'], "corscope: --ui-port 9100 is the proxy's own --port; choose another (0 picks a free one) (see corscope --help)\n"],
  ])('usage error %s: exit 2, one line', (_name, args, line) => {
    const { code, stdout, stderr } = runSync(['--target', 'http://127.0.0.1:9', ...args]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(line);
  });
});

describe('corscope demo', () => {
  it('prints the inspector in the start record and the ready line, and the demo page links to it', async () => {
    const run = start(['demo', '--log-format', 'json']);
    const startRecord = await nextRecord(run);
    const ready = await nextRecord(run);
    expect(startRecord).toMatchObject({ event: 'start', inspector: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
    expect(ready).toMatchObject({ event: 'demo', inspector: startRecord.inspector });
    expect(ready.msg).toContain(`watch them in the inspector at ${startRecord.inspector as string}`);
    const page = await fetch(startRecord.page as string).then((r) => r.text());
    expect(page).toContain(`<a href="${startRecord.inspector as string}"`);
    const client = await follow(startRecord.inspector as string);
    await client.until((e) => e.some((x) => x.event === 'hello'));
    expect(client.events[0]!.json()).toMatchObject({ info: { command: 'demo', page: startRecord.page } });
  });
});

describe('check --ui and har --ui', () => {
  it('check: the report, then the inspector with its records and their header lines until Ctrl-C; the exit code is the check\'s', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', 'https://other.example']]));
    closers.push(upstream.close);
    const run = start(['check', `${upstream.origin}/api`, '--origin', 'http://localhost:5173', '--ui']);
    let line = '';
    while (!line.startsWith('inspector ')) line = await run.next();
    const url = /^inspector (http:\/\/127\.0\.0\.1:\d+) \(Ctrl-C to stop\)$/.exec(line)![1]!;
    const client = await follow(url);
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(client.events[0]!.json()).toMatchObject({ info: { command: 'check', target: `GET ${upstream.origin}/api from http://localhost:5173` } });
    const [shown] = exchanges(client.events);
    expect(shown!.record).toMatchObject({ verdict: 'blocked', chrome: { code: 'AllowOriginMismatch' } });
    expect(shown!.lines!.request).toContainEqual(['Origin', 'http://localhost:5173']);
    expect(shown!.lines!.response).toContainEqual(['Access-Control-Allow-Origin', 'https://other.example']);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(1);
  });

  it('check --json --ui: stdout stays NDJSON, the URL goes to stderr', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', '*']]));
    closers.push(upstream.close);
    const run = start(['check', `${upstream.origin}/api`, '--origin', 'http://localhost:5173', '--json', '--ui', '--ui-port', '0']);
    const records = [await nextRecord(run), await nextRecord(run)];
    expect(records.map((r) => r.event)).toEqual(['cors', 'summary']);
    while (!/corscope: inspector http/.test(run.stderr())) await new Promise((r) => setTimeout(r, 20));
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('har: a colleague\'s HAR in the same page', async () => {
    const oracle = loadOracle();
    const file = join(dir, 'session.har');
    writeFileSync(file, JSON.stringify(makeHar(['acao-missing-fetch', 'preflight-method-put-not-allowed-fetch'].map((id) => oracle.cases.find((c) => c.id === id)!))));
    const run = start(['har', file, '--ui']);
    let line = '';
    while (!line.startsWith('inspector ')) line = await run.next();
    const client = await follow(/(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!);
    await client.until((e) => e.some((x) => x.event === 'live'));
    expect(client.events[0]!.json()).toMatchObject({ info: { command: 'har', file } });
    const shown = exchanges(client.events);
    expect(shown.map((s) => s.record.chrome?.code)).toEqual(['MissingAllowOriginHeader', 'MethodDisallowedByPreflightResponse']);
    expect(shown.every((s) => s.lines && s.lines.request.length > 0)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(1);
  });

  it('--ui-port without --ui: exit 2', () => {
    const { code, stderr } = runSync(['har', 'x.har', '--ui-port', '9000']);
    expect(code).toBe(2);
    expect(stderr).toBe('corscope: --ui-port only applies with --ui (see corscope --help)\n');
  });
});
