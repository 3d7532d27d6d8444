/**
 * Target faults, one table: what the browser gets, what the record says, and no unhandled error or
 * rejection anywhere in the process while they happen.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { corsHeaders, send, startProxy } from './helpers.js';

const PAGE = 'http://localhost:5173';
const unhandled: unknown[] = [];
const onUnhandled = (err: unknown): void => void unhandled.push(err);
const servers: net.Server[] = [];

beforeAll(() => {
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('uncaughtException', onUnhandled);
  process.off('unhandledRejection', onUnhandled);
  for (const server of servers) server.close();
});

/** A raw TCP target that does `act` with each connection once the request arrives. */
async function rawTarget(act: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.once('data', () => act(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface Fault {
  readonly target: () => Promise<string>;
  readonly status: number;
  readonly code: RegExp;
  readonly says: RegExp;
  readonly timeoutMs?: number;
}

const FAULTS: Record<string, Fault> = {
  'connection refused': { target: closedPort, status: 502, code: /^ECONNREFUSED$/, says: /connection refused at 127\.0\.0\.1:\d+; is the API running\?/ },
  'DNS failure': { target: async () => 'http://corscope-test.invalid', status: 502, code: /^(ENOTFOUND|EAI_AGAIN)$/, says: /^the host name 'corscope-test\.invalid' does not resolve \(DNS\)$/ },
  'https:// target that speaks plain HTTP': { target: () => rawTarget((s) => s.end('HTTP/1.1 200 OK\r\n\r\n')).then((u) => u.replace('http:', 'https:')), status: 502, code: /^(EPROTO|ERR_SSL_WRONG_VERSION_NUMBER)$/, says: /TLS handshake failed .*does the target really speak HTTPS\?/ },
  'reset before answering': { target: () => rawTarget((s) => s.destroy()), status: 502, code: /^ECONNRESET$/, says: /closed the connection without answering/ },
  'silent past --timeout': { target: () => rawTarget(() => undefined), status: 504, code: /^TIMEOUT$/, says: /no response head within 200 ms \(--timeout\)/, timeoutMs: 200 },
  // Chrome reads a head Node refuses when corscope has all of it (malformed.test.ts); here it came in two reads.
  'malformed response head': {
    target: () => rawTarget((s) => void (s.write('HTTP/1.1 200 OK\r\n'), setTimeout(() => s.end('No Colon Here\r\n\r\n'), 50))),
    status: 502,
    code: /^HPE_/,
    says: /malformed HTTP response/,
  },
};

it.each(Object.entries(FAULTS))('%s', async (_name, fault) => {
  const proxy = await startProxy(await fault.target(), fault.timeoutMs ? { timeoutMs: fault.timeoutMs } : {});
  try {
    const reply = await send(proxy.port, { path: '/api', headers: corsHeaders(PAGE) });
    expect(reply.status).toBe(fault.status);
    expect(reply.body.toString()).toMatch(/^corscope: no response from the target /);
    expect(proxy.records).toHaveLength(1);
    const [record] = proxy.records;
    expect(record!.upstream!.code).toMatch(fault.code);
    expect(record!.upstream!.message).toMatch(fault.says);
    expect(record!.chrome!.code).toBe('MissingAllowOriginHeader');
    expect(record!.msg).toMatch(/Chrome will show: Access to fetch at/);
    expect(unhandled).toEqual([]);
  } finally {
    await proxy.close();
  }
});
