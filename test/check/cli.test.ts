/**
 * `corscope check` as a pipeline runs it: `node bin/corscope.js check …` in a child process (npm
 * test builds first); exit 0 allowed, 1 blocked or unreachable, 2 usage error (one line, no stack).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const ORIGIN = 'http://localhost:5173';

let base = '';
let server: http.Server;
beforeAll(async () => {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  server = http.createServer((req, res) => {
    req.resume();
    if (req.url === '/open') res.writeHead(200, ['Access-Control-Allow-Origin', '*']);
    else res.writeHead(200);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Async: the server lives in this process, so the child must not block the event loop. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'check', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('exit codes', () => {
  it('0 when Chrome allows the call', async () => {
    const { code, stdout, stderr } = await run([`${base}/open`, '--origin', ORIGIN]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n').at(-1)).toBe(`Chrome would allow this call (GET ${base}/open answered 200).`);
  });

  it('0 for an answer Node refuses and Chrome reads, with a note on stderr saying what is malformed', async () => {
    const raw = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Length: 2\n\nok'));
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/bare-lf`;
    try {
      const { code, stdout, stderr } = await run([url, '--origin', ORIGIN]);
      expect(code).toBe(0);
      expect(stdout.trim().split('\n').at(-1)).toBe(`Chrome would allow this call (GET ${url} answered 200).`);
      expect(stderr).toBe(`corscope: note: the answer to GET ${url} is malformed (lines end in a bare LF instead of CRLF); Chrome reads it, stricter HTTP clients (Node's among them) may not\n`);
    } finally {
      raw.close();
    }
  });

  it("1 when Chrome blocks it, with Chrome's line, the cause and the fix", async () => {
    const { code, stdout } = await run([`${base}/closed`, '--origin', ORIGIN]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `  chrome  Access to fetch at '${base}/closed' from origin '${ORIGIN}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n`,
    );
    expect(stdout).toMatch(/\n {2}cause {3}\S/);
    expect(stdout).toMatch(/\n {2}fix {5}\S/);
    expect(stdout.trim().split('\n').at(-1)).toBe('Chrome would block this call (MissingAllowOriginHeader).');
  });

  it('1 when nothing answers, said in one line on stderr', async () => {
    const { code, stdout, stderr } = await run(['http://127.0.0.1:1/api', '--origin', ORIGIN]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "corscope: no answer from http://127.0.0.1:1/api: connection refused: nothing is listening there (ECONNREFUSED). Chrome would show 'Failed to load resource: net::ERR_CONNECTION_REFUSED', with no CORS line.\n",
    );
  });

  it.each([
    ['missing --origin', ['http://localhost:3000/api']],
    ['missing URL', ['--origin', ORIGIN]],
    ['relative URL', ['localhost/api', '--origin', ORIGIN]],
    ['bad origin', ['http://localhost:3000/api', '--origin', 'http://localhost:5173/page']],
    ['bad header', ['http://localhost:3000/api', '--origin', ORIGIN, '-H', 'X-Token']],
    ['bad timeout', ['http://localhost:3000/api', '--origin', ORIGIN, '--timeout', '-5']],
  ])('2 on a usage error: %s', async (_name, args) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(stderr).toMatch(/^corscope: /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('--json', () => {
  it('prints the proxy record shape, then a summary record', async () => {
    const { code, stdout } = await run([`${base}/closed`, '--origin', ORIGIN, '-X', 'DELETE', '--json']);
    expect(code).toBe(1);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      event: 'cors',
      stage: 'preflight',
      verdict: 'blocked',
      method: 'OPTIONS',
      url: `${base}/closed`,
      origin: ORIGIN,
      status: 200,
      credentials: 'omit',
      initiator: 'fetch',
      chrome: { code: 'PreflightMissingAllowOriginHeader' },
    });
    expect(lines[1]).toMatchObject({ event: 'summary', outcome: 'blocked', code: 'PreflightMissingAllowOriginHeader' });
  });

  it('--xhr words the line for XMLHttpRequest', async () => {
    const { stdout } = await run([`${base}/closed`, '--origin', ORIGIN, '--xhr', '--json']);
    const record = JSON.parse(stdout.split('\n')[0]!) as { chrome: { message: string }; initiator: string };
    expect(record.initiator).toBe('xhr');
    expect(record.chrome.message).toMatch(/^Access to XMLHttpRequest at /);
  });
});

it('--help lists check and har', () => {
  const { stdout, status } = spawnSync(process.execPath, [bin, '--help'], { cwd: root, encoding: 'utf8' });
  expect(status).toBe(0);
  expect(stdout).toContain('corscope check <url>');
  expect(stdout).toContain('corscope har <file>');
});
