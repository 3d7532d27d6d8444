/**
 * The built CLI as a user runs it: `node bin/corscope.js …` in a child process (npm test builds
 * first), stdout read as NDJSON.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { corsHeaders, send, startUpstream, writeRaw } from '../proxy/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
});

function runSync(args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Running {
  readonly child: ChildProcessWithoutNullStreams;
  /** The next NDJSON record on stdout (every line must parse). */
  next(): Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
}

const children: ChildProcessWithoutNullStreams[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  while (closers.length) await closers.pop()!();
});

function start(args: string[]): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  const waiting: ((record: Record<string, unknown>) => void)[] = [];
  const queued: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const record = JSON.parse(line) as Record<string, unknown>;
    const resolve = waiting.shift();
    if (resolve) resolve(record);
    else queued.push(record);
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    next: () => (queued.length ? Promise.resolve(queued.shift()!) : new Promise((resolve) => waiting.push(resolve))),
    exit,
  };
}

describe('usage errors: one line on stderr, exit 2', () => {
  it.each([
    ['unknown flag', ['--target', 'http://localhost:3000', '--bogus'], 'corscope: Unknown argument: bogus (see corscope --help)\n'],
    ['no target', [], 'corscope: missing --target: the API to forward to, e.g. --target http://localhost:3000 (see corscope --help)\n'],
    ['not a URL', ['--target', 'localhost:3000'], "corscope: the target 'localhost:3000' must start with http:// or https:// (see corscope --help)\n"],
    ['bad port', ['--target', 'http://localhost:3000', '--port', 'abc'], null],
    ['bad choice', ['--target', 'http://localhost:3000', '--log-format', 'xml'], null],
    ['patch flag without --patch', ['--target', 'http://localhost:3000', '--answer-preflight'], null],
    ['log file that cannot be written', ['--target', 'http://localhost:3000', '--log-file', '/etc/hostname/corscope.ndjson'], null],
  ])('%s', (_name, args, expected) => {
    const { code, stdout, stderr } = runSync(args as string[]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/^corscope: /);
    if (expected) expect(stderr).toBe(expected);
  });

  it('--help exits 0 with examples', () => {
    const { code, stdout } = runSync(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('corscope --target http://localhost:3000');
    expect(stdout).toContain('Exit codes:');
  });
});

describe('running', () => {
  it('json mode: stdout is only NDJSON, the start block is a record, one record per exchange, SIGTERM exits 0', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', 'https://elsewhere.example']]));
    closers.push(upstream.close);
    const run = start(['--target', upstream.origin, '--port', '0', '--log-format', 'json']);
    const startRecord = await run.next();
    expect(startRecord).toMatchObject({
      level: 30,
      event: 'start',
      target: `${upstream.origin}/`,
      mode: 'observe: responses forwarded unchanged',
      listening: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      frontend: expect.stringMatching(/^http:\/\/localhost:\d+$/),
    });
    const port = Number(new URL(startRecord.frontend as string).port);
    await send(port, { path: '/api', headers: corsHeaders('http://localhost:5173') });
    const record = await run.next();
    expect(record).toMatchObject({
      level: 40,
      event: 'cors',
      verdict: 'blocked',
      url: `http://localhost:${port}/api`,
      chrome: { code: 'AllowOriginMismatch' },
    });
    expect(record.msg).toBe((record.chrome as { message: string }).message);
    run.child.kill('SIGTERM');
    expect(await run.next()).toMatchObject({ event: 'stop', signal: 'SIGTERM' });
    expect(await run.exit).toBe(0);
  });

  it('--log-format pretty on stdout and --log-file NDJSON, flushed on SIGTERM', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const file = join(mkdtempSync(join(tmpdir(), 'corscope-cli-')), 'log.ndjson');
    const child = spawn(process.execPath, [bin, '--target', upstream.origin, '--port', '0', '--log-format', 'pretty', '--log-file', file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while (!/frontend +http:\/\/localhost:\d+/.test(out)) await new Promise((r) => setTimeout(r, 20));
    const port = Number(/frontend +http:\/\/localhost:(\d+)/.exec(out)![1]);
    await send(port, { path: '/api', headers: corsHeaders('http://localhost:5173') });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out).toMatch(/^corscope \S+\n {2}listening +http:\/\/127\.0\.0\.1:\d+\n {2}target +http:\/\/127\.0\.0\.1:\d+\/\n {2}mode +observe/);
    expect(out).toMatch(/BLOCKED +#1 request GET http:\/\/localhost:\d+\/api/);
    const records = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(records.map((r) => r.event)).toEqual(['start', 'cors', 'stop']);
  });

  it('stdout to /dev/null with --log-file: the file gets every record', async () => {
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    closers.push(upstream.close);
    const file = join(mkdtempSync(join(tmpdir(), 'corscope-cli-')), 'log.ndjson');
    const devNull = openSync('/dev/null', 'w');
    const child = spawn(process.execPath, [bin, '--target', upstream.origin, '--port', '0', '--log-format', 'json', '--log-file', file], {
      cwd: root,
      stdio: ['ignore', devNull, 'pipe'],
    });
    closeSync(devNull);
    closers.push(async () => void child.kill('SIGKILL'));
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const lines = (): { event: string; frontend?: string }[] =>
      readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; frontend?: string });
    while (!existsSync(file) || lines().length === 0) await new Promise((r) => setTimeout(r, 20));
    const port = Number(new URL(lines()[0]!.frontend!).port);
    await send(port, { path: '/api', headers: corsHeaders('http://localhost:5173') });
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toBe('');
    expect(lines().map((r) => r.event)).toEqual(['start', 'cors', 'stop']);
  });

  it('stdout that is not a terminal gets NDJSON without being asked', async () => {
    const run = start(['--target', 'http://127.0.0.1:9', '--port', '0']);
    expect(await run.next()).toMatchObject({ event: 'start' });
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
  });

  it('--patch on a non-loopback address warns in the start record', async () => {
    const run = start(['--target', 'http://127.0.0.1:9', '--port', '0', '--host', '0.0.0.0', '--patch', '--allow-origin', 'http://localhost:5173', '--log-format', 'json']);
    const record = await run.next();
    expect(record).toMatchObject({ event: 'start', listening: expect.stringMatching(/^http:\/\/0\.0\.0\.0:\d+$/), mode: expect.stringMatching(/^patch: /) });
    expect(record.warnings).toEqual([expect.stringContaining('--patch on 0.0.0.0: every page that can reach this address')]);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('a busy port says so and exits 1', async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as AddressInfo).port;
    const { code, stderr, stdout } = runSync(['--target', 'http://localhost:3000', '--port', String(port)]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`corscope: port ${port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)\n`);
  });

  it('several --target: one process, one port each (the next after --port, or URL=PORT), every pair in the start record', async () => {
    const a = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', 'http://localhost:5173']], 'a'));
    const b = await startUpstream((req, res) => writeRaw(res, 200, [['Access-Control-Allow-Origin', 'http://localhost:5173']], 'b'));
    closers.push(() => a.close(), () => b.close());
    const run = start(['--target', a.origin, '--target', `${b.origin}=0`, '--port', '0', '--log-format', 'json', '--no-ui']);
    const startRecord = (await run.next()) as { targets: { target: string; listening: string; frontend: string }[]; msg: string };
    expect(startRecord.targets.map((t) => t.target)).toEqual([`${a.origin}/`, `${b.origin}/`]);
    expect(startRecord.msg).toMatch(/^corscope fronting 2 APIs: http:\/\/localhost:\d+ -> http:\/\/127\.0\.0\.1:\d+\/, http:\/\/localhost:\d+ -> /);
    const ports = startRecord.targets.map((t) => Number(new URL(t.frontend).port));
    const bodies = await Promise.all(ports.map((port) => send(port, { path: '/x', headers: corsHeaders('http://localhost:5173') }).then((r) => r.body.toString())));
    expect(bodies).toEqual(['a', 'b']);
    const records = [await run.next(), await run.next()];
    expect(records.map((r) => r.target).sort()).toEqual([`${a.origin}/`, `${b.origin}/`].sort());
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it.each([
    ['the same target twice', ['--target', 'http://localhost:3000', '--target', 'http://localhost:3000/'], 'corscope: the target http://localhost:3000/ is given twice (see corscope --help)\n'],
    ['two targets on one port', ['--target', 'http://localhost:3000=9100', '--target', 'http://localhost:4000=9100'], 'corscope: the targets http://localhost:3000/ and http://localhost:4000/ both ask for port 9100 (see corscope --help)\n'],
    ['a port out of range', ['--target', 'http://localhost:3000=70000'], "corscope: --target http://localhost:3000=70000: the port after '=' must be from 0 to 65535 (see corscope --help)\n"],
    ['a target that is not a URL among several', ['--target', 'http://localhost:3000', '--target', 'api:4000'], "corscope: the target 'api:4000' must start with http:// or https:// (see corscope --help)\n"],
    ['--public-url with several targets', ['--target', 'http://a', '--target', 'http://b', '--public-url', 'https://x.test'], 'corscope: --public-url stands for one target: with several, give each its own publicUrl in the config file (see corscope --help)\n'],
  ])('several targets, bad setup: %s (exit 2)', (_name, args, expected) => {
    const { code, stdout, stderr } = runSync(args);
    expect([code, stdout, stderr]).toEqual([2, '', expected]);
  });

  it("several targets: a busy port names the target it was for, and exits 1", async () => {
    const busy = http.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as AddressInfo).port;
    const { code, stderr } = runSync(['--target', 'http://localhost:3000', '--target', `http://localhost:4000=${port}`, '--port', '0', '--no-ui']);
    expect(code).toBe(1);
    expect(stderr).toBe(`corscope: port ${port} on 127.0.0.1 (for http://localhost:4000/) is already in use; give that target another port (http://localhost:4000/=PORT) or move --port (0 picks a free one)\n`);
  });

  it('demo: prints the page URL; the page calls corscope, which fronts the demo API', async () => {
    const run = start(['demo', '--log-format', 'json']);
    const startRecord = await run.next();
    expect(startRecord).toMatchObject({ event: 'start', page: expect.stringMatching(/^http:\/\/localhost:\d+$/) });
    expect(await run.next()).toMatchObject({ event: 'demo' });
    const page = await fetch(startRecord.page as string).then((r) => r.text());
    expect(page).toContain(startRecord.frontend as string);
    const port = Number(new URL(startRecord.frontend as string).port);
    await send(port, { path: '/missing-acao', headers: corsHeaders(startRecord.page as string) });
    expect(await run.next()).toMatchObject({ event: 'cors', verdict: 'blocked', chrome: { code: 'MissingAllowOriginHeader' } });
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  });
});
