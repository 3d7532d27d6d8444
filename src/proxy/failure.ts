/**
 * When the target gives no usable answer, the browser still gets one from corscope: a 502 (504 on
 * timeout) with a short text body, and the log says what really happened.
 */
import type { UpstreamFailure } from '../log/record.js';

/** Marks the timeout corscope itself enforces, so it maps to 504 rather than 502. */
export const TIMEOUT_CODE = 'CORSCOPE_TIMEOUT';
/** The wait timed out while the browser's own request body had stopped coming: its stall, not the target's. */
export const BODY_STALL_CODE = 'CORSCOPE_BODY_STALL';

export interface FailureReply {
  readonly status: 408 | 502 | 504;
  readonly body: string;
  readonly upstream: UpstreamFailure;
}

interface NodeError {
  code?: string;
  message?: string;
  address?: string;
  port?: number;
  hostname?: string;
}

export function describeFailure(err: unknown, target: string, timeoutMs: number): FailureReply {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as NodeError;
  const code = e.code ?? 'ERROR';
  const where = e.address ? ` ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  const reason = explain(code, where, timeoutMs, e.message ?? 'unknown error', e.hostname);
  if (code === BODY_STALL_CODE) {
    return { status: 408, body: `corscope: ${reason}\n`, upstream: { code: 'BODY_STALL', message: reason, target } };
  }
  const status = code === TIMEOUT_CODE ? 504 : 502;
  return {
    status,
    body: `corscope: no response from the target ${target}: ${reason}\n`,
    upstream: { code: code === TIMEOUT_CODE ? 'TIMEOUT' : code, message: reason, target },
  };
}

function explain(code: string, where: string, timeoutMs: number, fallback: string, hostname?: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused at${where || ' the target'}; is the API running? ('localhost' may resolve to ::1 first: try 127.0.0.1)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name${hostname ? ` '${hostname}'` : ''} does not resolve (DNS)`;
    case 'ECONNRESET':
      return 'the target closed the connection without answering';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the target${where} is unreachable`;
    case TIMEOUT_CODE:
      return `no response head within ${timeoutMs} ms (--timeout)`;
    case BODY_STALL_CODE:
      return `the request body stopped coming from the browser: nothing moved to or from the target for ${timeoutMs} ms (--timeout), so the request was given up`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the target's TLS certificate was rejected (${code}); use --insecure for a self-signed development certificate`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `the TLS handshake failed (${code}); does the target really speak HTTPS? (for a plain HTTP API use an http:// target)`;
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CHUNK_SIZE':
      return `the target sent a malformed HTTP response (${code})`;
    case 'ERR_INVALID_CHAR':
    case 'ERR_HTTP_INVALID_HEADER_VALUE':
      return 'the target sent a header value Node refuses to forward';
    default:
      return fallback;
  }
}
