/**
 * Answers Node's HTTP parser refuses and Chrome reads (malformed.ts), over real sockets: what the
 * browser's connection receives, the record, and the log line that says what was wrong. The same
 * answers in real Chromium, directly and through corscope: test/browser/response-heads.test.ts.
 */
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { rawServer, startProxy, type Proxy } from './helpers.js';

const PAGE = 'http://localhost:5173';
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!.close();
});

/** A raw target: writes `parts` (exact bytes, `delayMs` apart) once a request head arrives, then closes. */
async function rawTarget(parts: readonly string[], delayMs = 30): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0) await new Promise((r) => setTimeout(r, delayMs));
        socket.write(Buffer.from(part, 'latin1'));
      }
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Logged {
  readonly proxy: Proxy;
  readonly lines: () => Record<string, unknown>[];
}

async function proxyTo(target: string, options = {}): Promise<Logged> {
  const raw: string[] = [];
  const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void raw.push(line) });
  const proxy = await startProxy(target, { logger, ...options });
  running.push(proxy);
  return { proxy, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A GET with an Origin on a new connection; everything the connection receives until it closes. */
async function exchange(port: number, method = 'GET'): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.write(`${method} /api HTTP/1.1\r\nHost: localhost:${port}\r\nOrigin: ${PAGE}\r\nConnection: close\r\n\r\n`);
  await new Promise((resolve) => socket.once('close', resolve));
  return received;
}

const malformed = (lines: () => Record<string, unknown>[]) => lines().filter((l) => l.event === 'upstream-malformed');

