/**
 * `corscope check` reports Firefox and Safari beside Chrome, and `--browser` picks whose verdict is
 * the exit code. The answer is the one of the recorded edge case `B-true-then-empty` (browser-edge-cases.json):
 * Access-Control-Allow-Credentials `true` then an empty line, which Chrome and Safari refuse and
 * Firefox lets through.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/corscope.js', import.meta.url));
const ORIGIN = 'http://localhost:5173';

let url = '';
let server: http.Server;
beforeAll(async () => {
  if (!existsSync(new URL('../../dist/cli/main.js', import.meta.url))) {
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, ['Access-Control-Allow-Origin', ORIGIN, 'Access-Control-Allow-Credentials', 'true', 'Access-Control-Allow-Credentials', '']);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://localhost:${(server.address() as AddressInfo).port}/api`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function check(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'check', url, '--origin', ORIGIN, '--credentials', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('check and the other browsers', () => {
  it('reports all three; the exit code stays Chrome’s', async () => {
    const { code, stdout } = await check([]);
    expect(code).toBe(1);
    const rows = stdout.split('\n').filter((l) => /^ {2}(chrome|firefox|safari)/.test(l));
    expect(rows).toEqual([
      `  chrome  Access to fetch at '${url}' from origin '${ORIGIN}' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Credentials' header in the response is 'true, ' which must be 'true' when the request's credentials mode is 'include'.`,
      '  firefox allows it',
      '  safari  Credentials flag is true, but Access-Control-Allow-Credentials is not "true".',
      `  safari  Fetch API cannot load ${url} due to access control checks.`,
    ]);
  });

  it.each([
    ['firefox', 0],
    ['safari', 1],
    ['chrome', 1],
  ])('--browser %s: exit %i', async (browser, expected) => {
    expect((await check(['--browser', browser])).code).toBe(expected);
  });

  it('--headline firefox: the record says what Firefox does, chrome stays Chrome’s', async () => {
    const { stdout } = await check(['--headline', 'firefox', '--json']);
    const record = JSON.parse(stdout.split('\n')[0]!) as { msg: string; headline: string; chrome: { message: string }; browsers: unknown };
    expect(record.headline).toBe('firefox');
    expect(record.msg).toBe(`Firefox allows this; Chrome: ${record.chrome.message}`);
    expect(record.browsers).toEqual({
      firefox: { verdict: 'allowed', lines: [], reason: null },
      safari: {
        verdict: 'blocked',
        lines: ['Credentials flag is true, but Access-Control-Allow-Credentials is not "true".', `Fetch API cannot load ${url} due to access control checks.`],
      },
    });
  });

  it('--browser opera is a usage error', async () => {
    const { code, stderr } = await check(['--browser', 'opera']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^corscope: Invalid values/);
  });
});
