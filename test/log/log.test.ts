import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, isDevNull, type LogFormat } from '../../src/log/logger.js';
import { corsHeaders, send, startProxy, startUpstream, writeRaw } from '../proxy/helpers.js';

const PAGE = 'http://localhost:5173';
const SECRETS = ['PLANTED-cookie-5f1c', 'PLANTED-bearer-9a7e', 'PLANTED-setcookie-2b4d', 'PLANTED-proxyauth-77'];

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** Runs one credentialed exchange through corscope with a logger writing into a string. */
async function logOf(format: LogFormat, logSecrets: boolean, file?: string): Promise<string> {
  let out = '';
  const log = createLogger({ format, level: 'debug', ...(file ? { file } : {}), stdout: { write: (s: string) => (out += s), isTTY: false } });
  const upstream = await startUpstream((req, res) =>
    writeRaw(res, 200, [['Access-Control-Allow-Origin', '*'], ['Set-Cookie', `token=${SECRETS[2]}; HttpOnly`]]),
  );
  const proxy = await startProxy(upstream.origin, { logger: log.logger, logSecrets });
  running.push(upstream, proxy);
  await send(proxy.port, {
    path: '/api',
    headers: corsHeaders(PAGE, [
      ['Cookie', `sid=${SECRETS[0]}`],
      ['Authorization', `Bearer ${SECRETS[1]}`],
      ['Proxy-Authorization', `Basic ${SECRETS[3]}`],
    ]),
  });
  await log.close();
  return out;
}

describe('redaction', () => {
  it.each(['json', 'pretty'] as const)('no planted secret reaches the %s log', async (format) => {
    const out = await logOf(format, false);
    expect(out.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(out).not.toContain(secret);
  });

  it('the header lines are logged at debug, secrets as [redacted]', async () => {
    const record = JSON.parse((await logOf('json', false)).trim().split('\n')[0]!);
    expect(record.headers.request).toContainEqual(['Cookie', '[redacted]']);
    expect(record.headers.request).toContainEqual(['Authorization', '[redacted]']);
    expect(record.headers.response).toContainEqual(['Set-Cookie', '[redacted]']);
  });

  it('--log-file gets NDJSON, redacted, flushed on close', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'corscope-log-')), 'nested', 'corscope.ndjson');
    await logOf('pretty', false, file);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ event: 'cors', verdict: 'blocked', level: 40 });
    for (const secret of SECRETS) expect(lines[0]).not.toContain(secret);
  });

  it('--log-secrets shows them', async () => {
    const out = await logOf('json', true);
    for (const secret of SECRETS) expect(out).toContain(secret);
  });
});

describe('json format', () => {
  it('one NDJSON record per exchange: the record fields plus pino level and time', async () => {
    const lines = (await logOf('json', false)).trim().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({
      level: 40,
      time: expect.any(Number),
      event: 'cors',
      stage: 'request',
      verdict: 'blocked',
      credentials: 'include',
      chrome: { code: 'WildcardOriginNotAllowed' },
    });
    expect(record.msg).toBe(record.chrome.message);
  });
});

describe('pretty format', () => {
  it('a repeat of an explained exchange is one line pointing back to the first', async () => {
    let out = '';
    const log = createLogger({ format: 'pretty', level: 'info', stdout: { write: (s: string) => (out += s), isTTY: false } });
    const upstream = await startUpstream((req, res) => writeRaw(res, 200, []));
    const proxy = await startProxy(upstream.origin, { logger: log.logger });
    running.push(upstream, proxy);
    for (let i = 0; i < 3; i++) await send(proxy.port, { path: '/poll', headers: corsHeaders(PAGE) });
    await log.close();
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => l.includes('  chrome '))).toHaveLength(1);
    expect(lines.at(-2)).toMatch(/BLOCKED +#2 request GET .*\/poll .* same as #1$/);
    expect(lines.at(-1)).toMatch(/BLOCKED +#3 request GET .*\/poll .* same as #1$/);
  });

  it('a block with the verdict, the request, Chrome line, cause and fix; no colour off a TTY', async () => {
    const out = await logOf('pretty', false);
    expect(out).not.toContain('\u001b[');
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d BLOCKED +#1 request GET http:\/\/localhost:\d+\/api ← http:\/\/localhost:5173 200 [\d.]+ ms$/);
    expect(lines[1]).toMatch(/^ {2}chrome +Access to fetch at 'http:\/\/localhost:\d+\/api' from origin 'http:\/\/localhost:5173' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header/);
    expect(out).toMatch(/\n {2}cause +\S/);
    expect(out).toMatch(/\n {2}fix +\S/);
  });
});

describe('stdout to /dev/null', () => {
  const opened = (path: string, flags: string): number => openSync(path, flags);
  const cases: [string, () => number, boolean][] = [
    ['/dev/null', () => opened('/dev/null', 'w'), true],
    ['/dev/zero (another character device)', () => opened('/dev/zero', 'r'), false],
    ['a regular file', () => opened(join(mkdtempSync(join(tmpdir(), 'corscope-null-')), 'x'), 'w'), false],
  ];
  it.each(cases)('%s: isDevNull says %s', (_name, open, expected) => {
    const fd = open();
    try {
      expect(isDevNull(fd)).toBe(expected);
    } finally {
      closeSync(fd);
    }
  });

  it('a closed descriptor is not /dev/null (and does not throw)', () => {
    const fd = openSync('/dev/null', 'r');
    closeSync(fd);
    expect(isDevNull(fd)).toBe(false);
  });
});