describe('an answer Node refuses and Chrome reads', () => {
  const BARE_LF = `HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: ${PAGE}\nAccess-Control-Allow-Credentials: true\nContent-Length: 5\n\nhello`;

  it('goes to the browser byte for byte, judged, with a warning that names what is wrong', async () => {
    const { proxy, lines } = await proxyTo(await rawTarget([BARE_LF]));
    expect(await exchange(proxy.port)).toBe(BARE_LF);
    expect(proxy.records).toHaveLength(1);
    expect(proxy.records[0]).toMatchObject({ verdict: 'allowed', status: 200 });
    const [warning] = malformed(lines);
    expect(warning).toMatchObject({ level: 40, upstream: { code: expect.stringMatching(/^HPE_/) }, quirks: ['lines end in a bare LF instead of CRLF'], complete: true });
    expect(warning!.msg).toMatch(/^the target's answer is malformed \(lines end in a bare LF instead of CRLF\): Node's parser refuses it, Chrome reads it, so corscope judged Chrome's reading and passed it on as sent$/);
  });

  it('is judged as Chrome reads it: a space before the colon still names Access-Control-Allow-Origin', async () => {
    const { proxy } = await proxyTo(await rawTarget([`HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin : *\r\nContent-Length: 2\r\n\r\nok`]));
    await exchange(proxy.port);
    expect(proxy.records[0]).toMatchObject({ verdict: 'conditional', chrome: { code: 'WildcardOriginNotAllowed' } });
  });

  it('with --patch, is rewritten well-formed with what was patched, and the body as Chrome framed it', async () => {
    const folded = 'HTTP/1.1 200 OK\r\nX-Fold: a\r\n b\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n5\r\nhello\r\n0\r\n\r\n';
    const { proxy } = await proxyTo(await rawTarget([folded]), { patch: true });
    const received = await exchange(proxy.port);
    expect(received).toBe(
      `HTTP/1.1 200 OK\r\nX-Fold: a b\r\nAccess-Control-Allow-Origin: ${PAGE}\r\nVary: Origin\r\nAccess-Control-Allow-Credentials: true\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`,
    );
    expect(proxy.records[0]).toMatchObject({ verdict: 'blocked', chrome: { code: 'MissingAllowOriginHeader' }, patched: expect.anything() });
  });

  it('a status code Node refuses to write (099) reaches the browser, from an answer Node took', async () => {
    const { proxy } = await proxyTo(await rawTarget([`HTTP/1.1 099 Odd\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 5\r\n\r\nhello`]));
    expect(await exchange(proxy.port)).toBe('HTTP/1.1 099 Odd\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(proxy.records[0]).toMatchObject({ status: 99 });
  });

  it('a body longer than the read Node refused is cut there, and the log says so', async () => {
    const head = `HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 10\r\nContent-Length: 10\r\n\r\nhello`;
    const { proxy, lines } = await proxyTo(await rawTarget([head, 'world'], 100));
    expect(await exchange(proxy.port)).toBe(head);
    expect(malformed(lines)[0]).toMatchObject({ complete: false, msg: expect.stringMatching(/its body went on past the read Node refused and is cut there$/) });
  });

  it('from an HTTPS target too (the read is counted after TLS)', async () => {
    const tlsOptions = { cert: readFileSync(new URL('./tls/cert.pem', import.meta.url)), key: readFileSync(new URL('./tls/key.pem', import.meta.url)) };
    const server = tls.createServer(tlsOptions, (socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.end(BARE_LF));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const { proxy, lines } = await proxyTo(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, { insecure: true });
    expect(await exchange(proxy.port)).toBe(BARE_LF);
    expect(malformed(lines)).toHaveLength(1);
  });

  it('a HEAD answer with a doubled Content-Length has no body to read', async () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n';
    const { proxy } = await proxyTo(await rawTarget([head]));
    expect(await exchange(proxy.port, 'HEAD')).toBe(head);
  });
});

describe('a body Node refuses in the read that brought the head', () => {
  it('a bare LF after a chunk size (Chrome reads it): the bytes go on as sent; the record was written with the head', async () => {
    const answer = `HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n`;
    const { proxy, lines } = await proxyTo(await rawTarget([answer]));
    expect(await exchange(proxy.port)).toBe(answer);
    expect(proxy.records[0]).toMatchObject({ status: 200 });
    expect(malformed(lines)[0]).toMatchObject({ complete: true, msg: expect.stringMatching(/^Node's parser refused the target's body \(HPE_[A-Z_]+: .*\); Chrome reads it, so corscope passed the answer on as sent$/) });
  });
  it('a chunk size that is not hex (Chrome fails it too): the bytes go on, so the page fails as Chrome does', async () => {
    const answer = `HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n`;
    const { proxy, lines } = await proxyTo(await rawTarget([answer]));
    expect(await exchange(proxy.port)).toBe(answer);
    expect(malformed(lines)[0]).toMatchObject({ chrome: { netError: 'ERR_INVALID_CHUNKED_ENCODING' } });
  });
  it('under --patch the patched head goes out with the body as Chrome reads it', async () => {
    const answer = `HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\n0\n\n`;
    const { proxy, lines } = await proxyTo(await rawTarget([answer]), { patch: true });
    expect(await exchange(proxy.port)).toBe(
      `HTTP/1.1 200 OK\r\nX-A: 1\r\nAccess-Control-Allow-Origin: ${PAGE}\r\nVary: Origin\r\nAccess-Control-Allow-Credentials: true\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello`,
    );
    expect(malformed(lines)[0]!.msg).toMatch(/passed the answer on with the head the browser was given$/);
  });
  it('once a byte of the response went out, the response is cut as before', async () => {
    const { proxy, lines } = await proxyTo(await rawTarget([`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n`, '5\nworld\n0\n\n'], 50));
    const received = await exchange(proxy.port);
    expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*hello/);
    expect(received).not.toMatch(/world/);
    expect(malformed(lines)).toEqual([]);
    expect(lines().some((l) => l.event === 'upstream-abort')).toBe(true);
  });
});

describe('an answer Chrome refuses too', () => {
  it('not HTTP at all (HTTP/0.9 to Chrome): goes on as sent, so the page fails with ERR_INVALID_HTTP_RESPONSE, not a CORS error', async () => {
    const { proxy, lines } = await proxyTo(await rawTarget(['SSH-2.0-OpenSSH_9.6\r\n']));
    expect(await exchange(proxy.port)).toBe('SSH-2.0-OpenSSH_9.6\r\n');
    expect(proxy.records).toEqual([]);
    expect(malformed(lines)[0]).toMatchObject({ chrome: { netError: 'ERR_INVALID_HTTP_RESPONSE', why: expect.stringMatching(/reads it as HTTP\/0\.9/) } });
  });

  it('goes on as sent, so the page fails with Chrome\'s own net error and no CORS line; no CORS record', async () => {
    const twice = `HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!`;
    const { proxy, lines } = await proxyTo(await rawTarget([twice]));
    expect(await exchange(proxy.port)).toBe(twice);
    expect(proxy.records).toEqual([]);
    const [warning] = malformed(lines);
    expect(warning).toMatchObject({ chrome: { netError: 'ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH', why: 'Content-Length values that differ: 5, 6' } });
    expect(warning!.msg).toMatch(/^Chrome refuses this answer of the target itself \(net::ERR_RESPONSE_HEADERS_MULTIPLE_CONTENT_LENGTH: Content-Length values that differ: 5, 6\); corscope passed it on as sent/);
  });
});

describe('the same answers to a request corscope relays raw (a method spelling Node refuses)', () => {
  it('a bare-LF answer is judged as Chrome reads it and its head goes on well-formed, the body as sent', async () => {
    const { proxy } = await proxyTo(await rawTarget([`HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Length: 5\n\nhello`]));
    expect(await exchange(proxy.port, 'patch')).toBe('HTTP/1.1 200 OK\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(proxy.records[0]).toMatchObject({ method: 'patch', status: 200, chrome: { code: 'WildcardOriginNotAllowed' } });
  });
  it('an answer Chrome refuses goes on as sent, with the warning', async () => {
    const twice = 'HTTP/1.1 200 OK\r\nLocation: /a\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n';
    const { proxy, lines } = await proxyTo(await rawTarget([twice]));
    expect(await exchange(proxy.port, 'patch')).toBe(twice);
    expect(malformed(lines)[0]).toMatchObject({ chrome: { netError: 'ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION' } });
  });
  it('an answer that is not HTTP goes on as sent, as soon as its first bytes show it', async () => {
    const server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write('SSH-2.0-OpenSSH_9.6\r\n')); // and then waits, as sshd does
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise<void>((resolve) => { server.close(() => resolve()); }) });
    const { proxy, lines } = await proxyTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 10_000 });
    const socket = net.connect(proxy.port, '127.0.0.1');
    socket.write(`patch /api HTTP/1.1\r\nHost: localhost:${proxy.port}\r\nOrigin: ${PAGE}\r\n\r\n`);
    const first = await new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))));
    socket.destroy();
    expect(first).toBe('SSH-2.0-OpenSSH_9.6\r\n');
    expect(malformed(lines)[0]).toMatchObject({ chrome: { netError: 'ERR_INVALID_HTTP_RESPONSE' } });
  });
});

