/**
 * A request Node's HTTP parser refuses only for its method's spelling (fetch sends `patch` as
 * written; llhttp accepts only the registered upper-case methods) is still a valid HTTP/1.1 request
 * that Chrome would have sent to the API. corscope takes the socket over from Node's server and
 * relays that one exchange byte for byte, reading only the response head to judge it.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { HeaderLine } from '../cors/types.js';
import type { RawHead } from './refused.js';

export interface ResponseHead {
  readonly status: number;
  readonly statusText: string;
  readonly headers: readonly HeaderLine[];
}

export interface RelayPlan {
  /** The head to write to the browser, given the target's (judged, maybe patched, by the caller). */
  respond(head: ResponseHead): ResponseHead;
  /** The target gave no head: the caller answers the browser on `client` itself. */
  fail(err: unknown, timedOut: boolean): void;
}

export interface RelayTarget {
  readonly url: URL;
  readonly keepHost: boolean;
  readonly insecure: boolean;
  readonly timeoutMs: number;
}

const MAX_HEAD = 65_536;
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection']);

/**
 * Detaches the socket from Node's HTTP server after a parse error. Relies on the parser's
 * `unconsume` (Node's own server uses it for upgrades); false when it is not there.
 */
export function takeOver(socket: Duplex): boolean {
  const parser = (socket as Duplex & { parser?: { unconsume?: () => void } | null }).parser;
  if (!parser || typeof parser.unconsume !== 'function') return false;
  parser.unconsume();
  socket.removeAllListeners('data');
  socket.removeAllListeners('end');
  return true;
}

/** Where the request head ends in the first chunk; -1 when it did not all arrive at once. */
export function headEnd(chunk: Buffer): number {
  return chunk.indexOf('\r\n\r\n');
}

/** `rest`: what the client sent after the head (the start of a body), relayed first. */
export function relayRaw(client: Duplex, head: RawHead, rest: Buffer, target: RelayTarget, plan: RelayPlan): void {
  const { url } = target;
  const prefix = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  const host = target.keepHost ? (head.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? url.host) : url.host;
  const lines = head.headers.filter(([n]) => n.toLowerCase() !== 'host' && !DROPPED.has(n.toLowerCase()));
  const requestHead = `${head.method} ${prefix}${head.target} HTTP/1.1\r\nHost: ${host}\r\n${serialize(lines)}Connection: close\r\n\r\n`;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const upstream: net.Socket =
    url.protocol === 'https:'
      ? tls.connect({ host: hostname, port, servername: net.isIP(hostname) ? '' : hostname, rejectUnauthorized: !target.insecure })
      : net.connect({ host: hostname, port });
  let answered = false;
  let timedOut = false;
  let received = Buffer.alloc(0);
  const failOnce = (err: unknown): void => {
    if (answered) {
      client.destroy();
      return;
    }
    answered = true;
    upstream.destroy();
    plan.fail(err, timedOut);
  };
  upstream.setTimeout(target.timeoutMs, () => {
    timedOut = true;
    failOnce(new Error('timeout'));
  });
  upstream.on('error', failOnce);
  client.on('error', () => upstream.destroy());
  client.on('close', () => upstream.destroy());
  upstream.write(requestHead);
  if (rest.length > 0) upstream.write(rest);
  client.pipe(upstream);
  const onHead = (data: Buffer): void => {
    received = Buffer.concat([received, data]);
    const end = received.indexOf('\r\n\r\n');
    if (end === -1) {
      if (received.length > MAX_HEAD) failOnce(Object.assign(new Error('response head too large'), { code: 'HPE_HEADER_OVERFLOW' }));
      return;
    }
    const parsed = parseResponseHead(received.subarray(0, end).toString('latin1'));
    if (!parsed) return failOnce(Object.assign(new Error('malformed response head'), { code: 'HPE_INVALID_CONSTANT' }));
    answered = true;
    upstream.setTimeout(0);
    upstream.off('data', onHead);
    const out = plan.respond(parsed);
    const kept = out.headers.filter(([n]) => !DROPPED.has(n.toLowerCase()));
    client.write(`HTTP/1.1 ${out.status} ${out.statusText}\r\n${serialize(kept)}Connection: close\r\n\r\n`);
    client.write(received.subarray(end + 4));
    upstream.pipe(client);
  };
  upstream.on('data', onHead);
  upstream.on('end', () => {
    if (!answered) failOnce(Object.assign(new Error('the target closed the connection without answering'), { code: 'ECONNRESET' }));
  });
}

function parseResponseHead(text: string): ResponseHead | null {
  const [statusLine, ...rest] = text.split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine ?? '');
  if (!match) return null;
  const headers: HeaderLine[] = [];
  for (const line of rest) {
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')]);
  }
  return { status: Number(match[1]), statusText: match[2] ?? '', headers };
}

function serialize(lines: readonly HeaderLine[]): string {
  return lines.map(([n, v]) => `${n}: ${v}\r\n`).join('');
}
