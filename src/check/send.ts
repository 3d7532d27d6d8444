/**
 * One request on the wire with Node's http/https: header lines sent verbatim (order, case), the
 * response head read from `rawHeaders` (duplicates matter to the engine). No CORS rule looks at
 * the body: only an error answer's first bytes are read (what Chrome hides and the diagnosis
 * reads), and the socket is dropped once they, or the head, are in.
 */
import http from 'node:http';
import https from 'node:https';
import type { HeaderLine, RequestSnapshot, ResponseSnapshot } from '../cors/types.js';
import { parseErrorOf, readAnswer } from '../proxy/chrome-response.js';
import { tapBody, type Tapped } from '../proxy/body-tap.js';
import { BODY_EXCERPT_BYTES } from '../log/body.js';

/** How long an error answer's body may take to show its first bytes. */
const BODY_WAIT_MS = 1_000;

/** Why no response came back, for the person running the check. */
export interface NetworkFailure {
  /** Node's error code (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …) or `TIMEOUT`. */
  readonly code: string;
  readonly message: string;
  readonly url: string;
  /** The net error Chrome reports, when it is known here (an answer Chrome refuses itself). */
  readonly chrome?: string;
}

export interface SendOptions {
  readonly timeoutMs: number;
  readonly insecure: boolean;
  readonly body?: string;
}

export type SendResult =
  /** `malformed`: what Node's parser refused in the head, which Chrome reads anyway. */
  | { readonly response: ResponseSnapshot; readonly durationMs: number; readonly malformed?: readonly string[]; readonly body?: Tapped }
  | { readonly failure: NetworkFailure };

export function send(request: RequestSnapshot, options: SendOptions): Promise<SendResult> {
  const url = new URL(request.url);
  const client = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request({
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      method: request.method,
      headers: request.headers.flatMap(([name, value]) => [name, value]),
      setHost: false,
      agent: false,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: !options.insecure, servername: sni(url.hostname) } : {}),
    });
    const timer = setTimeout(() => {
      finish({ failure: { code: 'TIMEOUT', message: `no response within ${options.timeoutMs} ms`, url: request.url } });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      const read = asChromeReads(err, req.socket?.bytesRead, request.method, request.url);
      if (read && 'failure' in read) finish(read);
      else if (read) finish({ ...read, durationMs: Math.round((performance.now() - started) * 10) / 10 });
      else finish({ failure: { code: err.code ?? 'ERROR', message: describeError(err), url: request.url } });
    });
    req.on('response', (res) => {
      const headers: HeaderLine[] = [];
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
      const response = { status: res.statusCode ?? 0, headers };
      const durationMs = Math.round((performance.now() - started) * 10) / 10;
      res.on('error', () => undefined);
      if ((response.status < 300 && request.method !== 'OPTIONS') || request.method === 'HEAD') {
        finish({ response, durationMs });
        req.destroy();
        return;
      }
      tapBody(res, BODY_EXCERPT_BYTES, BODY_WAIT_MS, (body) => {
        finish({ response, durationMs, body });
        req.destroy();
      });
    });
    req.end(options.body);
  });
}

/**
 * Node's parser refused the answer, which Chrome may read (src/proxy/chrome-response.ts): the
 * head as Chrome reads it, or the net error Chrome fails it with. Only when the read Node refused
 * is all the connection read, so it starts where the answer starts.
 */
function asChromeReads(err: unknown, bytesRead: number | undefined, method: string, url: string): { response: ResponseSnapshot; malformed: readonly string[] } | { failure: NetworkFailure } | undefined {
  const parse = parseErrorOf(err);
  if (!parse || bytesRead !== parse.packet.length) return undefined;
  const reading = readAnswer(parse.packet, method);
  if (reading.kind === 'partial') return undefined;
  if (reading.kind === 'refused') {
    return { failure: { code: parse.code, message: `Chrome refuses this answer itself: ${reading.why}`, url, chrome: `net::${reading.netError}` } };
  }
  return { response: { status: reading.head.status, headers: reading.head.headers }, malformed: reading.head.quirks };
}

/** SNI takes a host name, never an IP address. */
function sni(hostname: string): string | undefined {
  return /^[\d.]+$/.test(hostname) || hostname.startsWith('[') ? undefined : hostname;
}

const PLAIN: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing is listening there',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be resolved right now',
  ECONNRESET: 'the server closed the connection without answering',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's TLS certificate is self-signed; --insecure accepts it",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's TLS certificate chain is self-signed; --insecure accepts it",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's TLS certificate cannot be verified; --insecure accepts it",
  CERT_HAS_EXPIRED: "the server's TLS certificate has expired; --insecure accepts it",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's TLS certificate is for another host name; --insecure accepts it",
  EPROTO: 'the TLS handshake failed (is it really an https server?)',
  HPE_INVALID_CONSTANT: 'the answer is not HTTP (is it an https server called with http://?)',
};

function describeError(err: NodeJS.ErrnoException): string {
  return (err.code && PLAIN[err.code]) || err.message;
}