describe('an answer on a pooled connection', () => {
  it('is read from its own first byte, after the answers the connection carried before', async () => {
    const answers = ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', `HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Length: 5\n\nhello`];
    const raw = await rawServer((n) => answers[n] ?? '');
    running.push(raw);
    const { proxy, lines } = await proxyTo(raw.origin);
    expect(await exchange(proxy.port)).toMatch(/\r\n\r\nok$/);
    expect(await exchange(proxy.port)).toBe(`HTTP/1.1 200 OK\nAccess-Control-Allow-Origin: *\nContent-Length: 5\n\nhello`);
    expect(malformed(lines)).toHaveLength(1);
    expect(raw.connections()).toBe(1);
  });
});

describe('an answer whose head is not in the read Node refused', () => {
  it('is not taken for an answer when that later read starts with "HTTP"', async () => {
    const { proxy, lines } = await proxyTo(await rawTarget(['HTTP/1.1 200 OK\r\nX-A: ', 'HTTP-ish\r\nNo Colon Here\r\nContent-Length: 0\r\n\r\n'], 50));
    expect(await exchange(proxy.port)).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(malformed(lines)).toEqual([]);
  });

  it('is the 502 it was, saying the answer is malformed', async () => {
    const { proxy, lines } = await proxyTo(await rawTarget(['HTTP/1.1 200 OK\r\n', 'No Colon Here\r\n\r\n'], 50));
    expect(await exchange(proxy.port)).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(proxy.records[0]).toMatchObject({ status: 502, upstream: { code: expect.stringMatching(/^HPE_/), message: expect.stringMatching(/malformed HTTP response/) } });
    expect(malformed(lines)).toEqual([]);
  });
});
