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
import { readAnswer } from './chrome-response.js';
import { closingHead, headerBlock } from './head.js';
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
  /** Chrome refuses the target's answer itself (`net::<netError>`); it goes on as sent. */
  refused(netError: string, why: string): void;
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
  const requestHead = `${head.method} ${prefix}${head.target} HTTP/1.1\r\nHost: ${host}\r\n${headerBlock(lines)}Connection: close\r\n\r\n`;
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
    // Read as Chrome reads it (chrome-response.ts): what Node's parser would refuse, Chrome may not.
    const reading = readAnswer(received, head.method);
    if (reading.kind === 'partial') {
      if (received.length > MAX_HEAD) failOnce(Object.assign(new Error('response head too large'), { code: 'HPE_HEADER_OVERFLOW' }));
      return;
    }
    answered = true;
    upstream.setTimeout(0);
    upstream.off('data', onHead);
    if (reading.kind === 'refused') {
      // Chrome refuses the answer itself: it goes on as sent, and the page fails as without corscope.
      plan.refused(reading.netError, reading.why);
      client.write(received);
      upstream.pipe(client);
      return;
    }
    const { status, statusDigits, statusText, headers, bodyStart } = reading.head;
    const out = plan.respond({ status, statusText, headers });
    const kept = out.headers.filter(([n]) => !DROPPED.has(n.toLowerCase()));
    client.write(closingHead(out.status === status ? statusDigits : out.status, out.statusText, kept));
    client.write(received.subarray(bodyStart));
    upstream.pipe(client);
  };
  upstream.on('data', onHead);
  upstream.on('end', () => {
    if (!answered) failOnce(Object.assign(new Error('the target closed the connection without answering'), { code: 'ECONNRESET' }));
  });
}
